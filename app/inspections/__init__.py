"""Inspections (检查记录), their item results and photos."""
