"""Inspection schedules: periods, coverage (done, due, missed) and their pages."""
