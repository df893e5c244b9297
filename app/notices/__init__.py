"""Notices: email and group-chat messages about hazards, sent by `flask notify`."""
