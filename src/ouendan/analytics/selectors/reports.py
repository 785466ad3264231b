"""Reads of the quarterly report: which quarter, which reports a person may read, the schedule."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.analytics.models import AnalyticsSettings, Report, ReportSchedule
from ouendan.analytics.periods import Quarter, quarter_containing, today_of
from ouendan.core.errors import DomainError, NotFound


def fiscal_year_start(organization: Organization) -> int:
    row = AnalyticsSettings.objects.filter(organization=organization).first()
    return row.fiscal_year_start if row else 4


def quarter_for(
    organization: Organization, *, fiscal_year: int | None = None, number: int | None = None
) -> Quarter:
    """A quarter of the organization's fiscal year (default: the one running today)."""
    start_month = fiscal_year_start(organization)
    today = today_of(organization)
    if fiscal_year is None and number is None:
        return quarter_containing(today, start_month)
    if (
        fiscal_year is None
        or number is None
        or not 1 <= number <= 4
        or not 2000 <= fiscal_year <= 2100
    ):
        raise DomainError(
            _("Choose a fiscal year and a quarter from 1 to 4."),
            code="invalid_quarter",
            fields={"quarter": [_("Choose a quarter from 1 to 4.")]},
        )
    first_month = (start_month - 1 + (number - 1) * 3) % 12 + 1
    year = fiscal_year + (1 if first_month < start_month else 0)
    quarter = quarter_containing(dt.date(year, first_month, 1), start_month)
    if quarter.start > today:
        raise DomainError(
            _("That quarter has not begun yet."),
            code="invalid_quarter",
            fields={"quarter": [_("Choose a quarter that has begun.")]},
        )
    return quarter


def report_get(*, actor: Actor, report_id: int) -> Report:
    """A report the actor may read: their own, or any for the program (and admins)."""
    report = reports_visible(actor=actor).defer(None).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."), code="not_found")
    return report


def reports_visible(*, actor: Actor) -> QuerySet[Report]:
    """The reports the actor may read, newest first (the PDF itself deferred)."""
    require(actor, Action.ANALYTICS_VIEW)
    reports = Report.objects.filter(organization=actor.organization).defer("pdf")
    if not can(actor, Action.ANALYTICS_MANAGE):
        if actor.membership is None:
            return reports.none()
        reports = reports.filter(requested_by=actor.membership)
    return reports.select_related("requested_by").order_by("-created_at", "-pk")


def report_schedule_get(*, actor: Actor) -> ReportSchedule:
    require(actor, Action.ANALYTICS_VIEW)
    return ReportSchedule.objects.filter(organization=actor.organization).first() or ReportSchedule(
        organization=actor.organization
    )


def recent_quarters(organization: Organization, count: int = 8) -> list[Quarter]:
    """The running quarter and those before it, newest first (for choosing one)."""
    start_month = fiscal_year_start(organization)
    quarter = quarter_containing(today_of(organization), start_month)
    quarters = [quarter]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous(start_month))
    return quarters
