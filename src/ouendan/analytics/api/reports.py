"""The quarterly report over the API: ask for one, follow it, download its PDF, and the schedule."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.analytics.models import Report, ReportSchedule
from ouendan.analytics.periods import quarter_containing
from ouendan.analytics.selectors.reports import (
    fiscal_year_start,
    quarter_for,
    report_get,
    report_schedule_get,
    reports_visible,
)
from ouendan.analytics.services.reports import (
    report_filename,
    report_request,
    report_schedule_update,
)
from ouendan.core.api import Page, error_responses, paginate
from ouendan.core.errors import Conflict

router = Router(tags=["analytics"])


class ReportOut(Schema):
    id: int
    fiscal_year: int
    quarter: int = Field(description="1–4, in the organization's fiscal year.")
    label: str
    starts_on: date
    ends_on: date
    language: str
    status: str = Field(description="`pending`, `ready` or `failed`.")
    error: str
    scheduled: bool = Field(description="Made by the quarterly schedule (not asked for).")
    sent_to: list[str]
    created_at: datetime
    finished_at: datetime | None
    pdf_url: str | None = Field(description="Where to download the PDF once it is ready.")


def report_out(report: Report) -> dict[str, Any]:
    quarter = quarter_containing(report.starts_on, fiscal_year_start(report.organization))
    return {
        "id": report.pk,
        "fiscal_year": quarter.fiscal_year,
        "quarter": quarter.number,
        "label": quarter.label,
        "starts_on": report.starts_on,
        "ends_on": report.ends_on,
        "language": report.language,
        "status": report.status,
        "error": report.error,
        "scheduled": report.scheduled,
        "sent_to": report.sent_to,
        "created_at": report.created_at,
        "finished_at": report.finished_at,
        "pdf_url": f"/api/v1/analytics/reports/{report.pk}/pdf"
        if report.status == Report.Status.READY
        else None,
    }


class ReportIn(Schema):
    fiscal_year: int | None = Field(
        default=None, description="Fiscal year (named by the year it starts in). Default: now."
    )
    quarter: int | None = Field(default=None, description="1–4. Default: the running quarter.")
    language: str = Field(default="ja", description="`ja` or `en`.")


@router.get(
    "/analytics/reports",
    response={200: Page[ReportOut], **error_responses(401, 403)},
    summary="Quarterly reports you may read",
    description="The program reads every report; others the ones they asked for. Newest first.",
)
def reports_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    page = paginate(request, reports_visible(actor=actor).select_related("organization"))
    page["items"] = [report_out(report) for report in page["items"]]
    return page


@router.post(
    "/analytics/reports",
    response={202: ReportOut, **error_responses(400, 401, 403, 422)},
    summary="Ask for a quarterly report (PDF)",
    description="Made by the worker within seconds, for your scope (a manager's report covers "
    "their departments). Follow `status`, then download `pdf_url`. `400 invalid_quarter` for a "
    "quarter that does not exist or has not begun.",
)
def report_request_api(request: HttpRequest, payload: ReportIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    quarter = quarter_for(
        actor.organization, fiscal_year=payload.fiscal_year, number=payload.quarter
    )
    report = report_request(actor=actor, quarter=quarter, language=payload.language)
    return 202, report_out(report)


@router.get(
    "/analytics/reports/{report_id}",
    response={200: ReportOut, **error_responses(401, 403, 404)},
    summary="One quarterly report",
)
def report_api(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(report_get(actor=request_actor(request), report_id=report_id))


@router.get(
    "/analytics/reports/{report_id}/pdf",
    response={200: None, **error_responses(401, 403, 404, 409)},
    summary="Download a quarterly report's PDF",
    description="`application/pdf`. `409 report_not_ready` while it is being made (or failed).",
)
def report_pdf_api(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_get(actor=request_actor(request), report_id=report_id)
    if report.status != Report.Status.READY:
        raise Conflict(_("The report is not ready."), code="report_not_ready")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response


class ScheduleOut(Schema):
    enabled: bool = Field(description="Make and e-mail the report when each quarter ends.")
    recipients: list[str]
    language: str


class ScheduleIn(Schema):
    enabled: bool
    recipients: list[str] = Field(default_factory=list, description="E-mail addresses (≤ 50).")
    language: str = "ja"


def schedule_out(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "enabled": schedule.enabled,
        "recipients": schedule.recipients,
        "language": schedule.language,
    }


@router.get(
    "/analytics/report-schedule",
    response={200: ScheduleOut, **error_responses(401, 403)},
    summary="Who receives the quarterly report",
)
def schedule_api(request: HttpRequest) -> dict[str, Any]:
    return schedule_out(report_schedule_get(actor=request_actor(request)))


@router.put(
    "/analytics/report-schedule",
    response={200: ScheduleOut, **error_responses(400, 401, 403, 422)},
    summary="Change who receives the quarterly report",
    description="The program manager's. `400 invalid` with `fields.recipients` for an address "
    "that is not one, or none while enabled.",
)
def schedule_update_api(request: HttpRequest, payload: ScheduleIn) -> dict[str, Any]:
    schedule = report_schedule_update(
        actor=request_actor(request),
        enabled=payload.enabled,
        recipients=payload.recipients,
        language=payload.language,
    )
    return schedule_out(schedule)
