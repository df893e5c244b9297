"""The ledgers' rows: a fixed number of queries per ledger, whatever the number of rows."""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.auth.models import Department, User
from app.checklists.models import ChecklistTemplate, ChecklistVersion
from app.common.i18n import is_english
from app.common.permissions import scope_to_department
from app.common.time import local_day_bounds, local_today, to_local
from app.common.vocab import (
    CANCEL_REASONS,
    HAZARD_LEVELS,
    HAZARD_STATUSES,
    INSPECTION_KINDS,
    OPEN_HAZARD_STATUSES,
    RISK_SHORT,
)
from app.extensions import db
from app.hazards.models import Hazard, HazardEvent
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location
from app.recurrence.queries import recurs_numbers


@dataclass(frozen=True)
class Period:
    """The local calendar days `first` to `last`, both included, on the hospital's clock."""

    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def is_month(self) -> bool:
        return self == Period.month(self.first.year, self.first.month)

    @property
    def label(self) -> str:
        """`2026-11` for a calendar month, else `2026-11-03_2026-11-20`: for file names."""
        if self.is_month:
            return self.first.strftime("%Y-%m")
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Local midnight starting `first` and local midnight after `last`, as naive UTC."""
        return local_day_bounds(self.first, self.last)


@dataclass(frozen=True)
class Column:
    """One ledger column: its header, its width in Excel's character units, and what it holds
    (text, date, datetime, money or integer), which says how the XLSX cell is formatted."""

    header: str
    width: int
    kind: str = "text"


HAZARD_COLUMNS = (
    Column(_l("Number"), 15),
    Column(_l("Found on"), 12, "date"),
    Column(_l("Inspection kind"), 14),
    Column(_l("Location"), 28),
    Column(_l("Hazard description"), 40),
    Column(_l("Category"), 12),
    Column(_l("Level"), 12),
    Column(_l("Risk colour"), 9),
    Column(_l("Responsible department"), 16),
    Column(_l("Responsible person"), 12),
    Column(_l("Measures"), 30),
    Column(_l("Funds (yuan)"), 12, "money"),
    Column(_l("Deadline"), 12, "date"),
    Column(_l("Interim controls"), 30),
    Column(_l("Rectified on"), 12, "date"),
    Column(_l("Verified by"), 12),
    Column(_l("Verified on"), 12, "date"),
    Column(_l("Verification result"), 18),
    Column(_l("Closed on"), 12, "date"),
    Column(_l("Status"), 14),
    Column(_l("Days overdue"), 10, "integer"),
    Column(_l("Recurring"), 22),  # 重复隐患: "yes" and the earlier cards' numbers
    Column(_l("Reassigned: last reason"), 30),  # 改派
    Column(_l("Supervised (督办) on"), 12, "date"),
)

INSPECTION_COLUMNS = (
    Column(_l("Submitted"), 17, "datetime"),
    Column(_l("Inspection kind"), 14),
    Column(_l("Location code"), 14),
    Column(_l("Location"), 24),
    Column(_l("Department"), 16),
    Column(_l("Inspector"), 12),
    Column(_l("Checklist"), 28),
    Column(_l("Items"), 8, "integer"),
    Column(_l("Passed"), 8, "integer"),
    Column(_l("Failed"), 8, "integer"),
    Column(_l("Not applicable"), 10, "integer"),
    Column(_l("Hazards raised"), 30),
    Column(_l("Note"), 40),
)

REPORTED_DIRECTLY = _l("Reported directly")
RECTIFIED_ON_THE_SPOT = _l("Rectified on the spot")
PASSED_AND_STRUCK_OFF = _l("Passed, struck off")
RECURRING_YES = _l("Yes")


def recurring_cell(recurring: bool, earlier) -> str:
    """"Yes: YH-2026-00012, YH-2026-00031" for a recurring card, empty otherwise."""
    if not recurring:
        return ""
    return ": ".join((str(RECURRING_YES), ", ".join(earlier))) if earlier \
        else str(RECURRING_YES)


def _localized(zh_column, en_column):
    """`localized()` in SQL: the reader's language, else the other one when it is empty."""
    first, second = (en_column, zh_column) if is_english() else (zh_column, en_column)
    return func.coalesce(func.nullif(first, ""), second, "")


def _labels(vocabulary: dict) -> dict[str, str]:
    # Translated once per export, not once per row.
    return {code: str(label) for code, label in vocabulary.items()}


def _local_date(at: datetime | None) -> date | None:
    return to_local(at).date() if at is not None else None


def days_overdue(status: str, deadline_on: date | None, closed_on: date | None,
                 today: date) -> int:
    """Days past the deadline: an open hazard's until `today`, a closed one's until the local
    day it was closed; 0 when it was not late, has no deadline, or was cancelled."""
    if deadline_on is None:
        return 0
    if status in OPEN_HAZARD_STATUSES:
        end = today
    elif status == "closed" and closed_on is not None:
        end = closed_on
    else:
        return 0
    return max(0, (end - deadline_on).days)


def hazard_ledger(user, period: Period, *, department_id: int | None = None,
                  today: date | None = None) -> list[tuple]:
    """隐患排查治理台账: one row per hazard found in `period` that `user` may see (in
    HAZARD_COLUMNS order), by found_at then number. One query, and one more for the earlier
    cards of those that recur."""
    today = today or local_today()
    responsible, verifier = aliased(User), aliased(User)
    start, end = period.utc_bounds()
    # Correlated, so the ledger stays one query: the last reassignment's reason, and when
    # the ladder last made the card supervised (kept after it closed: the ledger is history).
    reassigned = (select(HazardEvent.note)
                  .where(HazardEvent.hazard_id == Hazard.id, HazardEvent.action == "reassign")
                  .order_by(HazardEvent.seq.desc()).limit(1).scalar_subquery())
    supervised = (select(func.max(HazardEvent.at))
                  .where(HazardEvent.hazard_id == Hazard.id, HazardEvent.action == "supervise")
                  .scalar_subquery())
    query = (
        select(Hazard.number, Hazard.found_at, Inspection.kind, Location.code,
               _localized(Location.name_zh, Location.name_en), Hazard.description,
               Hazard.category, Hazard.level, Location.risk_level,
               _localized(Department.name_zh, Department.name_en), responsible.full_name,
               Hazard.measures, Hazard.funds_yuan, Hazard.deadline_on, Hazard.interim_controls,
               Hazard.rectified_at, verifier.full_name, Hazard.verified_at, Hazard.status,
               Hazard.rectified_on_site, Hazard.cancel_reason, Hazard.closed_at,
               Hazard.id, Hazard.recurring, reassigned, supervised)
        .join(Location, Hazard.location_id == Location.id)
        .join(Department, Hazard.department_id == Department.id)
        .outerjoin(responsible, Hazard.responsible_id == responsible.id)
        .outerjoin(verifier, Hazard.verified_by_id == verifier.id)
        .outerjoin(ItemResult, Hazard.item_result_id == ItemResult.id)
        .outerjoin(Inspection, ItemResult.inspection_id == Inspection.id)
        .where(Hazard.found_at >= start, Hazard.found_at < end)
        .order_by(Hazard.found_at, Hazard.number)
    )
    if department_id is not None:
        query = query.where(Hazard.department_id == department_id)
    query = scope_to_department(query, user, Hazard.department_id)

    kinds, levels = _labels(INSPECTION_KINDS), _labels(HAZARD_LEVELS)
    colours, statuses = _labels(RISK_SHORT), _labels(HAZARD_STATUSES)
    reasons = _labels(CANCEL_REASONS)
    directly, on_the_spot = str(REPORTED_DIRECTLY), str(RECTIFIED_ON_THE_SPOT)
    struck_off = str(PASSED_AND_STRUCK_OFF)
    found = db.session.execute(query).all()
    recurs = recurs_numbers(row.id for row in found if row.recurring)
    rows = []
    for (number, found_at, kind, code, location, description, category, level, risk,
         department, responsible_name, measures, funds, deadline_on, interim, rectified_at,
         verifier_name, verified_at, status, on_site, cancel_reason,
         closed_at, hazard_id, recurring, reassign_reason, supervised_at) in found:
        closed_on = _local_date(closed_at)
        if status == "closed":
            result = on_the_spot if on_site else struck_off
        elif status == "cancelled":
            result = reasons.get(cancel_reason, "")
        else:
            result = ""
        rows.append((
            number, _local_date(found_at), kinds[kind] if kind else directly,
            f"{code} · {location}", description, category, levels[level], colours[risk],
            department, responsible_name, measures, funds, deadline_on, interim,
            _local_date(rectified_at), verifier_name, _local_date(verified_at), result,
            closed_on, statuses[status], days_overdue(status, deadline_on, closed_on, today),
            recurring_cell(recurring, recurs.get(hazard_id, ())),
            reassign_reason, _local_date(supervised_at),
        ))
    return rows


def inspection_register(user, period: Period, *,
                        department_id: int | None = None) -> list[tuple]:
    """检查记录台账: one row per inspection received in `period` at a location `user` may see
    (in INSPECTION_COLUMNS order), oldest first. Two queries: the inspections with their
    counts, and the numbers of the hazards they raised."""
    start, end = period.utc_bounds()

    def in_ledger(query):
        """Limit a query that has joined Inspection and Location to this ledger's rows."""
        query = query.where(Inspection.received_at >= start, Inspection.received_at < end)
        if department_id is not None:
            query = query.where(Location.department_id == department_id)
        return scope_to_department(query, user, Location.department_id)

    def outcome_count(outcome):
        return func.sum(case((ItemResult.outcome == outcome, 1), else_=0))

    counts = in_ledger(
        select(ItemResult.inspection_id, func.count().label("item_count"),
               outcome_count("pass").label("passed"), outcome_count("fail").label("failed"),
               outcome_count("na").label("na"))
        .join(Inspection, ItemResult.inspection_id == Inspection.id)
        .join(Location, Inspection.location_id == Location.id)
        .group_by(ItemResult.inspection_id)
    ).subquery()
    query = in_ledger(
        select(Inspection.id, Inspection.received_at, Inspection.kind, Location.code,
               _localized(Location.name_zh, Location.name_en),
               _localized(Department.name_zh, Department.name_en), User.full_name,
               _localized(ChecklistTemplate.name_zh, ChecklistTemplate.name_en),
               ChecklistVersion.number, func.coalesce(counts.c.item_count, 0),
               func.coalesce(counts.c.passed, 0), func.coalesce(counts.c.failed, 0),
               func.coalesce(counts.c.na, 0), Inspection.note)
        .join(Location, Inspection.location_id == Location.id)
        .join(Department, Location.department_id == Department.id)
        .join(User, Inspection.inspector_id == User.id)
        .join(ChecklistVersion, Inspection.version_id == ChecklistVersion.id)
        .join(ChecklistTemplate, ChecklistVersion.template_id == ChecklistTemplate.id)
        .outerjoin(counts, counts.c.inspection_id == Inspection.id)
        .order_by(Inspection.received_at, Inspection.id)
    )
    raised = in_ledger(
        select(ItemResult.inspection_id, Hazard.number)
        .join(Hazard, Hazard.item_result_id == ItemResult.id)
        .join(Inspection, ItemResult.inspection_id == Inspection.id)
        .join(Location, Inspection.location_id == Location.id)
        .order_by(Hazard.number)
    )
    numbers = defaultdict(list)
    for inspection_id, number in db.session.execute(raised):
        numbers[inspection_id].append(number)

    kinds = _labels(INSPECTION_KINDS)
    rows = []
    for (inspection_id, received_at, kind, code, location, department, inspector, template,
         version, items, passed, failed, na, note) in db.session.execute(query):
        rows.append((
            to_local(received_at).replace(tzinfo=None), kinds[kind], code, location, department,
            inspector, f"{template} v{version}", items, passed, failed, na,
            ", ".join(numbers[inspection_id]), note,
        ))
    return rows
