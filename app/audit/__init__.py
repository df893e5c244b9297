"""Audit records of administrators' actions, and of logins: attempts, lockouts and unlocks."""
