"""Streaks reward consistency, not volume: a share in N of the last M weeks.

Pure functions over the weeks a person shared in (Mondays in the organization's time zone), so
the awarding job, the badges and the pages count weeks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEK = timedelta(weeks=1)


def window(week: date, size: int) -> list[date]:
    """The ``size`` weeks ending with ``week``, oldest first."""
    return [week - WEEK * back for back in range(size - 1, -1, -1)]


def streak_weeks_due(
    share_weeks: set[date], awarded_weeks: set[date], *, weeks: int, size: int
) -> list[date]:
    """The weeks in which a streak is achieved, in order: the week has a share that makes it
    ``weeks`` of the last ``size`` weeks with a share, and no streak was achieved in the
    ``size - 1`` weeks before it (at most one streak per window, however much one shares)."""
    awarded = set(awarded_weeks)
    due = []
    for week in sorted(share_weeks):
        if sum(1 for w in window(week, size) if w in share_weeks) < weeks:
            continue
        if any(w in awarded for w in window(week, size)):
            continue
        awarded.add(week)
        due.append(week)
    return due


def longest_run(share_weeks: set[date]) -> tuple[int, date | None]:
    """The most consecutive weeks with a share, and the week that run began."""
    best, best_start = 0, None
    for week in sorted(share_weeks):
        if week - WEEK in share_weeks:
            continue
        length = 1
        while week + WEEK * length in share_weeks:
            length += 1
        if length > best:
            best, best_start = length, week
    return best, best_start


@dataclass(frozen=True)
class StreakStatus:
    """Where a person stands this week: which of the last ``size`` weeks had a share."""

    weeks: list[tuple[date, bool]]  # oldest first, the current week last
    needed: int

    @property
    def count(self) -> int:
        return sum(1 for _, shared in self.weeks if shared)

    @property
    def achieved(self) -> bool:
        return self.count >= self.needed

    @property
    def size(self) -> int:
        return len(self.weeks)


def streak_status(share_weeks: set[date], current: date, *, weeks: int, size: int) -> StreakStatus:
    return StreakStatus([(w, w in share_weeks) for w in window(current, size)], weeks)
