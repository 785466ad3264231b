"""The analytics pages: every figure the overview shows is the summary API's, managers see their
departments only, executive viewers read without a single write control, advocates are refused,
rankings sort, page, name people as they chose and credit conversions by the chosen model; the
filters live in the query string and htmx gets only the part it replaces."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouendan.accounts.roles import Role
from tests.analytics.program import Program, direct_rollups, program, tokyo_today
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, make_person

__all__ = ["program"]

pytestmark = pytest.mark.django_db

PAGES = ("overview", "content", "advocates", "departments", "networks", "campaigns", "trends")


class Figures(HTMLParser):
    """``data-metric``/``data-value`` pairs of a page, and its forms' methods."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[float]] = {}
        self.post_forms: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("data-metric"):
            self.values.setdefault(found["data-metric"] or "", []).append(
                float(found.get("data-value") or "nan")
            )
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self.post_forms.append(found.get("action") or "")


def figures_of(html: str) -> Figures:
    parser = Figures()
    parser.feed(html)
    return parser


def api(client: Client, path: str, **query: object):
    return client.get(f"/api/v1/analytics/{path}", query)


# --- The overview is the summary API ------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "manager", "executive", "admin"])
def test_every_figure_on_the_overview_is_the_summary_apis(program: Program, who: str):
    client = signed_in(getattr(program, who))
    for query in ({}, {"network": "x"}, {"department": program.dev.pk}):
        if who == "manager" and "department" in query:
            continue
        page = client.get(reverse("analytics:overview"), query)
        assert page.status_code == 200, page.content[:500]
        shown = figures_of(page.content.decode()).values
        expected = api(client, "summary", **query).json()
        assert set(shown) == set(expected), set(shown) ^ set(expected)
        for key, values in shown.items():
            assert all(value == pytest.approx(expected[key]) for value in values), (key, values)


def test_the_program_has_the_figures_people_made(program: Program):
    figures = api(signed_in(program.pm), "summary").json()
    # Four shares; the crawler and the sharer's own click are not counted.
    assert figures["shares"] == 4
    assert figures["clicks"] == 9 and figures["unique_clicks"] == 8
    assert figures["conversions"] == 1 and figures["conversion_value"] == 30000
    assert figures["potential_reach"] == 1200 + 300 + 800 + 500
    assert (figures["active_advocates"], figures["enrolled_advocates"]) == (3, 4)


def test_each_card_has_its_definition_and_the_change_against_the_period_before(
    program: Program,
):
    html = signed_in(program.pm, language="en").get(reverse("analytics:overview")).content
    text = html.decode()
    assert "Human visits through the tracked links" in text  # clicks' definition
    assert "Followers of the advocates who shared" in text  # reach's
    assert text.count("New: none the period before") >= 5  # nothing happened before
    assert "The period before:" in text


# --- Scope: managers, executive viewers, advocates, other organizations -----------------


def test_a_manager_sees_only_their_departments(program: Program):
    client = signed_in(program.manager)
    mine = api(client, "summary").json()
    # 佐藤 (営業一課, under 営業本部) and 鈴木 (営業本部): 2 shares, not 高橋's (開発部).
    assert (mine["shares"], mine["enrolled_advocates"]) == (2, 2)
    ranking = api(client, "rankings/advocates").json()
    assert {row["label"] for row in ranking["items"]} == {
        "佐藤 一郎",
        "People who chose not to appear",
    } or {row["named"] for row in ranking["items"]} == {True, False}
    refused = api(client, "summary", department=program.dev.pk)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_filters"
    assert "department" in refused.json()["error"]["fields"]
    page = client.get(reverse("analytics:departments"), {"department": program.dev.pk})
    assert page.status_code == 400
    assert "開発部" not in page.content.decode()
    choices = client.get(reverse("analytics:overview")).content.decode()
    assert "営業一課" in choices and "開発部" not in choices


def test_an_executive_viewer_reads_everything_and_finds_no_write_control(program: Program):
    client = signed_in(program.executive)
    for name in PAGES:
        response = client.get(reverse(f"analytics:{name}"))
        assert response.status_code == 200, name
        forms = figures_of(response.content.decode()).post_forms
        # The page shell's sign-out and language forms only.
        assert set(forms) <= {reverse("accounts:logout"), reverse("set_language")}, (name, forms)
    assert api(client, "summary").json()["shares"] == 4


def test_an_advocate_is_refused(program: Program):
    client = signed_in(program.people["sato"])
    for name in PAGES:
        assert client.get(reverse(f"analytics:{name}")).status_code == 403
    for path in ("summary", "trend", "rankings/content", "export/content"):
        response = api(client, path)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_another_organization_sees_none_of_it(program: Program, other_admin):
    client = signed_in(other_admin)
    assert api(client, "summary").json()["shares"] == 0
    assert api(client, "rankings/content").json()["count"] == 0
    for name in PAGES:
        text = client.get(reverse(f"analytics:{name}")).content.decode()
        assert "新卒採用説明会" not in text and "佐藤 一郎" not in text
    assert api(client, "summary", department=program.sales.pk).status_code == 400
    assert api(client, "summary", campaign=program.campaign.pk).status_code == 400
    export = api(client, "export/content", format="csv").content.decode("utf-8-sig")
    assert "新卒採用説明会" not in export


# --- Rankings -----------------------------------------------------------------------------


def test_advocates_appear_as_they_chose(program: Program):
    client = signed_in(program.pm, language="en")
    rows = api(client, "rankings/advocates").json()["items"]
    labels = {row["label"]: row for row in rows}
    assert set(labels) == {"佐藤 一郎", "たかちゃん", "People who chose not to appear"}
    hidden = labels["People who chose not to appear"]
    assert hidden["named"] is False and hidden["key"] is None
    assert (hidden["shares"], hidden["clicks"]) == (1, 1)
    text = client.get(reverse("analytics:advocates")).content.decode()
    assert "鈴木" not in text and "高橋" not in text
    assert "たかちゃん" in text and "People who chose not to appear" in text
    csv_text = client.get(reverse("analytics:advocates"), {"format": "csv"}).content.decode()
    assert "鈴木" not in csv_text and "高橋" not in csv_text


def test_rankings_sort_by_each_figure(program: Program):
    client = signed_in(program.pm)
    for order in ("clicks", "unique_clicks", "shares", "conversions", "emv", "engagement"):
        rows = api(client, "rankings/content", order=order).json()["items"]
        values = [row[order] for row in rows]
        assert values == sorted(values, reverse=True), order
        page = client.get(reverse("analytics:content"), {"order": order})
        assert page.status_code == 200
        assert re.search(
            rf'aria-sort="descending">\s*<a href="\?order={order}"', page.content.decode()
        )
    bad = api(client, "rankings/content", order="title")
    assert bad.status_code == 422


def test_conversions_follow_the_attribution_model(program: Program):
    client = signed_in(program.pm)

    def conversions(model: str) -> dict[str, float]:
        rows = api(client, "rankings/content", attribution=model).json()["items"]
        return {row["label"]: row["conversions"] for row in rows}

    # The visitor clicked 佐藤's post of 説明会 first, then 高橋's post of ミライアーム.
    assert conversions("last_touch") == {"新卒採用説明会": 0, "ミライアーム発売": 1}
    assert conversions("first_touch") == {"新卒採用説明会": 1, "ミライアーム発売": 0}
    assert conversions("linear") == {"新卒採用説明会": 0.5, "ミライアーム発売": 0.5}
    decayed = conversions("time_decay")
    assert decayed["ミライアーム発売"] >= decayed["新卒採用説明会"] > 0
    assert sum(decayed.values()) == pytest.approx(1)
    values = {
        row["label"]: row["conversion_value"]
        for row in api(client, "rankings/advocates", attribution="linear").json()["items"]
    }
    assert values["佐藤 一郎"] == values["たかちゃん"] == 15000
    page = client.get(reverse("analytics:content"), {"attribution": "first_touch"}).content
    assert b'value="first_touch" selected' in page


def test_departments_have_their_participation(program: Program):
    client = signed_in(program.pm)
    rows = {r["label"]: r for r in api(client, "rankings/departments").json()["items"]}
    assert rows["開発部"]["active_advocates"] == 1 and rows["開発部"]["enrolled_advocates"] == 2
    assert rows["開発部"]["participation_rate"] == 0.5
    assert rows["営業本部 > 営業一課"]["participation_rate"] == 1.0


def test_a_ranking_is_paginated_and_sorted_whole(org, admin):
    direct_rollups(org, rows=30)
    client = signed_in(admin)
    first = client.get(reverse("analytics:content")).content.decode()
    assert "記事 29" in first and "記事 00" not in first  # the most clicked first
    second = client.get(reverse("analytics:content"), {"page": 2}).content.decode()
    assert "記事 00" in second
    body = api(client, "rankings/content", page=2, page_size=10).json()
    assert (body["count"], body["pages"], len(body["items"])) == (30, 3, 10)
    assert body["items"][0]["label"] == "記事 19"
    assert api(client, "rankings/content", page_size=500).json()["error"]["code"] == "invalid_page"


@pytest.mark.parametrize("name", ["content", "advocates", "departments", "networks", "campaigns"])
def test_ranking_pages_make_as_many_queries_for_3_rows_as_for_30(org, admin, name):
    client = signed_in(admin)
    client.get(reverse(f"analytics:{name}"))  # the session, the organization's settings
    counts = []
    for rows in (3, 30):
        department = DepartmentFactory(organization=org, name=f"部署{rows}")
        direct_rollups(org, rows=rows, department=department, day=tokyo_today())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"analytics:{name}")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Filters, htmx, errors --------------------------------------------------------------------


def test_filters_live_in_the_query_string_and_htmx_gets_the_part_it_replaces(program: Program):
    client = signed_in(program.pm)
    url = reverse("analytics:content")
    query = {"from": "2026-01-01", "to": "2026-01-31", "network": "x"}
    whole = client.get(url, query).content.decode()
    assert "<h1>" in whole and 'value="2026-01-01"' in whole
    part = client.get(url, query, headers={"HX-Request": "true", "HX-Target": "analytics-main"})
    html = part.content.decode()
    assert "<h1>" not in html and "<html" not in html
    assert 'id="analytics-filters"' in html and 'hx-swap-oob="true"' in html
    assert "HX-Request" in part["Vary"]
    # htmx restoring history, or aiming elsewhere, gets the whole page.
    restored = client.get(
        url,
        query,
        headers={
            "HX-Request": "true",
            "HX-Target": "analytics-main",
            "HX-History-Restore-Request": "true",
        },
    )
    assert "<h1>" in restored.content.decode()


def test_presets_follow_the_fiscal_year(program: Program):
    html = signed_in(program.pm, language="en").get(reverse("analytics:overview")).content
    today = tokyo_today()
    start = today.replace(month=((today.month - 4) // 3 * 3 + 3) % 12 + 1, day=1)
    if start > today:
        start = start.replace(year=start.year - 1)
    assert f"from={start.isoformat()}&amp;to={today.isoformat()}".encode() in html
    seven = (today - dt.timedelta(days=6)).isoformat()
    assert f"from={seven}&amp;to={today.isoformat()}".encode() in html


def test_bad_filters_are_explained_and_change_nothing(program: Program):
    client = signed_in(program.pm, language="en")
    page = client.get(reverse("analytics:overview"), {"from": "2026-02-30"})
    assert page.status_code == 400
    assert b"Give a date as YYYY-MM-DD." in page.content
    later = client.get(reverse("analytics:trends"), {"from": "2026-03-01", "to": "2026-02-01"})
    assert b"The first day must not be after the last day." in later.content
    assert client.get(reverse("analytics:content"), {"department": "abc"}).status_code == 400
    body = api(client, "trend", grain="hour").json()
    assert body["error"]["code"] == "invalid"


def test_pages_are_in_japanese_by_default_and_english_on_request(program: Program):
    ja = signed_in(program.pm).get(reverse("analytics:overview")).content.decode()
    en = signed_in(program.pm, language="en").get(reverse("analytics:overview")).content.decode()
    assert '<html lang="ja">' in ja and '<html lang="en">' in en
    assert "Program overview" in en


def test_the_trend_api_has_every_bucket(program: Program):
    client = signed_in(program.pm)
    start = tokyo_today() - dt.timedelta(days=13)
    body = api(client, "trend", **{"from": start.isoformat(), "grain": "day"}).json()
    assert body["grain"] == "day" and len(body["points"]) == 14
    assert sum(p["clicks"] for p in body["points"]) == 9
    weeks = api(client, "trend", **{"from": start.isoformat(), "grain": "week"}).json()
    assert sum(p["shares"] for p in weeks["points"]) == 4
    assert all(dt.date.fromisoformat(p["start"]).weekday() == 0 for p in weeks["points"][1:])
    page = client.get(reverse("analytics:trends"), {"grain": "week"}).content.decode()
    assert re.search(r'href="\?grain=week"\s+aria-current="true"', page)


def test_the_navigation_has_an_analytics_section(program: Program):
    html = signed_in(program.executive, language="en").get("/").content.decode()
    assert reverse("analytics:overview") in html and "Program overview" in html
    advocate = signed_in(program.people["sato"], language="en").get("/").content.decode()
    assert reverse("analytics:overview") not in advocate


def test_a_manager_without_a_department_sees_an_empty_program(program: Program):
    lone = make_person(program.org, roles=[Role.MANAGER], full_name="無所属 課長")
    figures = api(signed_in(lone), "summary").json()
    assert (figures["shares"], figures["enrolled_advocates"]) == (0, 0)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_meets_the_accessibility_basics(program: Program, language: str):
    from tests.test_accessibility import audit_html

    client = signed_in(program.pm, language=language)
    problems = []
    for name in PAGES:
        for query in ({}, {"attribution": "linear", "order": "shares"}, {"from": "bad"}):
            response = client.get(reverse(f"analytics:{name}"), query)
            problems += [f"{name} {query}: {p}" for p in audit_html(response.content.decode())]
    assert problems == []


def test_the_change_against_the_period_before(org, admin):
    direct_rollups(org, rows=2, day=tokyo_today() - dt.timedelta(days=35))  # 1 + 2 clicks
    direct_rollups(org, rows=4)  # 1 + 2 + 3 + 4 clicks
    html = signed_in(admin, language="en").get(reverse("analytics:overview")).content.decode()
    card = html[html.index('data-metric="clicks"') :]
    card = card[: card.index("</li>")]
    assert "233% more than the period before" in card  # 10 against 3
    shares = html[html.index('data-metric="shares"') :]
    assert "100% more than the period before" in shares[: shares.index("</li>")]  # 4 against 2
    earlier = signed_in(admin, language="en").get(
        reverse("analytics:overview"),
        {
            "from": (tokyo_today() - dt.timedelta(days=35)).isoformat(),
            "to": (tokyo_today() - dt.timedelta(days=35)).isoformat(),
        },
    )
    assert "New: none the period before" in earlier.content.decode()


@pytest.mark.parametrize("days", [1, 400, 1000])
def test_short_and_long_periods_render(program: Program, days: int):
    client = signed_in(program.pm)
    today = tokyo_today()
    period = {"from": (today - dt.timedelta(days=days - 1)).isoformat(), "to": today.isoformat()}
    for name in PAGES:
        response = client.get(reverse(f"analytics:{name}"), period)
        assert response.status_code == 200, (name, days)
    shares = api(client, "summary", **period).json()["shares"]
    assert shares == 4
