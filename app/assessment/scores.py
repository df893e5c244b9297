"""The quarterly department safety assessment (科室季度安全考核): figures, sub-scores, score.

Six indicators per department and quarter, each normalised to a 0–100 sub-score:

- self-checks and patrols: the periods done of those owed, by the coverage page's rules, at
  the department's places (schedules of kind `self_check` / `patrol`); 100 × done / owed.
- hazards rectified on time: of the department's cards due in the quarter (deadline in it and
  passed), those closed and rectified by the deadline day; 100 × on time / due.
- days overdue, recurring hazards, major hazards open at the quarter's end: counts, scored
  100 at none, falling in a straight line to 0 at ZERO_AT.

Which cards each hazard figure counts is hazards/quarterly.py's rule (the hazard list's
drill-down uses the same). A rate with nothing owed has no sub-score, and the total is the
weighted mean of the sub-scores a department has, so nothing owed neither helps nor hurts; a
department that owed nothing at all in the quarter has no score and no rank.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import Department
from app.auth.queries import departments
from app.common.errors import DomainError
from app.common.quarters import Quarter
from app.common.time import local_day_start, local_today, utcnow
from app.extensions import db
from app.hazards import quarterly
from app.locations.models import Location
from app.schedules.coverage import compute, visible_schedules
from app.schedules.models import InspectionSchedule
from app.settings import store

INDICATORS = {
    "self_checks": _l("Self-checks done"),  # 科室自查完成率
    "patrols": _l("Patrols done"),  # 巡查完成率
    "on_time": _l("Hazards rectified on time"),  # 隐患按期整改率
    "overdue_days": _l("Days overdue"),  # 超期天数
    "recurring": _l("Recurring hazards"),  # 重复隐患
    "major_open": _l("Major hazards open"),  # 未销号重大隐患
}
RATES = {"self_checks", "patrols", "on_time"}
# What each rate counts: the inspection kind of its schedules, or the hazard figures.
KINDS = {"self_checks": "self_check", "patrols": "patrol"}
HAZARD_FIGURES = {"overdue_days": "overdue", "recurring": "recurring",
                  "major_open": "major_open"}

WEIGHTS_KEY = "assessment.weights"
# Defaults (README, Decisions): doing the owed checks and closing cards in time weigh most.
WEIGHTS_DEFAULT = {"self_checks": 25, "patrols": 15, "on_time": 25, "overdue_days": 15,
                   "recurring": 10, "major_open": 10}
MAX_WEIGHT = 100
# The count at which a count indicator's sub-score reaches 0: 60 days overdue in a quarter
# (e.g. two cards a month late), 5 recurring hazards, 2 major hazards left open.
ZERO_AT = {"overdue_days": 60, "recurring": 5, "major_open": 2}


@dataclass
class Figure:
    """One indicator of one department: `value` (done, days or cards), `owed` for a rate."""

    code: str
    value: int
    owed: int | None = None
    score: float | None = None  # 0–100; None when nothing was owed


@dataclass
class DepartmentScore:
    department: Department
    figures: dict[str, Figure]
    total: float | None
    previous_total: float | None = None
    rank: int | None = None

    @property
    def change(self) -> float | None:
        if self.total is None or self.previous_total is None:
            return None
        return round(self.total - self.previous_total, 1)


@dataclass
class Assessment:
    quarter: Quarter
    is_current: bool
    weights: dict[str, int]
    rows: list[DepartmentScore] = field(default_factory=list)  # ranked, best first


def weights() -> dict[str, int]:
    """The administrator's weights, the default for any not set."""
    stored = store.read(WEIGHTS_KEY, {})
    stored = stored if isinstance(stored, dict) else {}
    return {code: _weight(stored.get(code), WEIGHTS_DEFAULT[code]) for code in INDICATORS}


def _weight(value, default: int) -> int:
    return value if isinstance(value, int) and 0 <= value <= MAX_WEIGHT else default


def save_weights(values: dict, actor) -> dict[str, int]:
    """Store the weights given as text per indicator (whole numbers 0–100, not all 0)."""
    result = {}
    for code in INDICATORS:
        text = str(values.get(code, "")).strip()
        if not (text.isascii() and text.isdigit() and int(text) <= MAX_WEIGHT):
            raise DomainError(_("Give each weight as a whole number from 0 to 100."), code)
        result[code] = int(text)
    if not any(result.values()):
        raise DomainError(_("At least one weight must be more than 0."))
    store.write(WEIGHTS_KEY, result, actor)
    return result


def rate_score(done: int, owed: int) -> float | None:
    return round(100 * done / owed, 1) if owed else None


def count_score(code: str, count: int) -> float:
    return round(max(0.0, 100 * (1 - count / ZERO_AT[code])), 1)


def total_score(figures: dict[str, Figure], weights: dict[str, int]) -> float | None:
    """The weighted mean of the sub-scores there are; None when no weight applies, or when
    nothing was owed at all (no inspection period, no card due): nothing to assess."""
    if not any(figures[code].owed for code in RATES):
        return None
    scored = [(weights[code], f.score) for code, f in figures.items()
              if f.score is not None and weights[code]]
    whole = sum(w for w, _s in scored)
    return round(sum(w * s for w, s in scored) / whole, 1) if whole else None


def quarter_until(quarter: Quarter, now: datetime) -> tuple[datetime, bool]:
    """Up to when a quarter is looked at (naive UTC): its end, or now while it runs; and
    whether it runs. The coverage page's rule for a month."""
    following = quarter.next().first
    is_current = following > local_today(now)
    return (now if is_current else local_day_start(following)), is_current


def assess(quarter: Quarter, *, now: datetime | None = None, department_id: int | None = None,
           with_previous: bool = True) -> Assessment:
    """Every active department's figures and score for `quarter` (or one department's),
    ranked by total, with the previous quarter's total beside each."""
    now = now or utcnow()
    until, is_current = quarter_until(quarter, now)
    chosen = [d for d in departments()
              if department_id is None or d.id == department_id]
    result = Assessment(quarter, is_current, weights())
    if not chosen:
        return result
    inspections = _inspection_figures(quarter, until, department_id)
    hazards = _hazard_figures(quarter, local_today(now), department_id)
    for department in chosen:
        figures = {}
        for code in INDICATORS:
            if code in KINDS:
                done, owed = inspections.get((department.id, KINDS[code]), (0, 0))
                figures[code] = Figure(code, done, owed, rate_score(done, owed))
            elif code == "on_time":
                counts = hazards[department.id]
                done, owed = counts["on_time"], counts["due"]
                figures[code] = Figure(code, done, owed, rate_score(done, owed))
            else:
                count = hazards[department.id][HAZARD_FIGURES[code]]
                figures[code] = Figure(code, count, None, count_score(code, count))
        result.rows.append(DepartmentScore(department, figures,
                                           total_score(figures, result.weights)))
    if with_previous:
        before = assess(quarter.previous(), now=now, department_id=department_id,
                        with_previous=False)
        totals = {row.department.id: row.total for row in before.rows}
        for row in result.rows:
            row.previous_total = totals.get(row.department.id)
    _rank(result.rows)
    return result


def _rank(rows: list[DepartmentScore]) -> None:
    """Best total first; equal totals share a rank (1, 2, 2, 4); no total, no rank."""
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0), r.department.code))
    for index, row in enumerate(rows):
        if row.total is None:
            continue
        same = index and rows[index - 1].total == row.total
        row.rank = rows[index - 1].rank if same else index + 1


def _inspection_figures(quarter: Quarter, until: datetime,
                        department_id: int | None) -> dict[tuple[int, str], tuple[int, int]]:
    """(department id, kind) → (periods done, periods owed) of the schedules at the
    department's places, over the quarter up to `until`: the coverage page's figures."""
    query = visible_schedules().where(InspectionSchedule.kind.in_(list(KINDS.values())))
    if department_id is not None:
        query = query.where(Location.department_id == department_id)
    coverage = compute(datetime.combine(quarter.first, time()), now=until, schedule_query=query)
    owner = dict(db.session.execute(select(Location.id, Location.department_id)).all())
    result: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for schedule in coverage.schedules:
        counts = result[(owner[schedule.location_id], schedule.kind)]
        counts[0] += schedule.done
        counts[1] += schedule.done + schedule.missed
    return {key: (done, owed) for key, (done, owed) in result.items()}


def _hazard_figures(quarter: Quarter, today, department_id: int | None) -> dict:
    """department id → figure → count (days, for "overdue"), by hazards/quarterly.py."""
    result = defaultdict(lambda: defaultdict(int))
    for card in quarterly.quarter_cards(quarter, department_id=department_id):
        for figure, amount in quarterly.figures_of(card, quarter, today).items():
            result[card.department_id][figure] += amount
    return result
