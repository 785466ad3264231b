"""The connected-accounts pages through Django's test client: what each person sees and may do,
errors shown without changing anything, the share page's panel, flat query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.integrations.models import ConnectedAccount, ScheduledPost
from ouendan.integrations.services.publishing import post_publish, post_schedule
from ouendan.sharing.models import ShareMetrics
from ouendan.sharing.services.shares import share_create
from tests.conftest import signed_in
from tests.factories import make_person
from tests.integrations.connecting import allow_networks, connect, point_settings_at
from tests.integrations.fakes import FakeBluesky, FakeMastodon, approve
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
HTMX = {"HX-Request": "true"}


@pytest.fixture
def page(sharer: Actor) -> Client:
    assert sharer.membership is not None
    return signed_in(sharer.membership, language="en")


@pytest.fixture
def bluesky(settings: Any, admin: Membership) -> Any:
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        allow_networks(admin)
        yield fake


def test_the_connections_page_offers_what_the_organization_allows(page: Client, admin: Membership):
    allow_networks(admin, ["bluesky", "linkedin"])
    html = page.get("/connected/").content.decode()
    assert 'id="bsky-password"' in html  # Bluesky: switched on
    assert "has not switched on direct posting" in html  # Mastodon, X: off
    assert "has not set up its app" in html  # LinkedIn: on, but no app yet
    assert "Facebook closed that to every app in 2018" in html


def test_connecting_bluesky_on_the_page(page: Client, bluesky: Any):
    wrong = page.post(
        "/connected/bluesky/",
        {"handle": bluesky.account.handle, "app_password": "secret", "service": bluesky.url},
    )
    assert wrong.status_code == 400 and "app password" in wrong.content.decode()
    assert not ConnectedAccount.objects.exists()
    done = page.post(
        "/connected/bluesky/",
        {
            "handle": bluesky.account.handle,
            "app_password": bluesky.account.password,
            "service": bluesky.url,
        },
        follow=True,
    )
    assert f"@{bluesky.account.handle}" in done.content.decode()
    account = ConnectedAccount.objects.get()
    gone = page.post(f"/connected/{account.pk}/disconnect/", follow=True)
    assert "disconnected" in gone.content.decode()


def test_the_mastodon_round_trip_through_the_callback(
    page: Client, admin: Membership, settings: Any
):
    with FakeMastodon() as fake:
        point_settings_at(settings, fake)
        allow_networks(admin)
        started = page.post(
            "/connected/mastodon/authorize/", {"instance": f"127.0.0.1:{fake.port}"}
        )
        assert started.status_code == 302 and started["Location"].startswith(fake.url)
        assert "127.0.0.1:*" in started["Content-Security-Policy"]  # loopback: tests only
        back = approve(started["Location"])
        done = page.get(
            "/connected/callback/mastodon/",
            {"code": back["code"], "state": back["state"]},
            follow=True,
        )
        assert "@mirai@mastodon.example" in done.content.decode()
        replay = page.get(
            "/connected/callback/mastodon/", {"code": back["code"], "state": back["state"]},
            follow=True,
        )  # fmt: skip
        assert "expired or was not started here" in replay.content.decode()
        assert ConnectedAccount.objects.count() == 1


def test_the_share_page_panel_and_posting_from_it(
    page: Client, bluesky: Any, sharer: Actor, item: ContentItem
):
    share_page = page.get(f"/feed/{item.pk}/?network=bluesky").content.decode()
    assert f"/connected/compose/{item.pk}/?network=bluesky" in share_page
    panel = page.get(f"/connected/compose/{item.pk}/", {"network": "bluesky"}, headers=HTMX)
    assert "Connect an account" in panel.content.decode()
    assert (
        page.get(f"/connected/compose/{item.pk}/", {"network": "facebook"}, headers=HTMX).content
        == b""
    )
    full = page.get(f"/connected/compose/{item.pk}/", {"network": "bluesky"})
    assert full.status_code == 302 and full["Location"].startswith(f"/feed/{item.pk}/")
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    panel = page.get(f"/connected/compose/{item.pk}/", {"network": "bluesky"}, headers=HTMX)
    html = panel.content.decode()
    assert 'type="datetime-local"' in html and 'value="20' in html  # a suggested time
    later = (timezone.localtime(timezone.now() + timedelta(days=1))).strftime("%Y-%m-%dT10:00")
    posted = page.post(
        f"/connected/compose/{item.pk}/post/",
        {"network": "bluesky", "text": "私も話します", "when": "later", "at": later},
    )
    assert posted.status_code == 302 and posted["Location"] == "/connected/posts/"
    post = ScheduledPost.objects.get()
    assert post.text.startswith("私も話します") and post.state == "scheduled"
    bad = page.post(
        f"/connected/compose/{item.pk}/post/",
        {"network": "bluesky", "text": "x", "when": "later", "at": "tomorrow"},
        follow=True,
    )
    assert "Choose a date and a time" in bad.content.decode()
    assert ScheduledPost.objects.count() == 1


def test_my_posts_page_moves_cancels_and_retries(
    page: Client, bluesky: Any, sharer: Actor, item: ContentItem
):
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    soon = timezone.now() + timedelta(hours=5)
    post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky", at=soon).post
    html = page.get("/connected/posts/").content.decode()
    assert f'id="post-{post.pk}"' in html and "Reschedule" in html
    moved_to = timezone.localtime(soon + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.post(f"/connected/posts/{post.pk}/reschedule/", {"at": moved_to, "tab": "upcoming"})
    post.refresh_from_db()
    assert timezone.localtime(post.scheduled_for).strftime("%Y-%m-%dT%H:%M") == moved_to
    # A failed post offers Try again; one that may have gone out asks for a check first.
    ScheduledPost.objects.filter(pk=post.pk).update(
        state="failed", uncertain=True, error_code="cannot_tell", error_message="HTTP 403"
    )
    failed = page.get("/connected/posts/", {"tab": "failed"}).content.decode()
    assert "I checked my profile" in failed
    assert "We could not confirm whether it was published." in failed  # ours, translated
    assert "(HTTP 403)" in failed  # the network's own words, as a detail
    with translation.override("ja"):
        japanese = gettext("We could not confirm whether it was published.")
    assert japanese != "We could not confirm whether it was published."
    in_japanese = signed_in(sharer.membership, language="ja")  # type: ignore[arg-type]
    assert japanese in in_japanese.get("/connected/posts/", {"tab": "failed"}).content.decode()
    refused = page.post(f"/connected/posts/{post.pk}/retry/", {"tab": "failed"}, follow=True)
    assert "Check your profile first" in refused.content.decode()
    page.post(f"/connected/posts/{post.pk}/retry/", {"checked": "on"})
    post.refresh_from_db()
    assert post.state == "scheduled" and not post.uncertain
    page.post(f"/connected/posts/{post.pk}/cancel/")
    post.refresh_from_db()
    assert post.state == "cancelled"
    empty = page.get("/connected/posts/").content.decode()
    assert "Nothing is waiting to be posted" in empty


def test_settings_page_is_for_the_program_and_apps_for_admins(
    org: Any, admin: Membership, sharer: Actor
):
    assert signed_in(sharer.membership).get("/connected/settings/").status_code == 403  # type: ignore[arg-type]
    pm = signed_in(make_person(org, roles=[Role.PROGRAM_MANAGER]), language="en")
    html = pm.get("/connected/settings/").content.decode()
    assert "bills the developer account" in html and 'id="apps-heading"' not in html
    bad = pm.post(
        "/connected/settings/update/",
        {"networks": ["bluesky"], "hours_start": "21:00", "hours_end": "08:00",
         "daily_cap": "3", "spread_minutes": "20"},
    )  # fmt: skip
    assert bad.status_code == 400 and "The end must come after the start" in bad.content.decode()
    assert pm.post("/connected/settings/apps/x/", {"client_id": "a"}).status_code == 403
    root = signed_in(admin, language="en")
    assert 'id="apps-heading"' in root.get("/connected/settings/").content.decode()
    saved = root.post(
        "/connected/settings/apps/linkedin/", {"client_id": "li", "client_secret": "s"}, follow=True
    )
    assert "The LinkedIn app is saved" in saved.content.decode()


def test_reactions_entered_on_the_share_page(page: Client, sharer: Actor, item: ContentItem):
    share = share_create(actor=sharer, content_id=item.pk, network="facebook").share
    html = page.get(f"/feed/shares/{share.pk}/").content.decode()
    assert 'name="likes"' in html
    page.post(f"/feed/shares/{share.pk}/metrics/", {"likes": "12", "reposts": "1", "replies": ""})
    metrics = ShareMetrics.objects.get(share=share)
    assert (metrics.likes, metrics.reposts, metrics.replies) == (12, 1, 0)
    wrong = page.post(f"/feed/shares/{share.pk}/metrics/", {"likes": "many"}, follow=True)
    assert "Enter whole numbers" in wrong.content.decode()
    assert ShareMetrics.objects.get(share=share).likes == 12


@pytest.mark.parametrize("count", [3, 30])
def test_my_posts_page_costs_the_same_queries(
    count: int,
    page: Client,
    bluesky: Any,
    admin: Membership,
    sharer: Actor,
    curator_actor: Actor,
    reviewer_actor: Actor,
    django_assert_max_num_queries: Any,
):
    allow_networks(admin, daily_cap=50)
    connect(sharer, None, bluesky)  # type: ignore[arg-type]
    start = timezone.now() + timedelta(days=1)
    for n in range(count):
        content = live(curator_actor, reviewer_actor, f"記事{n:02d}")
        post = post_schedule(
            actor=sharer, content_id=content.pk, network="bluesky",
            at=start + timedelta(days=n // 20, minutes=n),
        ).post  # fmt: skip
        if n % 3 == 0:
            ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now())
            post_publish(post_id=post.pk)
    with django_assert_max_num_queries(13):
        assert page.get("/connected/posts/").status_code == 200
    with django_assert_max_num_queries(13):
        assert page.get("/connected/posts/", {"tab": "published"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert page.get("/connected/").status_code == 200
