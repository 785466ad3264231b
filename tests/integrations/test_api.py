"""The connected-accounts API: connections, scheduled posts, posting settings, the
organization's apps, hand-entered reactions; who may do what; flat query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.integrations.models import ScheduledPost
from ouendan.integrations.services.publishing import post_publish, post_schedule
from tests.api_client import Api, assert_error, token_for
from tests.factories import make_person
from tests.integrations.connecting import allow_networks, connect, point_settings_at
from tests.integrations.fakes import FakeBluesky
from tests.sharing.conftest import (
    curator,
    curator_actor,
    item,
    live,
    reviewer,
    reviewer_actor,
    sharer,
)

__all__ = ["curator", "curator_actor", "item", "reviewer", "reviewer_actor", "sharer"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def bluesky(settings: Any, admin: Membership) -> Any:
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        allow_networks(admin)
        yield fake


@pytest.fixture
def api(sharer: Actor) -> Api:
    assert sharer.membership is not None
    return Api(token_for(sharer.membership))


def test_connect_list_and_disconnect(api: Api, bluesky: Any, sharer: Actor):
    bad = api.post(
        "/connected-accounts/bluesky",
        {"handle": bluesky.account.handle, "app_password": "hunter2", "service": bluesky.url},
    )
    error = assert_error(bad, 400, "connect_failed")
    assert "app_password" in error["fields"]
    created = api.post(
        "/connected-accounts/bluesky",
        {
            "handle": bluesky.account.handle,
            "app_password": bluesky.account.password,
            "service": bluesky.url,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["network"] == "bluesky" and body["status"] == "active"
    assert "token" not in str(body).lower()  # tokens never leave the server
    listed = api.get("/connected-accounts").json()
    assert [a["id"] for a in listed] == [body["id"]]
    authorize = api.post("/connected-accounts/mastodon/authorize", {"instance": "not a host"})
    assert_error(authorize, 400, "invalid_instance")
    gone = api.delete(f"/connected-accounts/{body['id']}")
    assert gone.status_code == 200 and gone.json()["status"] == "disconnected"
    assert api.get("/connected-accounts").json() == []


def test_schedule_see_move_cancel(api: Api, bluesky: Any, sharer: Actor, item: ContentItem):
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    created = api.post(
        "/scheduled-posts",
        {
            "content_id": item.pk,
            "network": "bluesky",
            "text": "私も登壇します",
            "at": at.isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "scheduled" and body["notes"] == [] and body["findings"] == []
    assert body["text"].startswith("私も登壇します") and body["tracked_url"] in body["text"]
    assert body["account"] == f"@{bluesky.account.handle}"
    post_id = body["id"]
    upcoming = api.get("/scheduled-posts", tab="upcoming").json()
    assert [p["id"] for p in upcoming["items"]] == [post_id]
    assert api.get("/scheduled-posts", tab="published").json()["count"] == 0
    moved = api.patch(f"/scheduled-posts/{post_id}", {"at": (at + timedelta(hours=2)).isoformat()})
    assert moved.status_code == 200
    assert moved.json()["scheduled_for"].startswith((at + timedelta(hours=2)).date().isoformat())
    assert_error(api.post(f"/scheduled-posts/{post_id}/retry", {}), 409, "not_failed")
    cancelled = api.post(f"/scheduled-posts/{post_id}/cancel")
    assert cancelled.json()["state"] == "cancelled" and cancelled.json()["share_id"] is None
    assert_error(api.post(f"/scheduled-posts/{post_id}/cancel"), 409, "not_changeable")
    assert_error(
        api.post("/scheduled-posts", {"content_id": item.pk, "network": "mastodon"}),
        409,
        "not_connected",
    )
    past = (timezone.now() - timedelta(hours=3)).isoformat()
    assert_error(
        api.post("/scheduled-posts", {"content_id": item.pk, "network": "bluesky", "at": past}),
        400,
        "time_past",
    )
    blocked = api.post(
        "/scheduled-posts",
        {"content_id": item.pk, "network": "bluesky", "text": "連絡は 090-1234-5678 まで"},
    )
    assert blocked.status_code == 422
    assert blocked.json()["error"]["code"] == "compliance_blocked"
    assert blocked.json()["error"]["findings"][0]["code"] == "pii.phone"
    suggested = api.get("/scheduled-posts/suggest-time", content_id=item.pk, network="bluesky")
    assert suggested.status_code == 200 and suggested.json()["at"]


def test_a_published_posts_share_shows_its_method_and_reactions(
    api: Api, bluesky: Any, sharer: Actor, item: ContentItem
):
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
    post_publish(post_id=post.pk)
    post.refresh_from_db()
    share = api.get(f"/shares/{post.share_id}").json()
    assert share["method"] == "direct" and share["status"] == "posted"
    assert share["metrics"] is None
    entered = api.put(f"/shares/{post.share_id}/metrics", {"likes": 5, "replies": 1})
    assert entered.status_code == 200
    assert entered.json()["metrics"]["source"] == "manual"
    assert entered.json()["metrics"]["likes"] == 5
    assert_error(api.put(f"/shares/{post.share_id}/metrics", {"likes": -2}), 422)


def test_posting_settings_are_the_programs(org: Any, admin: Membership, sharer: Actor):
    pm = Api(token_for(make_person(org, roles=[Role.PROGRAM_MANAGER])))
    current = pm.get("/posting-settings")
    assert current.status_code == 200
    changed = pm.put(
        "/posting-settings",
        {**current.json(), "networks": ["mastodon", "x"], "daily_cap": 5},
    )
    assert changed.status_code == 200 and changed.json()["networks"] == ["mastodon", "x"]
    wrong = pm.put(
        "/posting-settings",
        {**current.json(), "hours_start": "21:00", "hours_end": "08:00", "daily_cap": 0},
    )
    error = assert_error(wrong, 400)
    assert set(error["fields"]) == {"hours_end", "daily_cap"}
    advocate = Api(token_for(sharer.membership))  # type: ignore[arg-type]
    assert advocate.get("/posting-settings").status_code == 403
    # The apps hold secrets: org admins only, and the secret never comes back.
    assert pm.put("/network-apps/x", {"client_id": "abc"}).status_code == 403
    root = Api(token_for(admin))
    assert_error(root.put("/network-apps/x", {"client_id": "abc"}), 400)  # a secret first
    saved = root.put("/network-apps/x", {"client_id": "abc", "client_secret": "s3cret"})
    assert saved.status_code == 200 and saved.json()["has_secret"]
    assert "s3cret" not in saved.content.decode()
    assert saved.json()["redirect_uri"].endswith("/connected/callback/x/")
    assert [a["network"] for a in root.get("/network-apps").json()] == ["x"]
    assert root.delete("/network-apps/x").status_code == 204
    assert_error(root.delete("/network-apps/x"), 404)


@pytest.mark.parametrize("count", [3, 30])
def test_the_lists_cost_the_same_queries(
    count: int,
    api: Api,
    bluesky: Any,
    sharer: Actor,
    admin: Membership,
    curator_actor: Actor,
    reviewer_actor: Actor,
    django_assert_max_num_queries: Any,
):
    allow_networks(admin, daily_cap=50)
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    start = timezone.now() + timedelta(days=1)
    for n in range(count):
        content = live(curator_actor, reviewer_actor, f"記事{n:02d}")
        post_schedule(
            actor=sharer, content_id=content.pk, network="bluesky",
            at=start + timedelta(days=n // 20, minutes=n),
        )  # fmt: skip
    assert ScheduledPost.objects.count() == count
    with django_assert_max_num_queries(5):
        assert api.get("/scheduled-posts", page_size=50).status_code == 200
    with django_assert_max_num_queries(4):
        assert api.get("/connected-accounts").status_code == 200
