"""The quarterly report page: ask for one, download it, and (the program) who receives it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.analytics.models import Report
from ouendan.analytics.selectors.reports import (
    quarter_for,
    recent_quarters,
    report_get,
    report_schedule_get,
    reports_visible,
)
from ouendan.analytics.services.reports import (
    report_filename,
    report_request,
    report_schedule_update,
)
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "HEAD"])
def reports_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    return _render(request, actor)


def _render(
    request: HttpRequest, actor: Actor, *, error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    page = Paginator(reports_visible(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    schedule = report_schedule_get(actor=actor)
    pending = any(report.status == Report.Status.PENDING for report in page)
    return render(
        request,
        "analytics/reports/reports.html",
        {
            "page": page,
            "quarters": recent_quarters(actor.organization),
            "schedule": schedule,
            "recipients_text": "\n".join(schedule.recipients),
            "can_manage": can(actor, Action.ANALYTICS_MANAGE),
            "pending": pending,
            "error": error,
            "language": get_language() or "ja",
        },
        status=status,
    )


@login_required
@require_POST
def report_request_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    try:
        fiscal_year, number = (int(part) for part in request.POST.get("quarter", "").split("-"))
    except ValueError:
        fiscal_year, number = 0, 0
    try:
        quarter = quarter_for(actor.organization, fiscal_year=fiscal_year, number=number)
        report_request(actor=actor, quarter=quarter, language=request.POST.get("language", "ja"))
    except DomainError as error:
        return _render(request, actor, error=error, status=400)
    messages.success(request, _("The report is being made. It appears below in a few seconds."))
    return redirect("analytics:reports")


@login_required
@require_POST
def report_schedule_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    try:
        report_schedule_update(
            actor=actor,
            enabled=request.POST.get("enabled") == "on",
            recipients=request.POST.get("recipients", "").replace(",", "\n").splitlines(),
            language=request.POST.get("language", "ja"),
        )
    except DomainError as error:
        return _render(request, actor, error=error, status=400)
    messages.success(request, _("Saved."))
    return redirect("analytics:reports")


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    try:
        report = report_get(actor=actor, report_id=report_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if report.status != Report.Status.READY:
        raise Http404(_("The report is not ready."))
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response
