"""The ledger form: which ledger, whose, which days, which file format."""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from app.auth.models import Department
from app.common.permissions import sees_department
from app.common.time import FIRST_YEAR, LAST_YEAR
from app.extensions import db
from app.ledger.queries import Period

LEDGERS = ("hazards", "inspections")
FORMATS = ("xlsx", "csv")
# Ledgers are kept two years; a longer export is a mistake more often than a need.
MAX_DAYS = 731
# Browsers without a month picker show a text box: accept 2026-11, 2026-1 and 2026/11.
MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")


@dataclass
class LedgerForm:
    """The form's input as typed (kept on a refusal) and, once valid, what it means."""

    ledger: str = "hazards"
    department: str = ""
    month: str = ""
    date_from: str = ""
    date_to: str = ""
    format: str = "xlsx"
    errors: dict[str, str] = field(default_factory=dict)
    period: Period | None = None
    department_id: int | None = None

    @classmethod
    def from_args(cls, args, **fixed) -> "LedgerForm":
        """Read the query string; `fixed` gives what the URL's path already says."""
        values = {"ledger": args.get("ledger", ""), "department": args.get("department", ""),
                  "month": args.get("month", ""), "date_from": args.get("from", ""),
                  "date_to": args.get("to", ""), "format": args.get("format", ""), **fixed}
        return cls(**{name: value.strip()[:40] for name, value in values.items()})

    def args(self) -> dict:
        """The query string of the download URL for this form."""
        values = {"department": self.department, "month": self.month, "from": self.date_from,
                  "to": self.date_to}
        return {name: value for name, value in values.items() if value}

    def validate(self, user) -> bool:
        """Check every field, keeping a sentence a person can act on for each one at fault."""
        self.errors = {}
        if self.ledger not in LEDGERS:
            self.errors["ledger"] = _("Choose the hazard ledger or the inspection register.")
        if self.format not in FORMATS:
            self.errors["format"] = _("Choose XLSX or CSV.")
        self._check_department(user)
        self._check_period()
        return not self.errors

    def _check_department(self, user) -> None:
        if not self.department:
            self.department_id = None
            return
        text = self.department
        is_id = text.isascii() and text.isdigit() and len(text) < 10
        department = db.session.get(Department, int(text)) if is_id else None
        if department is None:
            self.errors["department"] = _("Choose a department from the list.")
        elif not sees_department(user, department.id):
            self.errors["department"] = _("You can export only your own department's ledgers.")
        else:
            self.department_id = department.id

    def _check_period(self) -> None:
        if self.date_from or self.date_to:  # a range, when given, beats the month
            self._check_range()
        elif self.month:
            match = MONTH.fullmatch(self.month)
            year, month = (int(match[1]), int(match[2])) if match else (0, 0)
            if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
                self.errors["month"] = _("Give the month as year and month, like 2026-11.")
            else:
                self.period = Period.month(year, month)
        else:
            self.errors["month"] = _("Choose a month, or the first and the last day.")

    def _check_range(self) -> None:
        days = {}
        for name in ("date_from", "date_to"):
            text = getattr(self, name)
            try:
                days[name] = date.fromisoformat(text)
            except ValueError:
                self.errors[name] = (
                    _("Give the date as year-month-day, like 2026-11-03.") if text
                    else _("Give both the first and the last day, or neither and a month."))
                continue
            if not FIRST_YEAR <= days[name].year <= LAST_YEAR:
                self.errors[name] = _("Choose a day between %(first)d and %(last)d.",
                                      first=FIRST_YEAR, last=LAST_YEAR)
        if self.errors.keys() & {"date_from", "date_to"}:
            return
        first, last = days["date_from"], days["date_to"]
        if first > last:
            self.errors["date_to"] = _("The last day is before the first day; swap them.")
        elif (last - first).days >= MAX_DAYS:
            self.errors["date_to"] = _("A ledger covers at most two years; choose a shorter "
                                       "range or export it in parts.")
        else:
            self.period = Period(first, last)
