"""The recognition API: my points, badges and appearance, the leaderboard, the rules, and the
program's review; each tried with a role that may not use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.engagement.models import PointEntry
from ouendan.engagement.services.awarding import points_award
from ouendan.engagement.services.ledger import points_adjust
from tests.api_client import Api, assert_error, token_for
from tests.engagement.conftest import click, posted, set_rules
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


@pytest.fixture
def earned(sharer: Actor, advocate: Membership, item, admin: Membership) -> Membership:
    set_rules(admin, hold_hours=0, repeat_clicks=2)
    share = posted(sharer, item)
    click(share, at=timezone.now())
    click(share, at=timezone.now(), visitor="again", unique=True)
    click(share, at=timezone.now(), visitor="again", unique=False)  # the same visitor: review
    points_award()
    return advocate


def test_my_points_are_explained_in_my_language(earned: Membership):
    api = Api(token_for(earned))
    body = api.get("/me/points").json()
    assert (body["balance"], body["pending"]) == (10, 4)
    assert (body["count"], body["page"], body["pages"], body["page_size"]) == (2, 1, 1, 20)
    clicks, share = body["entries"]
    assert share["explanation"] == "You shared “新卒採用説明会” on X"
    assert (share["status"], share["points"], share["under_review"]) == ("confirmed", 10, False)
    assert clicks["explanation"] == "2 people clicked your X share of “新卒採用説明会”"
    assert (clicks["status"], clicks["under_review"], clicks["flag"]) == (
        "pending",
        True,
        "repeat_visitor",
    )
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    japanese = api.get("/me/points", page_size=1).json()
    assert len(japanese["entries"]) == 1 and japanese["pages"] == 2
    assert "新卒採用説明会" in japanese["entries"][0]["explanation"]
    assert_error(api.get("/me/points", page_size=500), 400, "invalid_page")


def test_an_organization_token_has_no_points_of_its_own(org, admin: Membership):
    from tests.test_tenant_isolation import _token

    _, raw = _token(org, "site", kind="organization", roles=[Role.ORG_ADMIN])
    assert_error(Api(raw).get("/me/points"), 400, "not_a_person")


def test_my_badges_and_streak(earned: Membership):
    body = Api(token_for(earned)).get("/me/badges").json()
    assert [b["key"] for b in body["badges"] if b["earned"]] == ["first_share"]
    assert body["badges"][0]["name"] == "First share"
    assert {b["key"] for b in body["badges"]} >= {"ten_shares", "contest_winner"}
    streak = body["streak"]
    assert (streak["needed"], len(streak["weeks"]), streak["achieved"]) == (3, 4, False)
    assert streak["count"] == sum(w["shared"] for w in streak["weeks"]) >= 1


def test_appearance_through_the_api(advocate: Membership):
    api = Api(token_for(advocate))
    assert api.get("/me/appearance").json() == {
        "appear_as": None,
        "nickname": "",
        "organization_default": "name",
        "effective": "name",
        "shown_as": "応援 一郎",
    }
    changed = api.put("/me/appearance", {"appear_as": "nickname", "nickname": "いっちー"})
    assert changed.status_code == 200
    assert (changed.json()["effective"], changed.json()["shown_as"]) == ("nickname", "いっちー")
    error = assert_error(api.put("/me/appearance", {"appear_as": "nickname", "nickname": ""}), 400)
    assert "nickname" in error["fields"]
    assert_error(api.put("/me/appearance", {"appear_as": "famous"}), 422, "invalid")
    hidden = api.put("/me/appearance", {"appear_as": "hidden"}).json()
    assert hidden["shown_as"] is None
    read_only = Api(token_for(advocate, scopes=("read",)))
    assert_error(read_only.put("/me/appearance", {"appear_as": "name"}), 403)
    assert read_only.get("/me/appearance").status_code == 200


def test_the_leaderboard(earned: Membership, pm: Membership, org):
    points_adjust(actor=actor(pm), membership_id=earned.pk, points=5, reason="取材協力")
    body = Api(token_for(pm)).get("/leaderboard", period="all").json()
    assert body["entries"] == [{"rank": 1, "name": "応援 一郎", "points": 15, "department": None}]
    assert body["me"] is None and body["period"] == "all" and body["since"] is None
    mine = Api(token_for(earned)).get("/leaderboard").json()
    assert mine["me"] == {"rank": 1, "points": 15, "hidden": False, "name": "応援 一郎"}
    assert_error(Api(token_for(pm)).get("/leaderboard", period="week"), 422)
    assert_error(Api(token_for(pm)).get("/leaderboard", department=10**9), 404)


def test_the_leaderboard_costs_the_same_for_3_and_30_people(org, pm: Membership):
    def add(n: int) -> None:
        for _ in range(n):
            person = make_person(org)
            points_adjust(actor=actor(pm), membership_id=person.pk, points=7, reason="x")

    api = Api(token_for(pm))
    api.get("/leaderboard")  # the token's first use is recorded once
    counts = []
    for n in (3, 27):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/leaderboard", period="all").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_anyone_reads_the_rules_and_the_program_changes_them(advocate: Membership, pm: Membership):
    rules = Api(token_for(advocate)).get("/point-rules").json()
    assert (rules["version"], rules["share_points"], rules["created_by"]) == (1, 10, None)
    assert rules["conversion_points"]["application"] == 50
    body = {k: v for k, v in rules.items() if k not in ("version", "effective_from",
                                                       "created_at", "created_by")}  # fmt: skip
    body.update(share_points=25, note="新年度から")
    assert_error(Api(token_for(advocate)).put("/point-rules", body), 403, "permission_denied")
    saved = Api(token_for(pm)).put("/point-rules", body)
    assert saved.status_code == 200
    assert (saved.json()["version"], saved.json()["share_points"]) == (2, 25)
    assert saved.json()["created_by"] == "広報 部長"
    error = assert_error(
        Api(token_for(pm)).put("/point-rules", {**body, "streak_weeks": 5, "streak_window": 4}),
        400,
    )
    assert "streak_weeks" in error["fields"]
    assert_error(Api(token_for(pm)).put("/point-rules", {**body, "click_cap": -1}), 422)
    versions = Api(token_for(pm)).get("/point-rules/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert_error(Api(token_for(advocate)).get("/point-rules/versions"), 403)


def test_the_program_reviews_held_points(earned: Membership, pm: Membership):
    api = Api(token_for(pm))
    queue = api.get("/point-entries", status="pending", flagged="true").json()
    (held,) = queue["items"]
    assert (held["person"], held["flag"], held["points"]) == ("応援 一郎", "repeat_visitor", 4)
    assert_error(Api(token_for(earned)).get("/point-entries"), 403)
    assert_error(api.post(f"/point-entries/{held['id']}/reverse", {"reason": ""}), 422)
    reversed_ = api.post(f"/point-entries/{held['id']}/reverse", {"reason": "同じ人の再訪"})
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    assert reversed_.json()["review_note"] == "同じ人の再訪"
    assert_error(api.post(f"/point-entries/{held['id']}/confirm", {}), 409, "already_decided")
    assert_error(api.post("/point-entries/999999/confirm", {}), 404)
    share = PointEntry.objects.get(membership=earned, reason="share")
    undone = api.post(f"/point-entries/{share.pk}/reverse", {"reason": "投稿されていなかった"})
    assert undone.json()["reversed_by"] is not None
    mine = Api(token_for(earned)).get("/me/points").json()
    assert (mine["balance"], mine["pending"]) == (0, 0)
    assert mine["entries"][0]["explanation"].startswith("Reversed (投稿されていなかった)")


def test_the_program_corrects_points(advocate: Membership, pm: Membership):
    api = Api(token_for(pm))
    made = api.post(
        "/point-adjustments", {"membership_id": advocate.pk, "points": 12, "reason": "取材協力"}
    )
    assert made.status_code == 201
    assert (made.json()["points"], made.json()["status"]) == (12, "confirmed")
    assert made.json()["explanation"] == "Correction by the program: 取材協力"
    assert_error(
        api.post("/point-adjustments", {"membership_id": pm.pk, "points": 5, "reason": "x"}),
        400,
        "own_points",
    )
    assert_error(
        api.post("/point-adjustments", {"membership_id": 10**9, "points": 5, "reason": "x"}), 404
    )
    assert_error(
        Api(token_for(advocate)).post(
            "/point-adjustments", {"membership_id": pm.pk, "points": 5, "reason": "x"}
        ),
        403,
    )
