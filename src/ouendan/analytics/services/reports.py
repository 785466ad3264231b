"""The quarterly executive report: asked for (a PDF made by the worker), scheduled (made once per
quarter when it ends and e-mailed to the chosen recipients), and who receives it.

A report is made for the person who asked, in their scope (a manager's report covers their
departments); the scheduled one covers the whole organization. The PDF is kept, so what was sent
can be read again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import (
    Action,
    Actor,
    actor_for_membership,
    require,
    system_actor,
)
from ouendan.analytics.models import Report, ReportSchedule
from ouendan.analytics.pdf import render_pdf
from ouendan.analytics.periods import Quarter, quarter_containing, today_of
from ouendan.analytics.selectors.reports import fiscal_year_start
from ouendan.core.errors import DomainError

logger = logging.getLogger(__name__)
LANGUAGES = ("ja", "en")
MAX_RECIPIENTS = 50


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise DomainError(
            _("Choose Japanese or English."),
            code="invalid_language",
            fields={"language": [_("Choose ja or en.")]},
        )
    return language


def report_request(*, actor: Actor, quarter: Quarter, language: str) -> Report:
    """Ask for a report of a quarter (made by the worker in a few seconds)."""
    require(actor, Action.ANALYTICS_VIEW)
    with transaction.atomic():
        report = Report.objects.create(
            organization=actor.organization,
            starts_on=quarter.start,
            ends_on=quarter.end,
            language=_language(language),
            requested_by=actor.membership,
        )
        audit_record(
            actor=actor,
            action="report.requested",
            target=report,
            data={"from": quarter.start.isoformat(), "to": quarter.end.isoformat()},
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from ouendan.analytics.tasks import report_make_task

    report_make_task.enqueue(report_id)


def _actor_of(report: Report) -> Actor:
    if report.requested_by_id is not None:
        membership = Membership.objects.select_related("organization", "user").get(
            pk=report.requested_by_id
        )
        return actor_for_membership(membership)
    return system_actor(report.organization, label="quarterly report")


def report_make(*, report_id: int) -> Report:
    """Render a requested report's PDF (idempotent: a ready report is left as it is)."""
    from ouendan.analytics.selectors.report import report_data

    report = Report.objects.select_related("organization").get(pk=report_id)
    if report.status == Report.Status.READY:
        return report
    organization = report.organization
    start_month = fiscal_year_start(organization)
    quarter = quarter_containing(report.starts_on, start_month)
    try:
        actor = _actor_of(report)
        with translation.override(report.language), timezone.override(organization.time_zone):
            data = report_data(actor=actor, quarter=quarter, fiscal_year_start=start_month)
            pdf = render_pdf(
                template_name="analytics/report/quarterly.html",
                context={"organization": organization, "report": data},
                language=report.language,
            )
    except Exception as error:
        logger.exception("report %s failed", report.pk)
        report.status, report.error = Report.Status.FAILED, str(error)[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        return report
    report.pdf, report.status, report.error = pdf, Report.Status.READY, ""
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "status", "error", "finished_at"])
    return report


def report_filename(report: Report) -> str:
    quarter = quarter_containing(report.starts_on, fiscal_year_start(report.organization))
    return f"ouendan-{report.organization.slug}-FY{quarter.fiscal_year}-Q{quarter.number}.pdf"


def report_send(*, report: Report, recipients: list[str]) -> int:
    """E-mail a ready report's PDF; returns how many recipients it went to."""
    if report.status != Report.Status.READY or not recipients:
        return 0
    quarter = quarter_containing(report.starts_on, fiscal_year_start(report.organization))
    with translation.override(report.language):
        message = EmailMessage(
            subject=_("%(organization)s: quarterly advocacy report, %(quarter)s")
            % {"organization": report.organization.name, "quarter": quarter.label},
            body=_(
                "The quarterly report of the employee advocacy program is attached "
                "(participation, reach, clicks, applicants and leads, and their value).\n\n"
                "Ouendan"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
    message.attach(report_filename(report), bytes(report.pdf), "application/pdf")
    message.send()
    report.sent_to = sorted(set(report.sent_to) | set(recipients))
    report.save(update_fields=["sent_to"])
    return len(recipients)


def reports_schedule_run(*, now: dt.datetime | None = None) -> int:
    """For every organization that asked for it: once a quarter has ended, make its report
    (once, whatever how often this runs) and e-mail it. Returns how many were sent."""
    sent = 0
    for schedule in ReportSchedule.objects.filter(enabled=True).select_related("organization"):
        organization = schedule.organization
        start_month = fiscal_year_start(organization)
        ended = quarter_containing(today_of(organization, now), start_month).previous(start_month)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    organization=organization,
                    starts_on=ended.start,
                    ends_on=ended.end,
                    language=schedule.language,
                    scheduled=True,
                )
        except IntegrityError:
            continue  # made already (by an earlier run or another scheduler)
        report = report_make(report_id=report.pk)
        sent += report_send(report=report, recipients=list(schedule.recipients)) and 1
    return sent


def report_schedule_update(
    *, actor: Actor, enabled: bool, recipients: list[str], language: str
) -> ReportSchedule:
    """Who receives the report each quarter (e-mail addresses), in which language."""
    require(actor, Action.ANALYTICS_MANAGE)
    cleaned: list[str] = []
    bad: list[str] = []
    for address in recipients:
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
        else:
            if address.lower() not in {a.lower() for a in cleaned}:
                cleaned.append(address)
    errors: dict[str, list[str]] = {}
    if bad:
        errors["recipients"] = [
            _("Not an e-mail address: %(addresses)s") % {"addresses": ", ".join(bad)}
        ]
    elif len(cleaned) > MAX_RECIPIENTS:
        errors["recipients"] = [_("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS}]
    elif enabled and not cleaned:
        errors["recipients"] = [_("Add at least one recipient to send the report.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose ja or en.")]
    if errors:
        raise DomainError(_("Check the schedule."), code="invalid", fields=errors)
    with transaction.atomic():
        schedule, _created = ReportSchedule.objects.select_for_update().get_or_create(
            organization=actor.organization
        )
        schedule.enabled, schedule.recipients, schedule.language = enabled, cleaned, language
        schedule.save()
        audit_record(
            actor=actor,
            action="report.schedule_changed",
            target=schedule,
            data={"enabled": enabled, "recipients": len(cleaned), "language": language},
        )
    return schedule
