"""Campaigns, topics and employees' suggestions, through their services and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, ContentItem, Suggestion, Topic
from ouendan.content.selectors import campaign_progress
from tests.api_client import Api, assert_error, token_for
from tests.content.conftest import approved, draft
from tests.factories import make_person
from tests.local_http import page


@pytest.fixture
def curator_api(curator) -> Api:
    return Api(token_for(curator))


@pytest.fixture
def advocate_api(advocate) -> Api:
    return Api(token_for(advocate))


# --- Campaigns -----------------------------------------------------------------------------------


def test_a_campaign_with_dates_a_goal_and_its_content(
    curator_api: Api, curator_actor, reviewer_actor
):
    today = timezone.localdate()
    created = curator_api.post(
        "/campaigns",
        {
            "name": "2027年度 新卒採用",
            "starts_on": str(today - timedelta(days=9)),
            "ends_on": str(today + timedelta(days=30)),
            "goal": "エントリー200名",
            "goal_target": 200,
        },
    )
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["slug"].startswith("campaign-")  # a Japanese name gets a generated code
    assert campaign["progress"]["phase"] == "running"
    assert campaign["progress"]["days_total"] == 40
    assert campaign["progress"]["days_elapsed"] == 10
    draft(curator_actor, "説明会", campaign_id=campaign["id"])
    approved(
        curator_actor,
        reviewer_actor,
        "公開中",
        campaign_id=campaign["id"],
        publish_at=timezone.now() - timedelta(hours=1),
        url="https://e.example/live",
    )
    progress = curator_api.get(f"/campaigns/{campaign['id']}").json()["progress"]
    assert (progress["content_total"], progress["content_live"]) == (2, 1)
    assert progress["by_status"]["draft"] == 1
    listed = curator_api.get(f"/content?campaign_id={campaign['id']}").json()
    assert listed["count"] == 2


def test_campaign_rules(curator_api: Api):
    body = {"name": "逆転", "starts_on": "2027-03-01", "ends_on": "2027-02-01"}
    assert "ends_on" in assert_error(curator_api.post("/campaigns", body), 400)["fields"]
    assert_error(curator_api.post("/campaigns", {"name": "x", "slug": "日本語"}), 400)
    curator_api.post("/campaigns", {"name": "採用", "slug": "saiyo"})
    assert_error(curator_api.post("/campaigns", {"name": "採用"}), 409)
    assert_error(curator_api.post("/campaigns", {"name": "別名", "slug": "saiyo"}), 409)
    assert_error(curator_api.post("/campaigns", {"name": "x", "goal_target": 0}), 400)


def test_closing_and_reopening_a_campaign(curator_api: Api):
    campaign = curator_api.post("/campaigns", {"name": "展示会"}).json()
    closed = curator_api.patch(f"/campaigns/{campaign['id']}", {"archived": True}).json()
    assert closed["archived"] and closed["progress"]["phase"] == "archived"
    assert curator_api.get("/campaigns").json()["count"] == 0
    assert curator_api.get("/campaigns?include_archived=true").json()["count"] == 1
    body = curator_api.post("/content", {"title": "x", "campaign_id": campaign["id"]})
    assert "campaign_id" in assert_error(body, 400)["fields"]
    reopened = curator_api.patch(f"/campaigns/{campaign['id']}", {"archived": False})
    assert reopened.json()["archived"] is False


def test_progress_before_during_and_after(org):
    campaign = Campaign(
        organization=org, name="x", slug="x", starts_on=date(2027, 4, 1), ends_on=date(2027, 4, 10)
    )
    campaign.save()
    assert campaign_progress(campaign, today=date(2027, 3, 1)).phase == "upcoming"
    assert campaign_progress(campaign, today=date(2027, 3, 1)).days_elapsed == 0
    middle = campaign_progress(campaign, today=date(2027, 4, 5))
    assert (middle.phase, middle.days_elapsed, middle.time_ratio) == ("running", 5, 0.5)
    after = campaign_progress(campaign, today=date(2027, 5, 1))
    assert (after.phase, after.days_elapsed) == ("ended", 10)


# --- Topics --------------------------------------------------------------------------------------


def test_topics_are_kept_by_curators_and_followed_by_anyone(curator_api: Api, advocate_api: Api):
    topic = curator_api.post("/topics", {"name": "採用", "description": "採用のニュース"}).json()
    assert_error(curator_api.post("/topics", {"name": "採用"}), 409)
    assert_error(advocate_api.post("/topics", {"name": "勝手な話題"}), 403)
    followed = advocate_api.put(f"/topics/{topic['id']}/follow").json()
    assert (followed["following"], followed["follower_count"]) == (True, 1)
    assert advocate_api.put(f"/topics/{topic['id']}/follow").json()["follower_count"] == 1
    assert curator_api.get("/topics").json()["items"][0]["following"] is False
    left = advocate_api.delete(f"/topics/{topic['id']}/follow")
    assert left.json()["following"] is False
    renamed = curator_api.patch(f"/topics/{topic['id']}", {"name": "採用・キャリア"}).json()
    assert renamed["name"] == "採用・キャリア"
    assert curator_api.delete(f"/topics/{topic['id']}").status_code == 204
    assert not Topic.objects.exists()


def test_an_organization_token_cannot_follow_topics(org, curator_api: Api):
    from ouendan.accounts.crypto import secret_hash
    from ouendan.accounts.models import ApiToken

    topic = curator_api.post("/topics", {"name": "製品"}).json()
    raw = "oud_org-token-for-topics"
    ApiToken.objects.create(
        organization=org,
        kind="organization",
        name="bot",
        prefix=raw[:8],
        key_hash=secret_hash(raw),
        scopes=["read", "write"],
        roles=["advocate"],
    )
    assert_error(Api(raw).put(f"/topics/{topic['id']}/follow"), 400, "person_required")


# --- Suggestions ---------------------------------------------------------------------------------

OG = """<html lang="ja"><head><meta property="og:title" content="地域清掃に参加しました">
<meta property="og:description" content="社員30名で清掃。"></head></html>"""


@pytest.mark.usefixtures("loopback_allowed")
def test_a_suggestion_becomes_a_draft_that_credits_the_suggester(
    advocate, advocate_api: Api, curator_api: Api, server
):
    server.routes["/csr/cleanup"] = page(OG)
    created = advocate_api.post(
        "/suggestions", {"url": server.url("/csr/cleanup"), "comment": "地域の人に届けたい"}
    )
    assert created.status_code == 201, created.content
    suggestion = created.json()
    assert suggestion["status"] == "pending"
    assert suggestion["suggested_by"]["id"] == advocate.pk
    assert_error(advocate_api.post(f"/suggestions/{suggestion['id']}/accept"), 403)
    assert_error(
        advocate_api.post("/suggestions", {"url": server.url("/csr/cleanup")}),
        409,
        "already_suggested",
    )
    accepted = curator_api.post(f"/suggestions/{suggestion['id']}/accept").json()
    assert accepted["status"] == "accepted"
    item = ContentItem.objects.get(pk=accepted["content_id"])
    assert (item.title, item.summary) == ("地域清掃に参加しました", "社員30名で清掃。")
    assert item.suggested_by_id == advocate.pk
    assert item.advocate_note == "地域の人に届けたい"
    assert_error(
        curator_api.post(f"/suggestions/{suggestion['id']}/accept"), 409, "already_decided"
    )
    assert_error(
        advocate_api.post("/suggestions", {"url": server.url("/csr/cleanup")}),
        409,
        "already_in_library",
    )


def test_an_unreachable_link_is_still_accepted_with_its_address_as_title(
    advocate_api: Api, curator_api: Api
):
    suggestion = advocate_api.post("/suggestions", {"url": "http://10.1.2.3/internal"}).json()
    accepted = curator_api.post(f"/suggestions/{suggestion['id']}/accept").json()
    item = ContentItem.objects.get(pk=accepted["content_id"])
    assert item.title == "http://10.1.2.3/internal"
    assert item.images.count() == 0


def test_declining_needs_a_reason_the_suggester_reads(advocate_api: Api, curator_api: Api):
    suggestion = advocate_api.post("/suggestions", {"url": "https://e.example/old"}).json()
    assert_error(curator_api.post(f"/suggestions/{suggestion['id']}/decline", {"reason": " "}), 400)
    declined = curator_api.post(
        f"/suggestions/{suggestion['id']}/decline", {"reason": "内容が古いため"}
    ).json()
    assert (declined["status"], declined["decline_reason"]) == ("declined", "内容が古いため")
    mine = advocate_api.get("/suggestions").json()["items"]
    assert [(s["status"], s["decline_reason"]) for s in mine] == [("declined", "内容が古いため")]


def test_everyone_sees_only_their_own_suggestions_curators_see_all(org, curator_api: Api):
    alice = Api(token_for(make_person(org, roles=[Role.ADVOCATE])))
    bob = Api(token_for(make_person(org, roles=[Role.ADVOCATE])))
    mine = alice.post("/suggestions", {"url": "https://e.example/a"}).json()
    bob.post("/suggestions", {"url": "https://e.example/b"})
    assert [s["url"] for s in alice.get("/suggestions").json()["items"]] == ["https://e.example/a"]
    assert_error(bob.get(f"/suggestions/{mine['id']}"), 404)
    assert_error(bob.delete(f"/suggestions/{mine['id']}"), 404)
    assert curator_api.get("/suggestions").json()["count"] == 2
    assert curator_api.get("/suggestions?mine=true").json()["count"] == 0
    assert alice.delete(f"/suggestions/{mine['id']}").status_code == 204
    assert Suggestion.objects.count() == 1


def test_a_person_may_have_only_so_many_suggestions_waiting(advocate_api: Api):
    from ouendan.content.services.suggestions import PENDING_MAX

    for n in range(PENDING_MAX):
        assert (
            advocate_api.post("/suggestions", {"url": f"https://e.example/{n}"}).status_code == 201
        )
    assert_error(
        advocate_api.post("/suggestions", {"url": "https://e.example/more"}),
        400,
        "too_many_pending",
    )


def test_suggestions_need_a_real_web_address(advocate_api: Api):
    for url in ("not a url", "javascript:alert(1)", "ftp://e.example/x"):
        assert "url" in assert_error(advocate_api.post("/suggestions", {"url": url}), 400)["fields"]
