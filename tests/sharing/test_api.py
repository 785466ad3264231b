"""The feed and shares over the API: the same checks and figures as the pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.governance.services.crisis import crisis_pause_start
from ouendan.sharing.models import Share
from ouendan.tracking.services import clicks_aggregate
from tests.api_client import Api, token_for
from tests.factories import actor
from tests.tracking.test_bots import BROWSERS, PREVIEW_FETCHERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(sharer: Actor, advocate: Membership) -> Api:
    return Api(token_for(advocate))


def test_the_feed_lists_live_content_meant_for_the_caller(api: Api, item: ContentItem):
    response = api.get("/feed")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page_size"] == 20
    (entry,) = body["items"]
    assert entry["id"] == item.pk and entry["why_it_matters"] == "学生さんに届けたい"
    assert entry["networks"] == ["x"] and entry["shared"] is False and entry["new"] is True
    api.post(f"/content/{item.pk}/shares", {"network": "x"})
    assert api.get("/feed").json()["items"][0]["shared"] is True


def test_share_then_clicks(api: Api, item: ContentItem):
    created = api.post(f"/content/{item.pk}/shares", {"network": "x", "text": "来てね"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {
        "id",
        "tracked_url",
        "intent_url",
        "text",
        "verdict",
        "findings",
        "copy_text",
    }
    assert body["text"] == f"来てね {body['tracked_url']}" and body["verdict"] == "pass"
    assert body["intent_url"].startswith("https://x.com/intent/tweet?text=")
    path = urlsplit(body["tracked_url"]).path
    for agent in (BROWSERS["iPhone Safari"][0], BROWSERS["Mac Safari"][0], PREVIEW_FETCHERS["X"]):
        Client(headers={"User-Agent": agent}).get(path)
    clicks_aggregate()
    share = api.get(f"/shares/{body['id']}").json()
    assert (share["clicks"], share["unique_clicks"], share["bot_hits"]) == (2, 2, 1)
    assert share["status"] == "posted" and share["tracked_url"] == body["tracked_url"]
    listed = api.get("/shares", network="x").json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]
    assert api.get("/shares", network="bluesky").json()["count"] == 0


def test_a_blocked_text_answers_422_with_the_findings(api: Api, item: ContentItem):
    response = api.post(
        f"/content/{item.pk}/shares", {"network": "x", "text": "mail: hanako@example.com"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "compliance_blocked" and error["verdict"] == "block"
    assert [(f["code"], f["start"], f["end"]) for f in error["findings"]] == [("pii.email", 6, 24)]
    assert error["fields"]["text"]
    assert not Share.objects.exists()


def test_what_stops_a_share_is_told_apart(api: Api, item: ContentItem, admin: Membership):
    assert api.post(f"/content/{item.pk}/shares", {"network": "fax"}).status_code == 422
    assert api.post("/content/999999/shares", {"network": "x"}).status_code == 404
    missing = api.post(f"/content/{item.pk}/shares", {"network": "mastodon"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "instance_required")
    crisis_pause_start(actor=actor(admin), reason="障害対応中")
    paused = api.post(f"/content/{item.pk}/shares", {"network": "x"})
    assert (paused.status_code, paused.json()["error"]["code"]) == (409, "paused")


def test_policy_first(advocate: Membership, admin: Membership, item: ContentItem):
    from ouendan.governance.services.policy import policy_publish

    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    api = Api(token_for(advocate))
    refused = api.post(f"/content/{item.pk}/shares", {"network": "x"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        409,
        "policy_not_acknowledged",
    )
    assert api.post("/policy/acknowledge").status_code == 200
    assert api.post(f"/content/{item.pk}/shares", {"network": "x"}).status_code == 201


def test_confirm_and_someone_elses_share(api: Api, item: ContentItem, org):
    created = api.post(f"/content/{item.pk}/shares", {"network": "linkedin"}).json()
    confirmed = api.post(f"/shares/{created['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "posted"
    from tests.factories import make_person

    colleague = Api(token_for(make_person(org)))
    assert colleague.get(f"/shares/{created['id']}").status_code == 404
    assert colleague.post(f"/shares/{created['id']}/confirm").status_code == 404


def test_read_only_tokens_can_read_the_feed_but_not_share(advocate: Membership, sharer, item):
    api = Api(token_for(advocate, scopes=("read",)))
    assert api.get("/feed").status_code == 200
    assert api.get("/shares").status_code == 200  # one's own shares are readable
    assert api.post(f"/content/{item.pk}/shares", {"network": "x"}).status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_api_lists_cost_the_same_queries(
    count: int,
    api: Api,
    sharer: Actor,
    curator_actor,
    reviewer_actor,
    django_assert_max_num_queries,
):
    from ouendan.networks import Network
    from ouendan.sharing.services.shares import share_create
    from tests.sharing.conftest import live

    for n in range(count):
        item = live(curator_actor, reviewer_actor, f"記事{n:02d}")
        share_create(actor=sharer, content_id=item.pk, network=Network.X)
    with django_assert_max_num_queries(8):
        assert api.get("/feed", page_size=50).status_code == 200
    with django_assert_max_num_queries(4):
        assert api.get("/shares", page_size=50).status_code == 200
