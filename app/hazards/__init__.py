"""Hazards (隐患), one card each, with their append-only event history."""
