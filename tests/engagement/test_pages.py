"""The recognition pages as people use them: my points, the leaderboard, how I appear, the rules
and the review; Japanese by default, English complete, the same queries for 3 rows as for 30."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.engagement.models import PointEntry, PointRules
from ouendan.engagement.services.awarding import points_award
from ouendan.engagement.services.ledger import points_adjust
from tests.conftest import signed_in
from tests.engagement.conftest import click, posted, set_rules
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


@pytest.fixture
def flagged(sharer: Actor, advocate: Membership, item, admin: Membership) -> PointEntry:
    set_rules(admin, hold_hours=0, repeat_clicks=2)
    share = posted(sharer, item)
    click(share, at=timezone.now(), visitor="again")
    click(share, at=timezone.now(), visitor="again", unique=False)
    points_award()
    return PointEntry.objects.get(reason="clicks")


def test_my_points_in_japanese_and_english(flagged: PointEntry, advocate: Membership):
    japanese = signed_in(advocate).get("/engagement/").content.decode()
    assert "新卒採用説明会" in japanese and 'id="balance">10<' in japanese
    assert 'id="pending">2<' in japanese
    english = signed_in(advocate, language="en").get("/engagement/").content.decode()
    assert "You shared “新卒採用説明会” on X" in english
    assert "1 person clicked your X share of “新卒採用説明会”" in english
    assert "Under review" in english and "First share" in english and "Not yet" in english
    assert "How points are earned" in english


def test_my_points_page_says_how_to_start(advocate: Membership):
    page = signed_in(advocate, language="en").get("/engagement/").content.decode()
    assert "No points yet" in page and 'href="/feed/"' in page


@pytest.mark.parametrize("path", ["/engagement/", "/engagement/leaderboard/?period=all"])
def test_list_pages_cost_the_same_for_3_and_30_rows(path: str, advocate: Membership, pm, org):
    client = signed_in(advocate, language="en")

    def add(n: int) -> None:
        for _ in range(n):
            someone = make_person(org)
            points_adjust(actor=actor(pm), membership_id=advocate.pk, points=3, reason="記事の協力")
            points_adjust(actor=actor(pm), membership_id=someone.pk, points=2, reason="x")

    counts = []
    for n in (3, 27):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_leaderboard_lists_only_people_with_points(advocate: Membership, pm, org):
    make_person(org, full_name="無得点 さん")
    points_adjust(actor=actor(pm), membership_id=advocate.pk, points=9, reason="x")
    page = signed_in(pm, language="en").get("/engagement/leaderboard/").content.decode()
    assert "応援 一郎" in page and "無得点" not in page
    assert "You are number" not in page  # the program manager has no points
    mine = signed_in(advocate, language="en").get("/engagement/leaderboard/").content.decode()
    assert "You are number 1 with 9 points." in mine
    Membership.objects.filter(pk=advocate.pk).update(appear_as="hidden")
    hidden = signed_in(advocate, language="en").get("/engagement/leaderboard/").content.decode()
    assert "You would be number 1 with 9 points; you are hidden from others." in hidden
    others = signed_in(pm, language="en").get("/engagement/leaderboard/").content.decode()
    assert "応援 一郎" not in others and "No points in this period yet" in others
    odd = signed_in(pm).get("/engagement/leaderboard/?period=week&department=999999")
    assert odd.status_code == 200  # unknown filters fall back to the whole organization


def test_choosing_how_i_appear(advocate: Membership):
    client = signed_in(advocate, language="en")
    page = client.get("/engagement/appearance/").content.decode()
    assert "Colleagues see you as “応援 一郎”." in page
    assert "As my organization sets it (By name)" in page
    refused = client.post("/engagement/appearance/", {"appear_as": "nickname", "nickname": ""})
    assert (
        refused.status_code == 400 and b"Enter the nickname colleagues will see." in refused.content
    )
    advocate.refresh_from_db()
    assert advocate.appear_as is None
    saved = client.post(
        "/engagement/appearance/", {"appear_as": "nickname", "nickname": "いっちー"}
    )
    assert saved.status_code == 302
    assert "Colleagues see you as “いっちー”." in client.get(saved["Location"]).content.decode()
    client.post("/engagement/appearance/", {"appear_as": "default", "nickname": "いっちー"})
    advocate.refresh_from_db()
    assert (advocate.appear_as, advocate.nickname) == (None, "いっちー")


def test_the_organization_sets_the_default_appearance(admin_client: Client, org: Organization):
    page = admin_client.get("/accounts/organization/")
    assert b'name="default_appear_as"' in page.content
    answer = admin_client.post(
        "/accounts/organization/",
        {"name": org.name, "locale": "ja", "time_zone": "Asia/Tokyo",
         "default_appear_as": "nickname"},
    )  # fmt: skip
    assert answer.status_code == 302
    org.refresh_from_db()
    assert org.default_appear_as == "nickname"
    assert AuditEvent.objects.get(action="organization.updated").data == {
        "default_appear_as": "nickname"
    }


def test_the_program_changes_the_rules(pm: Membership, advocate: Membership, org):
    client = signed_in(pm, language="en")
    page = client.get("/engagement/rules/").content.decode()
    assert "Version 1 applies now" in page and 'name="conversion__application"' in page
    form = {
        "share_points": 12, "click_points": 3, "click_cap": 20, "suggestion_points": 20,
        "training_points": 30, "streak_points": 30, "streak_weeks": 3, "streak_window": 4,
        "hold_hours": 24, "burst_clicks": 10, "burst_minutes": 10, "repeat_clicks": 5,
        "conversion__application": 60, "conversion__inquiry": "", "note": "春の強化月間",
    }  # fmt: skip
    assert client.post("/engagement/rules/", form).status_code == 302
    current = PointRules.objects.filter(organization=org).order_by("-version").first()
    assert current is not None and (current.version, current.share_points) == (2, 12)
    assert current.conversion_points["application"] == 60
    assert "inquiry" not in current.conversion_points  # left empty: earns nothing
    bad = client.post("/engagement/rules/", {**form, "streak_weeks": 6})
    assert bad.status_code == 400
    assert PointRules.objects.filter(organization=org).count() == 2
    assert signed_in(advocate).get("/engagement/rules/").status_code == 403


def test_the_program_reviews_and_corrects(flagged: PointEntry, pm: Membership, advocate):
    client = signed_in(pm, language="en")
    page = client.get("/engagement/review/").content.decode()
    assert f'id="entry-{flagged.pk}"' in page and "Many clicks from one visitor" in page
    missing = client.post(f"/engagement/review/{flagged.pk}/reverse/", {"reason": ""})
    assert missing.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == "pending"
    client.post(f"/engagement/review/{flagged.pk}/confirm/", {"note": "本物の反響"})
    flagged.refresh_from_db()
    assert (flagged.status, flagged.review_note) == ("confirmed", "本物の反響")
    assert "Nothing waits for a review" in client.get("/engagement/review/").content.decode()
    assert client.post("/engagement/review/999999/confirm/").status_code == 404
    advocate.employee_number = "E-0042"
    advocate.save(update_fields=["employee_number"])
    done = client.post(
        "/engagement/review/adjust/", {"person": "E-0042", "points": 8, "reason": "社内報"}
    )
    assert done.status_code == 302
    unknown = client.post(
        "/engagement/review/adjust/", {"person": "nobody", "points": 8, "reason": "x"}
    )
    assert unknown.status_code == 400
    assert b"Nobody here has that employee number" in unknown.content
    assert PointEntry.objects.filter(reason="adjustment").count() == 1
    assert signed_in(advocate).get("/engagement/review/").status_code == 403


def test_the_navigation_shows_what_each_role_may_open(advocate: Membership, pm: Membership):
    mine = signed_in(advocate, language="en").get("/").content.decode()
    assert 'href="/engagement/"' in mine and 'href="/engagement/leaderboard/"' in mine
    assert 'href="/engagement/rules/"' not in mine
    program = signed_in(pm, language="en").get("/").content.decode()
    assert 'href="/engagement/rules/"' in program and 'href="/engagement/review/"' in program


def held_entries(org, n: int) -> None:
    """``n`` people with points in their hold, from different departments."""
    from datetime import timedelta

    from tests.factories import DepartmentFactory

    for _ in range(n):
        someone = make_person(org, department=DepartmentFactory(organization=org))
        PointEntry.objects.create(
            organization=org,
            membership=someone,
            points=4,
            reason="clicks",
            params={"share": 1, "network": "x", "title": "新卒採用説明会", "clicks": 2},
            source_key=f"test-held:{someone.pk}",
            hold_until=timezone.now() + timedelta(hours=5),
            occurred_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "path",
    ["/engagement/review/?tab=held", "/api/v1/point-entries?status=pending", "/api/v1/me/points"],
)
def test_the_programs_lists_cost_the_same_for_3_and_30_rows(path: str, pm: Membership, org):
    client = signed_in(pm, language="en")
    client.get(path)
    counts = []
    for n in (3, 27):
        held_entries(org, n)
        for _ in range(n):  # the program manager's own entries, for /me/points
            points_adjust(
                actor=actor(make_person(org, roles=[Role.PROGRAM_MANAGER])),
                membership_id=pm.pk,
                points=1,
                reason="x",
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
