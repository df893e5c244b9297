"""The coverage page: which locations are owed an inspection, and which were missed."""

from flask import Blueprint

bp = Blueprint("schedules", __name__)
