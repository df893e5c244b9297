"""Inspection schedules: the model, their form and pages, periods and coverage."""
