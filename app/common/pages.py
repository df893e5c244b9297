"""One page of a long list: the paginator every list page uses."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from app.extensions import db

PAGE_SIZE = 25


@dataclass
class Page:
    rows: list[tuple]
    total: int
    number: int
    pages: int


def paginate(base: Select, number: int, shape: Callable[[Select], Select]) -> Page:
    """Page `number` of `base`: one count, then one query for the rows, which `shape` gives
    their extra columns, loading and order. A number past the end gives the last page."""
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    query = shape(base).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    return Page([tuple(row) for row in db.session.execute(query)], total, number, pages)
