"""Locations (检查点), their types, risk-source cards and QR tokens."""
