"""The quarterly executive report: made on request for the asker's scope, made once per ended
quarter on schedule and e-mailed, and its PDF readable (Japanese rendered, not blank)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from ouendan.accounts.roles import Role
from ouendan.analytics.models import Report, ReportSchedule
from ouendan.analytics.pdf import PdfUnavailable, require_japanese_font
from ouendan.analytics.periods import quarter_containing
from ouendan.analytics.selectors.reports import quarter_for, report_get
from ouendan.analytics.services.goals import GoalData, goal_create
from ouendan.analytics.services.reports import (
    report_make,
    report_request,
    report_schedule_update,
    reports_schedule_run,
)
from ouendan.analytics.services.rollups import rollups_build
from ouendan.core.errors import DomainError, NotFound
from ouendan.tracking.services import clicks_aggregate
from tests.analytics.test_rollups import click_through
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fonts() -> None:
    try:
        require_japanese_font()
    except PdfUnavailable as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Japanese font for PDFs here: {error}")


def pdf_page_text_and_ink(pdf: bytes) -> tuple[str, float]:
    """The first page's text and the share of its pixels that are not white."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    ink = sum(histogram[:200]) / sum(histogram)
    return text, ink


def request(who, org, language, capture):
    with capture(execute=True):
        report = report_request(actor=who, quarter=quarter_for(org), language=language)
    report.refresh_from_db()
    return report


def test_a_report_shows_the_quarter_in_japanese(
    org, link, shared, immediate_tasks, django_capture_on_commit_callbacks
):
    click_through(link)
    clicks_aggregate()
    rollups_build()
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子"))
    quarter = quarter_for(org)
    goal_create(
        actor=pm,
        data=GoalData(
            name="クリック数を伸ばす",
            metric="clicks",
            kind="absolute",
            target=Decimal(8),
            starts_on=quarter.start,
            ends_on=quarter.end,
        ),
    )
    report = request(pm, org, "ja", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.READY, report.error
    pdf = bytes(report.pdf)
    if os.environ.get("OUENDAN_KEEP_PDF"):
        Path(os.environ["OUENDAN_KEEP_PDF"]).write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    text, ink = pdf_page_text_and_ink(pdf)
    assert ink > 0.01  # not a blank page
    assert "四半期" in text and "株式会社みらい製作所" in text
    everything = pdf_all_text(pdf)
    assert "新卒採用説明会" in everything  # the top content, by its title
    assert "クリック" in everything
    assert "クリック数を伸ばす" in everything  # the KPI goal
    assert "ROI" in everything
    assert report_make(report_id=report.pk).status == Report.Status.READY  # again: unchanged


def pdf_all_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_an_english_report(org, immediate_tasks, django_capture_on_commit_callbacks):
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    report = request(pm, org, "en", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.READY, report.error
    assert "quarterly report" in pdf_all_text(bytes(report.pdf))


def test_the_schedule_sends_each_ended_quarter_once(org, settings):
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    report_schedule_update(
        actor=pm,
        enabled=True,
        recipients=["ceo@example.co.jp", " cfo@example.co.jp "],
        language="ja",
    )
    now = dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC)
    assert reports_schedule_run(now=now) == 1
    assert reports_schedule_run(now=now) == 0  # twice: one report, one mail
    (message,) = mail.outbox
    assert message.to == ["ceo@example.co.jp", "cfo@example.co.jp"]
    (name, content, kind) = message.attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF")
    report = Report.objects.get(scheduled=True)
    assert (report.starts_on, report.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert name.endswith("FY2026-Q3.pdf")


def test_the_schedule_is_validated(org):
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    with pytest.raises(DomainError) as error:
        report_schedule_update(actor=pm, enabled=True, recipients=["not-an-address"], language="ja")
    assert "recipients" in error.value.fields
    with pytest.raises(DomainError):
        report_schedule_update(actor=pm, enabled=True, recipients=[], language="ja")
    assert not ReportSchedule.objects.exists()
    manager = actor(make_person(org, roles=[Role.MANAGER]))
    with pytest.raises(Exception, match=r"analytics\.manage"):
        report_schedule_update(actor=manager, enabled=False, recipients=[], language="ja")


def test_quarters_follow_the_fiscal_year(org):
    quarter = quarter_containing(dt.date(2026, 12, 4))
    assert (quarter.fiscal_year, quarter.number) == (2026, 3)
    assert quarter_containing(dt.date(2027, 3, 31)).number == 4
    assert quarter_containing(dt.date(2026, 12, 4), 1).number == 4
    with pytest.raises(DomainError):
        quarter_for(org, fiscal_year=2026, number=5)
    with pytest.raises(DomainError):
        quarter_for(org, fiscal_year=2099, number=1)


def test_people_read_their_own_reports(org, immediate_tasks):
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    boss = actor(make_person(org, roles=[Role.MANAGER]))
    other_boss = actor(make_person(org, roles=[Role.MANAGER]))
    report = report_request(actor=boss, quarter=quarter_for(org), language="ja")
    assert report_get(actor=boss, report_id=report.pk) == report
    assert report_get(actor=pm, report_id=report.pk) == report
    with pytest.raises(NotFound):
        report_get(actor=other_boss, report_id=report.pk)
