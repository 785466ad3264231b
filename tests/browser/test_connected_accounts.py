"""Connected accounts in a real browser, against local fake networks: connecting Mastodon through
its consent page and Bluesky with an app password; scheduling a post from the share page,
moving it, cancelling it, posting one now; the direct-posting settings."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.integrations.models import ConnectedAccount, ScheduledPost
from ouendan.integrations.services.publishing import post_publish
from tests.browser.conftest import allow_site, person, screenshot
from tests.browser.test_sharing import _promotional_item
from tests.factories import actor
from tests.integrations.connecting import allow_networks, connect, point_settings_at
from tests.integrations.fakes import FakeBluesky, FakeMastodon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOKYO = ZoneInfo("Asia/Tokyo")


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


@pytest.fixture
def ready(live_server: Any, settings: Any, admin: Membership, advocate: Membership) -> None:
    settings.BASE_URL = live_server.url  # OAuth callbacks come back to this server
    settings.LINK_BASE_URL = live_server.url
    settings.INTEGRATIONS_ALLOW_LOOPBACK = True
    allow_networks(admin)
    policy_publish(actor=actor(admin), title="ソーシャルメディアガイドライン", body="誠実に。")
    policy_acknowledge(actor=actor(advocate))


def test_an_advocate_connects_mastodon_and_bluesky_and_disconnects(
    page: Page, ready: None, advocate: Membership, settings: Any
):
    page.on("dialog", lambda dialog: dialog.accept())
    person(advocate).sign_in(page)
    with FakeMastodon(followers=88) as mastodon, FakeBluesky(followers=42) as bluesky:
        point_settings_at(settings, mastodon)
        mastodon.auto_approve = False  # the person sees the server's consent page
        allow_site(page, mastodon.url)
        page.goto("/connected/")
        expect(page.locator("#connection-facebook, #others-heading")).to_have_count(1)
        page.locator("#mastodon-instance").fill(f"127.0.0.1:{mastodon.port}")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Mastodon")).click()
        assert page.url.startswith(f"{mastodon.url}/oauth/authorize")
        with page.expect_navigation(url=re.compile(r"/connected/$")):
            page.locator("#authorize").click()
        card = page.locator("#connection-mastodon")
        expect(card).to_contain_text("@mirai@mastodon.example")
        expect(card).to_contain_text("88")
        # Bluesky: the main password is refused on the page, the app password connects.
        bluesky_card = page.locator("#connection-bluesky")
        bluesky_card.locator("#bsky-handle").fill(bluesky.account.handle)
        bluesky_card.locator("#bsky-password").fill("my-account-password")
        page.locator("#connection-bluesky details summary").click()
        bluesky_card.locator("#bsky-service").fill(bluesky.url)
        with page.expect_navigation():
            bluesky_card.get_by_role("button").click()
        expect(page.locator(".alert.error")).to_be_visible()
        assert bluesky.requests == []
        bluesky_card = page.locator("#connection-bluesky")
        bluesky_card.locator("#bsky-password").fill(bluesky.account.password)
        page.locator("#connection-bluesky details summary").click()
        bluesky_card.locator("#bsky-service").fill(bluesky.url)
        with page.expect_navigation():
            bluesky_card.get_by_role("button").click()
        expect(page.locator("#connection-bluesky")).to_contain_text(bluesky.account.handle)
        screenshot(page, "connected-accounts")
        # Disconnecting asks first, then revokes at the server.
        with page.expect_navigation():
            page.locator("#connection-mastodon").get_by_role(
                "button", name=re.compile(ja("Disconnect"))
            ).click()
        expect(page.locator("#mastodon-instance")).to_be_visible()
        assert mastodon.seen("POST", "/oauth/revoke")
    statuses = dict(ConnectedAccount.objects.values_list("network", "status"))
    assert statuses == {"mastodon": "disconnected", "bluesky": "active"}


def test_an_advocate_schedules_moves_cancels_and_posts_now(
    mobile_page: Page, ready: None, org: Any, admin: Membership, advocate: Membership,
    settings: Any,
):  # fmt: skip
    page = mobile_page
    page.on("dialog", lambda dialog: dialog.accept())
    item = _promotional_item(org)
    with FakeBluesky() as bluesky:
        point_settings_at(settings, bluesky)
        connect(actor(advocate), admin, bluesky)
        person(advocate).sign_in(page)
        page.goto(f"/feed/{item.pk}/?network=bluesky")
        panel = page.locator("#compose-direct")
        expect(panel).to_contain_text(f"@{bluesky.account.handle}")
        expect(panel.locator("#id_at")).not_to_have_value("")  # a suggested time
        page.locator("#id_text").fill("工場の仲間が作りました！")
        tomorrow = (timezone.now().astimezone(TOKYO) + timedelta(days=1)).replace(
            hour=10, minute=30, second=0, microsecond=0
        )
        panel.locator("#when-later").check()
        panel.locator("#id_at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
        with page.expect_navigation(url=re.compile(r"/connected/posts/")):
            panel.get_by_role("button").click()
        post = ScheduledPost.objects.get()
        assert post.state == "scheduled" and post.scheduled_for == tomorrow
        assert post.text.startswith("工場の仲間が作りました！ #PR")  # the marker stays
        card = page.locator(f"#post-{post.pk}")
        expect(card).to_contain_text("工場の仲間が作りました！")
        screenshot(page, "scheduled-posts-phone")
        # Move it an hour later, then cancel it.
        later = tomorrow + timedelta(hours=1)
        card.locator(f"#at-{post.pk}").fill(later.strftime("%Y-%m-%dT%H:%M"))
        with page.expect_navigation():
            card.get_by_role("button", name=ja("Reschedule")).click()
        post.refresh_from_db()
        assert post.scheduled_for == later
        with page.expect_navigation():
            page.locator(f"#post-{post.pk}").get_by_role("button", name=ja("Cancel")).click()
        post.refresh_from_db()
        assert post.state == "cancelled" and bluesky.posts == []
        # Now: the worker publishes it (here called directly: the live server has none).
        page.goto(f"/feed/{item.pk}/?network=bluesky")
        panel = page.locator("#compose-direct")
        expect(panel.locator("#when-now")).to_be_checked()
        with page.expect_navigation(url=re.compile(r"/connected/posts/")):
            panel.get_by_role("button").click()
        now_post = ScheduledPost.objects.exclude(pk=post.pk).get()
        assert post_publish(post_id=now_post.pk) == "published"
        page.goto("/connected/posts/?tab=published")
        published = page.locator(f"#post-{now_post.pk}")
        expect(published.get_by_role("link", name=ja("See it on the network"))).to_be_visible()
        assert len(bluesky.posts) == 1
        record = bluesky.posts[0].value
        assert record["text"].startswith(item.title)  # no Bluesky text: the title, as suggested


def test_the_program_manager_sets_hours_and_switches_x_off(
    page: Page, admin: Membership, live_server: Any
):
    person(admin).sign_in(page)
    page.goto("/connected/settings/")
    expect(page.locator("#apps-heading")).to_be_visible()  # org admins keep the apps
    page.locator("#network-x").uncheck()
    page.locator("#hours-start").fill("09:00")
    page.locator("#hours-end").fill("20:00")
    page.locator("#daily-cap").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save")).first.click()
    expect(page.locator(".message.success")).to_be_visible()
    from ouendan.integrations.selectors import posting_settings_of

    rules = posting_settings_of(admin.organization)
    assert "x" not in rules.networks and rules.daily_cap == 2
    assert rules.hours_start.strftime("%H:%M") == "09:00"
    form = page.locator("#app-linkedin")
    form.locator("#client-id-linkedin").fill("li-client")
    form.locator("#client-secret-linkedin").fill("li-secret-value")
    with page.expect_navigation():
        form.get_by_role("button").click()
    expect(page.locator("#app-linkedin")).to_contain_text("/connected/callback/linkedin/")
    assert "li-secret-value" not in page.content()
