"""Parsers of what a client sends: in range or nothing, never an exception further on."""

from datetime import date

import pytest

from app.common.json_limits import json_depth
from app.common.time import parse_day, parse_month


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11", date(2026, 11, 1)), ("2000-01", date(2000, 1, 1)),
    ("2099-12", date(2099, 12, 1)), ("1999-12", None), ("2100-01", None), ("9999-12", None),
    ("0001-01", None), ("2026-13", None), ("2026-1", None), ("", None), (None, None),
])
def test_parse_month_keeps_to_the_years_records_can_have(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-03", date(2026, 11, 3)), ("9999-12-31", None), ("0001-01-01", None),
    ("2026-02-30", None), ("x", None), ("", None),
])
def test_parse_day_keeps_to_the_years_records_can_have(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(("body", "depth"), [
    (b"{}", 1), (b'{"a": [1, {"b": []}]}', 4), (b'"[[[["', 0), (b'["\\"[[", []]', 2),
    (b"[" * 1000 + b"]" * 1000, 1000),
])
def test_json_depth_counts_brackets_outside_strings(body, depth):
    assert json_depth(body) == depth
