"""The quarterly report over the API and on its page: ask, follow, download; the schedule."""

from __future__ import annotations

import pytest

from ouendan.accounts.roles import Role
from ouendan.analytics.models import Report, ReportSchedule
from tests.analytics.test_reports import _fonts  # noqa: F401  (skips without the font, outside CI)
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org):
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


def test_ask_follow_and_download(pm, immediate_tasks, django_capture_on_commit_callbacks):
    api = Api(token_for(pm))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/analytics/reports", {"language": "en"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["pdf_url"] is None
    report = api.get(f"/analytics/reports/{body['id']}").json()
    assert report["status"] == "ready" and report["quarter"] in {1, 2, 3, 4}
    pdf = api.client.get(report["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="ouendan-' in pdf["Content-Disposition"]
    listed = api.get("/analytics/reports").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_a_pdf_not_ready_is_a_conflict(pm):
    api = Api(token_for(pm))
    report = api.post("/analytics/reports", {}).json()  # no worker here: still pending
    assert_error(api.get(f"/analytics/reports/{report['id']}/pdf"), 409, "report_not_ready")


def test_a_quarter_that_does_not_exist_is_refused(pm):
    api = Api(token_for(pm))
    error = assert_error(
        api.post("/analytics/reports", {"fiscal_year": 2026, "quarter": 7}), 400, "invalid_quarter"
    )
    assert "quarter" in error["fields"]
    assert_error(api.post("/analytics/reports", {"fiscal_year": 2090, "quarter": 1}), 400)
    assert_error(api.post("/analytics/reports", {"language": "fr"}), 400, "invalid_language")
    assert not Report.objects.exists()


def test_advocates_may_not_ask_and_managers_read_their_own(org, pm):
    advocate = make_person(org, roles=[Role.ADVOCATE])
    assert_error(Api(token_for(advocate)).post("/analytics/reports", {}), 403)
    boss = make_person(org, roles=[Role.MANAGER])
    other = make_person(org, roles=[Role.MANAGER])
    mine = Api(token_for(boss)).post("/analytics/reports", {}).json()
    assert Api(token_for(other)).get("/analytics/reports").json()["items"] == []
    assert_error(Api(token_for(other)).get(f"/analytics/reports/{mine['id']}"), 404)
    assert Api(token_for(pm)).get(f"/analytics/reports/{mine['id']}").status_code == 200


def test_the_schedule(org, pm):
    api = Api(token_for(pm))
    assert api.get("/analytics/report-schedule").json() == {
        "enabled": False,
        "recipients": [],
        "language": "ja",
    }
    error = assert_error(
        api.put("/analytics/report-schedule", {"enabled": True, "recipients": ["x@"]}), 400
    )
    assert "x@" in error["fields"]["recipients"][0]
    assert not ReportSchedule.objects.exists()
    saved = api.put(
        "/analytics/report-schedule",
        {"enabled": True, "recipients": ["ceo@example.co.jp"], "language": "en"},
    )
    assert saved.json() == {"enabled": True, "recipients": ["ceo@example.co.jp"], "language": "en"}
    boss = make_person(org, roles=[Role.MANAGER])
    assert_error(Api(token_for(boss)).put("/analytics/report-schedule", {"enabled": False}), 403)
    assert Api(token_for(boss)).get("/analytics/report-schedule").json()["enabled"] is True


def test_the_page(pm, immediate_tasks, django_capture_on_commit_callbacks):
    client = signed_in(pm)
    page = client.get("/analytics/reports/")
    assert page.status_code == 200
    assert "四半期レポート" in page.content.decode()
    quarter = page.context["quarters"][1]
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            "/analytics/reports/request/",
            {"quarter": f"{quarter.fiscal_year}-{quarter.number}", "language": "ja"},
        )
    assert made.status_code == 302
    report = Report.objects.get()
    assert (report.starts_on, report.status) == (quarter.start, "ready")
    pdf = client.get(f"/analytics/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = client.post("/analytics/reports/request/", {"quarter": "nonsense"})
    assert bad.status_code == 400
    schedule = client.post(
        "/analytics/reports/schedule/",
        {"enabled": "on", "recipients": "ceo@example.co.jp\nnot-an-address", "language": "ja"},
    )
    assert schedule.status_code == 400 and not ReportSchedule.objects.exists()


def test_the_page_needs_analytics(org):
    advocate = make_person(org, roles=[Role.ADVOCATE])
    assert signed_in(advocate).get("/analytics/reports/").status_code == 403


def test_query_count_does_not_grow_with_reports(pm, django_assert_max_num_queries):
    client = signed_in(pm)
    for _ in range(3):
        Report.objects.create(
            organization=pm.organization, starts_on="2026-10-01", ends_on="2026-12-31"
        )
    client.get("/analytics/reports/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get("/analytics/reports/")
    for _ in range(27):
        Report.objects.create(
            organization=pm.organization, starts_on="2026-10-01", ends_on="2026-12-31"
        )
    with CaptureQueriesContext(connection) as thirty:
        client.get("/analytics/reports/")
    assert len(thirty) == len(three)
