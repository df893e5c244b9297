"""Finding the earlier cards a failed checklist item recurs, and the window an administrator
sets for it."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.checklists.models import ChecklistItem
from app.common.errors import DomainError
from app.common.time import local_day_start, local_today
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import ItemResult
from app.settings.store import read, write

WINDOW_DAYS_KEY = "recurrence.window_days"
WINDOW_DAYS_DEFAULT = 90
WINDOW_DAYS_MAX = 730  # the ledgers reach back two years


def window_days() -> int:
    """How many days back a closed card still makes a new failure recurring."""
    value = read(WINDOW_DAYS_KEY, WINDOW_DAYS_DEFAULT)
    return value if isinstance(value, int) and 1 <= value <= WINDOW_DAYS_MAX \
        else WINDOW_DAYS_DEFAULT


def set_window_days(actor, days) -> bool:
    """An administrator sets the window (1 to 730 days); audited. Returns whether it changed."""
    if not isinstance(days, int) or not 1 <= days <= WINDOW_DAYS_MAX:
        raise DomainError(_("Give a whole number of days from 1 to %(max)d.",
                            max=WINDOW_DAYS_MAX), "window_days")
    return write(WINDOW_DAYS_KEY, days, actor)


def earlier_cards(location, item_result: ItemResult, found_at: datetime) -> list[Hazard]:
    """The cards of the same checklist item (by its key, across versions) at the same place
    that were still open when this failure was found, or closed at most the window's days
    before it; oldest first. Cancelled cards (false or duplicate reports) never count.
    The window is counted in the hospital's calendar days, as a safety office counts them: a
    card closed any time on 1 June is within 90 days of a failure on 30 August."""
    since = local_day_start(local_today(found_at) - timedelta(days=window_days()))
    query = (
        select(Hazard)
        .join(ItemResult, Hazard.item_result_id == ItemResult.id)
        .join(ChecklistItem, ItemResult.item_id == ChecklistItem.id)
        .where(Hazard.location_id == location.id,
               ChecklistItem.item_key == item_result.item.item_key,
               Hazard.found_at <= found_at,
               or_(Hazard.status.in_(OPEN_HAZARD_STATUSES),
                   (Hazard.status == "closed") & (Hazard.closed_at >= since)))
        .order_by(Hazard.found_at, Hazard.id)
    )
    return list(db.session.scalars(query))
