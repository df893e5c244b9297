"""URL converters: an id in a path is a whole number an id column can hold, or no match (404)."""

from werkzeug.routing import IntegerConverter

from app.common.forms import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` for every route: 1 … MAX_ID. A larger number would overflow the database's
    integer column (a 500 on PostgreSQL and SQLite alike); it matches no route instead."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
