"""Audit records of administrators' actions."""
