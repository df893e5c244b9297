"""Small helpers for table definitions."""


def one_of(column: str, values) -> str:
    """SQL text for a check constraint: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


LIKE_ESCAPE = "\\"


def contains(column, text: str):
    """`column` contains `text` as typed, case-insensitively: `%` and `_` are letters in a
    search box, not LIKE wildcards."""
    escaped = (text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
               .replace("_", LIKE_ESCAPE + "_"))
    return column.ilike(f"%{escaped}%", escape=LIKE_ESCAPE)
