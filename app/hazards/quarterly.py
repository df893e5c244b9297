"""Which hazard cards each figure of the quarterly department assessment counts (科室季度安全考核).

One rule per card, in Python, shared by the assessment's counts and the hazard list's
drill-down, so the list behind a figure holds exactly the cards it counts. Cards count for
their (current) responsible department. Cancelled cards never count: they were duplicates or
false reports. Figures are worked out from the cards as they stand today: a late card closed
after its quarter still counts late there.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.common.quarters import Quarter
from app.common.time import local_today
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.models import Hazard

FIGURES = {
    # Judged in the quarter: the deadline fell in it and has passed (a card due today or later
    # is not judged yet); cards without a deadline (fixed on the spot) are never due.
    "due": _l("Due in the quarter"),
    # Of those, closed and rectified by the deadline day (the card's `closed_on_time`).
    "on_time": _l("Rectified on time"),
    # Days past the deadline that fell in the quarter, counted as the ledger's "Days overdue":
    # from the day after the deadline to the day the card closed, or to today while open.
    "overdue": _l("Days overdue"),
    # Reported in the quarter and marked recurring (重复隐患).
    "recurring": _l("Recurring hazards"),
    # Major (重大隐患), found before the quarter's end and not closed by then (now, for the
    # running quarter).
    "major_open": _l("Major hazards open at the quarter's end"),
}


@dataclass(frozen=True)
class QuarterCard:
    id: int
    department_id: int
    level: str
    status: str
    recurring: bool
    found_at: datetime
    deadline_on: date | None
    closed_at: datetime | None
    closed_on_time: bool | None


def quarter_cards(quarter: Quarter, *, department_id: int | None = None) -> list[QuarterCard]:
    """The cards that may count for `quarter` (a superset; `figures_of` decides). One query."""
    start, end = quarter.utc_bounds()
    query = (
        select(Hazard.id, Hazard.department_id, Hazard.level, Hazard.status, Hazard.recurring,
               Hazard.found_at, Hazard.deadline_on, Hazard.closed_at, Hazard.closed_on_time)
        .where(Hazard.status != "cancelled", Hazard.found_at < end,
               or_(Hazard.status.in_(OPEN_HAZARD_STATUSES), Hazard.closed_at >= start,
                   Hazard.deadline_on >= quarter.first, Hazard.found_at >= start))
        .order_by(Hazard.id)
    )
    if department_id is not None:
        query = query.where(Hazard.department_id == department_id)
    return [QuarterCard(*row) for row in db.session.execute(query)]


def figures_of(card: QuarterCard, quarter: Quarter, today: date) -> dict[str, int]:
    """What `card` adds to each figure of `quarter` seen on `today`: 1 (or days, for
    "overdue") for each figure it counts in, nothing for the others."""
    if card.status == "cancelled":
        return {}
    start, end = quarter.utc_bounds()
    is_open = card.status in OPEN_HAZARD_STATUSES
    figures = {}
    deadline = card.deadline_on
    if deadline is not None and quarter.contains(deadline) and deadline < today:
        figures["due"] = 1
        if card.status == "closed" and card.closed_on_time:
            figures["on_time"] = 1
    if deadline is not None:
        days = _overdue_days(card, deadline, quarter, today)
        if days > 0:
            figures["overdue"] = days
    if card.recurring and start <= card.found_at < end:
        figures["recurring"] = 1
    if card.level == "major" and card.found_at < end and (
            is_open or (card.closed_at is not None and card.closed_at >= end)):
        figures["major_open"] = 1
    return figures


def _overdue_days(card: QuarterCard, deadline: date, quarter: Quarter, today: date) -> int:
    """The days from the day after the deadline to the card's last late day (the local day
    it closed, or today while open), that fall in the quarter."""
    if card.status in OPEN_HAZARD_STATUSES:
        last_late = today
    elif card.status == "closed" and card.closed_at is not None:
        last_late = local_today(card.closed_at)
    else:
        return 0
    first = max(deadline.toordinal() + 1, quarter.first.toordinal())
    last = min(last_late, quarter.last).toordinal()
    return max(0, last - first + 1)


def card_ids(figure: str, quarter: Quarter, today: date, *,
             department_id: int | None = None) -> list[int]:
    """The ids of the cards behind `figure` of `quarter` (the hazard list's drill-down)."""
    return [card.id for card in quarter_cards(quarter, department_id=department_id)
            if figures_of(card, quarter, today).get(figure)]
