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


def _place(total: int, number: int, size: int) -> tuple[int, int, int]:
    """(pages, number, offset) for page `number` of `total` rows: past the end is the last."""
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    return pages, number, (number - 1) * size


def paginate(base: Select, number: int, shape: Callable[[Select], Select]) -> Page:
    """Page `number` of `base`: one count, then one query for the rows, which `shape` gives
    their extra columns, loading and order. A number past the end gives the last page."""
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    pages, number, offset = _place(total, number, PAGE_SIZE)
    query = shape(base).limit(PAGE_SIZE).offset(offset)
    return Page([tuple(row) for row in db.session.execute(query)], total, number, pages)


def page_of(items: list, number: int, size: int = PAGE_SIZE) -> Page:
    """Page `number` of a list already worked out in Python (its order is the caller's)."""
    pages, number, offset = _place(len(items), number, size)
    return Page(items[offset:offset + size], len(items), number, pages)
