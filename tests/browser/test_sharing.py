"""Sharing in a real browser, on a phone: acknowledge the policy, share a promotional item to X
in one's own words, and see that the link counts people, not bots."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, Route, expect

from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.content.services.items import content_publish_now
from ouendan.content.services.variants import VariantData
from ouendan.governance.services.compliance import compliance_settings_update
from ouendan.governance.services.policy import policy_publish
from ouendan.tracking.models import TrackedLink
from ouendan.tracking.services import clicks_aggregate
from tests.browser.conftest import person, screenshot
from tests.content.conftest import approved
from tests.factories import actor, make_person
from tests.tracking.test_bots import BROWSERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


def _promotional_item(org) -> ContentItem:
    curator = actor(make_person(org, roles=[Role.CURATOR]))
    reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
    item = approved(
        curator,
        reviewer,
        "ミライアーム 新モデル発売",
        url="https://www.example.co.jp/products/miraiarm?ref=news",
        variants=(VariantData(network="x", text="新しいミライアームが出ました"),),
        promotional=True,
        advocate_note="工場の皆さんが作った自信作です",
    )
    return content_publish_now(actor=curator, content_id=item.pk)


def test_an_advocate_shares_on_a_phone_and_only_people_count(
    mobile_page: Page, browser: Browser, live_server, settings, org, admin, advocate
):
    settings.LINK_BASE_URL = live_server.url  # the tracked link is served by this test server
    policy_publish(actor=actor(admin), title="ソーシャルメディアガイドライン", body="誠実に。")
    compliance_settings_update(actor=actor(admin), lists={"product_names": ["ミライアーム"]})
    item = _promotional_item(org)
    page = mobile_page
    person(advocate).sign_in(page)

    page.goto("/feed/")
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator(".feed-note")).to_contain_text("工場の皆さんが作った自信作です")
    # The policy comes first: the link leads to it and back.
    page.get_by_role("link", name=ja("Read the policy")).click()
    with page.expect_navigation():
        page.get_by_role("button", name=ja("I acknowledge the policy")).click()
    assert urlsplit(page.url).path == "/feed/"

    page.locator(f"#item-{item.pk}").get_by_role("link", name="X", exact=True).click()
    text = page.locator("#id_text")
    expect(text).to_have_value(re.compile("新しいミライアームが出ました"))
    page.wait_for_load_state("load")  # htmx (deferred) listens before anyone types
    text.fill("ミライアーム、現場で使ってます！")
    preview = page.locator(".post-preview")
    expect(preview).to_contain_text("ミライアーム、現場で使ってます！ #PR")  # added, not removable
    expect(page.locator(".share-feedback .badge")).to_have_text(ja("Ready to share"))
    screenshot(page, "share-phone")

    composed: list[str] = []

    def hand_over(route: Route) -> None:
        # Browsers follow the answer to x.com's composer; the test stops at the redirect.
        answer = route.fetch(max_redirects=0)
        assert answer.status == 302
        composed.append(answer.headers["location"])
        route.fulfill(status=200, content_type="text/html", body="<title>X</title>")

    page.route(re.compile(r"/feed/\d+/share/$"), hand_over)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("X")).click()
    link = TrackedLink.objects.get()
    tracked = f"{live_server.url}/r/{link.code}"
    (intent,) = composed
    query = parse_qs(urlsplit(intent).query)
    assert query["url"] == [tracked]
    assert query["text"] == ["ミライアーム、現場で使ってます！ #PR"]

    # Someone reads the post on their phone and taps the link; X's card fetcher came before.
    reader = browser.new_context(user_agent=BROWSERS["iPhone Safari"][0])
    landed: list[str] = []

    def tracked_link(route: Route) -> None:
        answer = route.fetch(max_redirects=0)  # the browser's own request, stopped at the 302
        assert answer.status == 302 and answer.headers["cache-control"] == "no-store"
        landed.append(answer.headers["location"])
        route.fulfill(status=200, content_type="text/html", body="<title>みらい製作所</title>")

    reader.route(re.compile(r"/r/"), tracked_link)
    card_fetch = reader.request.get(tracked, headers={"User-Agent": "Twitterbot/1.0"})
    assert card_fetch.status == 200 and 'property="og:title"' in card_fetch.text()
    reader_page = reader.new_page()
    reader_page.goto(tracked)
    reader.close()
    (destination,) = landed
    landing = parse_qs(urlsplit(destination).query)
    assert landing["utm_source"] == ["x"] and landing["utm_medium"] == ["employee_advocacy"]
    assert landing["ref"] == ["news"] and len(landing["oud_cid"][0]) == 22

    clicks_aggregate()
    link.refresh_from_db()
    assert (link.clicks, link.unique_clicks, link.bot_hits) == (1, 1, 1)

    page.goto("/feed/impact/")
    stats = page.locator(".stat strong")
    expect(stats).to_have_text(["1", "1", "1"])
    expect(page.locator("tbody").last).to_contain_text(item.title)


def test_instagram_is_copy_then_post_and_the_advocate_confirms(
    mobile_page: Page, live_server, settings, org, admin, advocate
):
    settings.LINK_BASE_URL = live_server.url
    item = _promotional_item(org)
    page = mobile_page
    person(advocate).sign_in(page)
    page.goto(f"/feed/{item.pk}/?network=instagram")
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Instagram")).click()
    # No composer link for Instagram: the share's own page, to copy the text and open the app.
    link = TrackedLink.objects.get()
    expect(page.locator("#share-text")).to_contain_text("#PR")
    expect(page.locator("#tracked-url")).to_have_value(f"{live_server.url}/r/{link.code}")
    expect(page.get_by_role("link", name=re.compile("Instagram"))).to_have_attribute(
        "href", "https://www.instagram.com/"
    )
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Yes, I posted it")).click()
    expect(page.locator(".message.success")).to_have_text(ja("Thank you for sharing!"))
    expect(page.get_by_role("button", name=ja("Yes, I posted it"))).to_have_count(0)
    link.share.refresh_from_db()
    assert link.share.confirmed_at is not None
    # Instagram tells apps no numbers: the advocate counts the likes by hand.
    page.locator("#m-likes").fill("14")
    page.locator("#m-replies").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save the numbers")).click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("#m-likes")).to_have_value("14")
    metrics = link.share.metrics
    metrics.refresh_from_db()
    assert (metrics.likes, metrics.replies, metrics.source) == (14, 2, "manual")
