"""What the wall screen shows, as plain data: counts, overdue rectifications, missed rounds.

Only what a room may read from across it: card numbers, places, hazard titles (the first line
of the description), departments, levels, days and the responsible person's name; no phone
numbers, no links into the app.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from app.auth.models import Department, User
from app.common.i18n import is_english
from app.common.time import local_today, utcnow
from app.common.vocab import FREQUENCIES, HAZARD_LEVELS, INSPECTION_KINDS
from app.dashboard import stats
from app.extensions import db
from app.hazards.models import Hazard
from app.locations.models import Location
from app.schedules.coverage import summary
from app.schedules.periods import label

# The most a wall pages through; the count says how many more there are.
MAX_ROWS = 100
TOP_DEPARTMENTS = 8
# A hazard's title on the wall: its description's first line, cut; the screen cuts it further
# to fit its column.
TITLE_CHARS = 60


def wall_data(now: datetime | None = None) -> dict:
    """Everything the screen shows at `now` (naive UTC), in the request's language."""
    now = now or utcnow()
    today = local_today(now)
    headline = stats.headline(now)
    overdue = _overdue(today)
    missed, missed_total, owed_now = _missed_today(today, now)
    return {
        "counts": {
            "open": headline.open,
            "overdue": headline.overdue,
            "closed_this_month": headline.closed_this_month,
            "on_time_rate": headline.on_time_rate,
            "owed_now": owed_now,
            "missed_today": missed_total,
        },
        "overdue": overdue,
        "missed_today": missed,
        "departments": [{"name": d.name, "open": d.open, "overdue": d.overdue}
                        for d in stats.by_department(now)[:TOP_DEPARTMENTS]],
        "today": today.isoformat(),
    }


def _overdue(today) -> list[dict]:
    """Overdue rectifications, the longest overdue first."""
    responsible = aliased(User)
    rows = db.session.execute(
        select(Hazard.id, Hazard.number, Hazard.level, Hazard.deadline_on, Hazard.description,
               Hazard.item_result_id, Hazard.supervised_at, Location.code, Location.name_zh,
               Location.name_en,
               Department.name_zh.label("dept_zh"), Department.name_en.label("dept_en"),
               responsible.full_name)
        .join(Location, Location.id == Hazard.location_id)
        .join(Department, Department.id == Hazard.department_id)
        .outerjoin(responsible, responsible.id == Hazard.responsible_id)
        # The page's ids first, from the (status, deadline) index alone: thousands of overdue
        # cards are sorted without reading their rows or joining their places.
        .where(Hazard.id.in_(select(Hazard.id).where(Hazard.is_overdue(today))
                             .order_by(Hazard.deadline_on, Hazard.id).limit(MAX_ROWS)))
        .order_by(Hazard.deadline_on, Hazard.id)
    ).all()
    # Words looked up once, not once per row: a lazy string or a locale is costly per call.
    pick, levels = _chooser(), {key: str(name) for key, name in HAZARD_LEVELS.items()}
    return [{
        "number": row.number,
        "title": title(row.description),
        "location": pick(row.name_zh, row.name_en),
        "code": row.code,
        "department": pick(row.dept_zh, row.dept_en),
        "level": row.level,
        "level_label": levels[row.level],
        "days": (today - row.deadline_on).days,
        "responsible": row.full_name,
        "supervised": row.supervised_at is not None,  # 督办: the ladder reached leadership
    } for row in rows]


def ids_inline(ids):
    """Row ids (our own integers) for an IN list, written into the SQL rather than sent as a
    parameter each: psycopg parses a statement of more than 50 parameters again on every run
    (6 ms for a hundred ids, the wall's costliest step on PostgreSQL), and caches one of none."""
    return bindparam("ids", [int(i) for i in ids], expanding=True, literal_execute=True)


def _chooser():
    """A name from its two columns in the request's language, as `localized` picks it."""
    english = is_english()
    return lambda zh, en: (en or zh or "") if english else (zh or en or "")


def title(description: str) -> str:
    """The first non-blank line of a description, at most TITLE_CHARS long."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1] + "…"


def _missed_today(today, now) -> tuple[list[dict], int, int]:
    """Rounds whose period ended today (from yesterday's, which ended at midnight) without an
    inspection, newest first (at most MAX_ROWS); how many there are; and how many schedules
    are owed an inspection now."""
    # Just before midnight: yesterday's daily round, ended at 00:00, counts as missed today.
    since = datetime.combine(today, time()) - timedelta(microseconds=1)
    found = summary(since, now=now, missed_rows=MAX_ROWS)
    missed = found.missed_rows
    places = _places({m.location_id for m in missed})
    kinds = {key: str(name) for key, name in INSPECTION_KINDS.items()}
    frequencies = {key: str(name) for key, name in FREQUENCIES.items()}
    rows = []
    for m in missed:
        place = places.get(m.location_id)
        rows.append({
            "code": m.location_code,
            "location": place[0] if place else "",
            "department": place[1] if place else "",
            "kind": kinds[m.kind],
            "frequency": frequencies[m.frequency],
            "period": label(m.period),
        })
    return rows, found.missed, found.due


def _places(ids) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Location.id, Location.name_zh, Location.name_en, Department.name_zh,
               Department.name_en)
        .join(Department, Department.id == Location.department_id)
        .where(Location.id.in_(ids_inline(ids))))
    pick = _chooser()
    return {id_: (pick(lzh, len_), pick(dzh, den)) for id_, lzh, len_, dzh, den in rows}
