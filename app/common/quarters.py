"""Calendar quarters (季度) on the hospital's clock: 2026Q3 is 1 July to 30 September 2026."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.common.time import FIRST_YEAR, LAST_YEAR, local_day_bounds

QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text) -> "Quarter | None":
        """'2026Q3' (or 2026-Q3, 2026q3) → that quarter; None when garbled or out of range."""
        match = QUARTER.fullmatch(str(text or "").strip())
        if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            return None
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """How a person reads it: 2026 Q3, 2026年第3季度."""
        return _("%(year)d Q%(number)d", year=self.year, number=self.number)

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        return self.next().first - timedelta(days=1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year,
                                                                          self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year,
                                                                          self.number + 1)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Local midnight starting the quarter and local midnight after it, as naive UTC."""
        return local_day_bounds(self.first, self.last)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def recent_quarters(today: date, count: int = 8) -> list[Quarter]:
    """Today's quarter and the `count - 1` before it, newest first (the quarter chooser)."""
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
