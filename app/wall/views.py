"""The wall screen at /wall/<token> and its data; display tokens made and revoked by managers."""

from flask import Blueprint

bp = Blueprint("wall", __name__)
