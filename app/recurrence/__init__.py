"""Recurring hazards (重复隐患) and the four-don'ts review (四不放过) they need to close."""
