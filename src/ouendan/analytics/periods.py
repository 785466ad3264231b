"""Quarters of the organization's fiscal year (Japanese companies mostly start it in April, and
name it by the calendar year it starts in: 2026年度 = April 2026 to March 2027)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Quarter:
    fiscal_year: int
    number: int  # 1–4
    start: dt.date
    end: dt.date  # included

    @property
    def label(self) -> str:
        # ja: 2026年度 第3四半期（10月〜12月）
        return _("FY%(year)d Q%(number)d (%(first)s–%(last)s)") % {
            "year": self.fiscal_year,
            "number": self.number,
            "first": date_format(self.start, "M"),
            "last": date_format(self.end, "M"),
        }

    def previous(self, fiscal_year_start: int) -> Quarter:
        return quarter_containing(self.start - dt.timedelta(days=1), fiscal_year_start)

    def next(self, fiscal_year_start: int) -> Quarter:
        return quarter_containing(self.end + dt.timedelta(days=1), fiscal_year_start)


def today_of(organization: Any, now: dt.datetime | None = None) -> dt.date:
    """The organization's date now (or at ``now``), in its time zone."""
    return (now or timezone.now()).astimezone(ZoneInfo(organization.time_zone)).date()


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_containing(day: dt.date, fiscal_year_start: int = 4) -> Quarter:
    """The fiscal quarter a day falls in."""
    months_in = (day.month - fiscal_year_start) % 12
    fiscal_year = day.year if day.month >= fiscal_year_start else day.year - 1
    number = months_in // 3 + 1
    start = _add_months(dt.date(fiscal_year, fiscal_year_start, 1), (number - 1) * 3)
    end = _add_months(start, 3) - dt.timedelta(days=1)
    return Quarter(fiscal_year=fiscal_year, number=number, start=start, end=end)
