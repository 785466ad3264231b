"""The sharing profile in a real browser, on a phone: the follower count a connected account
reports is shown and cannot be typed over, the person enters their own elsewhere (a wrong number
is explained and nothing is saved), and their next share shows it as its potential reach."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role
from ouendan.content.services.items import content_publish_now
from ouendan.content.services.variants import VariantData
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.sharing.models import NetworkAudience
from ouendan.sharing.services.shares import share_create
from tests.browser.conftest import person, screenshot
from tests.content.conftest import approved
from tests.factories import actor, make_person
from tests.integrations.connecting import ready
from tests.integrations.fakes import FakeBluesky

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


def counts(membership: Membership) -> dict[str, tuple[int, str]]:
    return {
        a.network: (a.followers, a.source)
        for a in NetworkAudience.objects.filter(membership=membership)
    }


def test_an_advocate_enters_followers_on_a_phone(
    mobile_page: Page, settings: Any, org: Any, admin: Membership, advocate: Membership
):
    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    policy_acknowledge(actor=actor(advocate))
    with FakeBluesky(followers=321) as fake:
        ready(fake, actor(advocate), admin, settings)  # Bluesky connected: it reports 321
    page = mobile_page
    person(advocate).sign_in(page)

    # From the menu, as a person finds it.
    page.goto("/feed/")
    page.wait_for_load_state()  # the menu toggle is wired once the page loads
    page.locator("[data-nav-toggle]").click()
    with page.expect_navigation():
        page.locator("#sidenav").get_by_role("link", name=ja("My sharing profile")).click()
    expect(page.locator("h1")).to_have_text(ja("My sharing profile"))

    bluesky = page.locator("#followers-bluesky")
    expect(bluesky).to_have_value("321")
    expect(bluesky).to_be_disabled()
    expect(page.locator("#audience-bluesky .badge")).to_have_text(ja("Reported by the network"))
    # Networks not used yet wait behind "Other networks".
    x = page.locator("#followers-x")
    expect(x).to_be_hidden()
    page.get_by_text(ja("Other networks")).click()
    x.fill("1200")
    page.locator("#followers-line").fill("-5")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save")).click()
    expect(page.locator(".alert.error")).to_have_text(ja("Check the numbers."))
    expect(page.locator("#audience-line .errorlist")).to_be_visible()
    expect(page.locator("#followers-line")).to_have_value("-5")  # kept to correct it
    assert counts(advocate) == {"bluesky": (321, "network")}  # nothing saved

    page.locator("#followers-line").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save")).click()
    expect(page.locator(".message.success")).to_be_visible()
    assert counts(advocate) == {"bluesky": (321, "network"), "x": (1200, "self")}
    expect(page.locator("#followers-x")).to_be_visible()  # in use now: outside the fold
    expect(page.locator("#audience-x .badge")).to_have_text(ja("Entered by you"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "sharing-profile-phone")

    # The next share carries it, and My impact says what it means.
    curator = actor(make_person(org, roles=[Role.CURATOR]))
    reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
    item = approved(
        curator, reviewer, "工場見学会のお知らせ", url="https://www.example.co.jp/tour",
        variants=(VariantData(network="x", text="工場見学会やります"),),
    )  # fmt: skip
    content_publish_now(actor=curator, content_id=item.pk)
    share_create(actor=actor(advocate), content_id=item.pk, network="x")
    page.goto("/feed/impact/")
    row = page.locator("tbody").last.locator("tr").first
    expect(row).to_contain_text("1200")
    definition = "Potential reach: your followers on that network when you shared, as far as "
    expect(page.locator("#reach-definition")).to_contain_text(ja(definition + "they are known."))
