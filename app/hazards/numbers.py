"""Card numbers such as YH-2026-00042, counted per year without gaps or repeats."""

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.hazards.models import HazardCounter


def next_hazard_number(year: int) -> str:
    """Take the next number of `year`; an atomic UPDATE keeps concurrent writers apart."""
    bump = (
        update(HazardCounter)
        .where(HazardCounter.year == year)
        .values(last=HazardCounter.last + 1)
        .returning(HazardCounter.last)
    )
    last = db.session.scalar(bump)
    if last is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(HazardCounter).values(year=year, last=1))
            last = 1
        except IntegrityError:  # another writer created the year's row first
            last = db.session.scalar(bump)
    return f"YH-{year}-{last:05d}"
