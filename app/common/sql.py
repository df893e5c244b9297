"""Small helpers for table definitions."""


def one_of(column: str, values) -> str:
    """SQL text for a check constraint: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
