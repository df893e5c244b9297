"""Reads of recurring hazards: a card's links, the ledger's column, what recurs most."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import false, func, select
from sqlalchemy.orm import aliased, joinedload

from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.common.i18n import localized
from app.common.pages import Page, paginate
from app.common.permissions import scope_to_department
from app.common.time import utcnow
from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import ItemResult
from app.locations.models import Location
from app.recurrence.models import HazardRecurrence

TOP_ROWS = 10
TOP_DAYS = 365  # "what recurs most" looks at the last twelve months


def recurs_of(hazard: Hazard) -> list[Hazard]:
    """The earlier cards `hazard` recurs, oldest first."""
    return list(db.session.scalars(
        select(Hazard).join(HazardRecurrence, HazardRecurrence.earlier_id == Hazard.id)
        .where(HazardRecurrence.hazard_id == hazard.id).order_by(Hazard.found_at, Hazard.id)))


def recurred_by(hazard: Hazard) -> list[Hazard]:
    """The later cards that recur `hazard`, oldest first."""
    return list(db.session.scalars(
        select(Hazard).join(HazardRecurrence, HazardRecurrence.hazard_id == Hazard.id)
        .where(HazardRecurrence.earlier_id == hazard.id).order_by(Hazard.found_at, Hazard.id)))


def recurs_numbers(hazard_ids) -> dict[int, list[str]]:
    """For each of `hazard_ids`, the numbers of the earlier cards it recurs (one query)."""
    ids = list(hazard_ids)
    if not ids:
        return {}
    earlier = aliased(Hazard)
    found = {}
    for hazard_id, number in db.session.execute(
            select(HazardRecurrence.hazard_id, earlier.number)
            .join(earlier, HazardRecurrence.earlier_id == earlier.id)
            .where(HazardRecurrence.hazard_id.in_(ids))
            .order_by(earlier.found_at, earlier.id)):
        found.setdefault(hazard_id, []).append(number)
    return found


@dataclass
class Recurring:
    """A place or a checklist item, with its recurring cards found in the last twelve months."""

    key: str  # the location code or the item key, for the filtered list's link
    name: str
    detail: str
    count: int


def _since(now: datetime | None) -> datetime:
    return (now or utcnow()) - timedelta(days=TOP_DAYS)


def top_places(user, now: datetime | None = None, limit: int = TOP_ROWS) -> list[Recurring]:
    """The places with the most recurring cards found in the last twelve months."""
    # Counted from the recurring cards' own (partial) index first, then joined to their places:
    # not every place probed for its cards.
    counts = scope_to_department(
        select(Hazard.location_id, func.count().label("n"))
        .where(Hazard.recurring, Hazard.found_at >= _since(now)), user, Hazard.department_id
    ).group_by(Hazard.location_id).subquery()
    query = (select(Location, counts.c.n).join(counts, counts.c.location_id == Location.id)
             .order_by(counts.c.n.desc(), Location.code).limit(limit))
    return [Recurring(loc.code, loc.name, loc.code, n) for loc, n in db.session.execute(query)]


def top_items(user, now: datetime | None = None, limit: int = TOP_ROWS) -> list[Recurring]:
    """The checklist items (by key, across versions) with the most recurring cards found in
    the last twelve months, named as the latest version that has them words them."""
    count = func.count(Hazard.id)
    query = (select(ChecklistItem.item_key, count)
             .join(ItemResult, ItemResult.item_id == ChecklistItem.id)
             .join(Hazard, Hazard.item_result_id == ItemResult.id)
             .where(Hazard.recurring, Hazard.found_at >= _since(now))
             .group_by(ChecklistItem.item_key).order_by(count.desc(), ChecklistItem.item_key)
             .limit(limit))
    counts = list(db.session.execute(scope_to_department(query, user, Hazard.department_id)))
    names = item_names([key for key, _n in counts])
    return [Recurring(key, *names.get(key, ("", "")), n) for key, n in counts]


def item_names(keys) -> dict[str, tuple[str, str]]:
    """Each item key's prompt (in its latest version) and its checklist's name."""
    keys = list(keys)
    names = {}
    rows = db.session.execute(
        select(ChecklistItem, ChecklistTemplate)
        .join(ChecklistVersion, ChecklistItem.version_id == ChecklistVersion.id)
        .join(ChecklistTemplate, ChecklistVersion.template_id == ChecklistTemplate.id)
        .where(ChecklistItem.item_key.in_(keys)).order_by(ChecklistVersion.number))
    for item, template in rows:  # later versions overwrite earlier ones
        names[item.item_key] = (localized(item, "prompt"), template.name)
    return names


def recurring_page(user, *, location_code: str = "", item_key: str = "", page: int = 1,
                   since: date | None = None) -> Page:
    """The recurring cards `user` may see, newest first, at one place or of one item."""
    base = select(Hazard).join(Hazard.location).where(Hazard.recurring)
    if location_code:
        base = base.where(Location.code == location_code)
    if item_key:
        base = (base.join(ItemResult, Hazard.item_result_id == ItemResult.id)
                .join(ChecklistItem, ItemResult.item_id == ChecklistItem.id)
                .where(ChecklistItem.item_key == item_key))
    if since is not None:
        base = base.where(Hazard.found_at >= since)
    base = scope_to_department(base, user, Hazard.department_id)
    # The hazard list's rows carry "extension pending"; this list does not show it.
    return paginate(base, page, lambda query: query.add_columns(false()).options(
        joinedload(Hazard.location), joinedload(Hazard.department))
        .order_by(Hazard.found_at.desc(), Hazard.id.desc()))
