"""The badges there are: what each is called and means, and when it is earned.

The artwork is an inline SVG emblem per badge (``templates/engagement/emblems/<key>.svg``):
shapes and colours only, no text, so it works in every language; pages write the badge's name
beside it in the reader's language. ``contest_winner`` is given by the contests
(``services.badges.badge_award``); the others by the awarding job from the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouendan.engagement.streaks import longest_run

FIRST_SHARE = "first_share"
TEN_SHARES = "ten_shares"
FIRST_APPLICANT = "first_applicant"
FOUR_WEEK_STREAK = "four_week_streak"
CONTEST_WINNER = "contest_winner"

STREAK_BADGE_WEEKS = 4


@dataclass
class PersonRecord:
    """What the criteria read about one person, from the ledger (entries not reversed nor
    waiting for review): their shares in order, and the applications their shares brought."""

    shares: list[tuple[datetime, str]] = field(default_factory=list)  # (when, source key)
    applications: list[str] = field(default_factory=list)  # source keys, in order
    share_weeks: set[date] = field(default_factory=set)


def _nth_share(n: int) -> Callable[[PersonRecord], str | None]:
    def earned(record: PersonRecord) -> str | None:
        return record.shares[n - 1][1] if len(record.shares) >= n else None

    return earned


def _first_application(record: PersonRecord) -> str | None:
    return record.applications[0] if record.applications else None


def _four_weeks(record: PersonRecord) -> str | None:
    length, start = longest_run(record.share_weeks)
    if length >= STREAK_BADGE_WEEKS and start is not None:
        return f"weeks:{start.isoformat()}"
    return None


@dataclass(frozen=True)
class Badge:
    key: str
    name: str | Promise
    description: str | Promise
    # Returns what earned the badge (a source key), or None; None for badges given by others.
    criteria: Callable[[PersonRecord], str | None] | None = None

    @property
    def emblem(self) -> str:
        return f"engagement/emblems/{self.key}.svg"


BADGES: dict[str, Badge] = {
    badge.key: badge
    for badge in (
        Badge(FIRST_SHARE, _("First share"), _("Shared for the first time."), _nth_share(1)),
        Badge(TEN_SHARES, _("Ten shares"), _("Shared ten times."), _nth_share(10)),
        Badge(
            FIRST_APPLICANT,
            _("First applicant"),
            _("Someone applied after following your link."),
            _first_application,
        ),
        Badge(
            FOUR_WEEK_STREAK,
            _("Four weeks in a row"),
            _("Shared in each of four weeks in a row."),
            _four_weeks,
        ),
        Badge(CONTEST_WINNER, _("Contest winner"), _("Came first in a contest.")),
    )
}
