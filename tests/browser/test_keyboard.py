"""The shell with a keyboard alone: skip link first, visible focus, the phone menu by Enter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from tests.browser.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(
    page: Page, admin: Membership
):
    person(admin).sign_in(page)
    page.goto(reverse("accounts:people"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => el.getBoundingClientRect().top") >= 0  # shown when focused
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_focus_is_visible_on_links(page: Page, admin: Membership):
    person(admin).sign_in(page)
    link = page.locator(f"#sidenav a[href='{reverse('accounts:people')}']")
    link.focus()
    outline = link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in {"none", ""}


def test_the_phone_menu_opens_with_the_keyboard(mobile_page: Page, advocate: Membership):
    person(advocate).sign_in(mobile_page)
    toggle = mobile_page.locator("[data-nav-toggle]")
    nav = mobile_page.locator("#sidenav")
    expect(nav).to_be_hidden()
    toggle.focus()
    mobile_page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    mobile_page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
