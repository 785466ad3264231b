"""The page shell in a browser: what each role sees in the navigation, and the phone menu."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from ouendan.navigation import SECTIONS
from tests.browser.conftest import person, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_japanese(text: str) -> str:
    """What the page should show for an English msgid, in the browser's language (ja)."""
    with translation.override("ja"):
        return gettext(text)


def organization_links() -> list[str]:
    platform = next(section for section in SECTIONS if section.key == "platform")
    return [reverse(item.url_name) for item in platform.items]


def test_an_org_admin_sees_the_organization_section(page: Page, admin: Membership):
    person(admin).sign_in(page)
    nav = page.locator("#sidenav")
    heading = nav.locator(".nav-heading", has_text=in_japanese("Organization"))
    expect(heading).to_have_count(1)
    section = nav.locator(".nav-section").filter(
        has=page.locator(".nav-heading", has_text=in_japanese("Organization"))
    )
    for url in organization_links():
        expect(section.locator(f"a[href='{url}']")).to_be_visible()
    expect(nav.locator(f"a[href='{reverse('accounts:people')}']")).to_have_text(
        in_japanese("People")
    )


def test_an_advocate_does_not_see_people(page: Page, advocate: Membership):
    person(advocate).sign_in(page)
    nav = page.locator("#sidenav")
    expect(nav.get_by_role("link", name=in_japanese("Home"))).to_be_visible()
    expect(nav.locator(f"a[href='{reverse('accounts:people')}']")).to_have_count(0)
    expect(nav.locator(".nav-heading", has_text=in_japanese("Organization"))).to_have_count(0)


def test_the_phone_menu_opens_the_navigation(mobile_page: Page, admin: Membership):
    page = mobile_page
    person(admin).sign_in(page)
    nav = page.locator("#sidenav")
    toggle = page.locator("[data-nav-toggle]")
    expect(toggle).to_be_visible()
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.wait_for_load_state()  # the toggle is wired by app.js, which runs once the page loads
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.locator(f"a[href='{reverse('accounts:people')}']")).to_be_visible()
    screenshot(page, "mobile-nav")
    toggle.click()
    expect(nav).to_be_hidden()
