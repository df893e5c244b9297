"""Pieces every module shares: time, errors, permissions, bilingual fields."""
