"""Signing in through the real form, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from tests.browser.conftest import person, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_password_is_refused_with_a_message(page: Page, advocate: Membership):
    sign_in(page, advocate.user.email, "not-the-password")
    expect(page).to_have_url("/accounts/login/")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("input[name='email']")).to_have_value(advocate.user.email)
    expect(page.locator("#sidenav")).to_have_count(0)


def test_the_right_password_lands_on_home_in_the_organization(page: Page, advocate: Membership):
    page.goto("/accounts/login/")
    expect(page.locator("input[name='email']")).to_be_visible()
    screenshot(page, "sign-in")
    person(advocate).sign_in(page)
    expect(page).to_have_url("/")
    expect(page.locator(".brand-name")).to_have_text(advocate.organization.name)
    expect(page.locator("main h1")).to_contain_text(advocate.full_name)


def test_an_admin_signs_in_with_the_second_factor(page: Page, admin: Membership):
    who = person(admin)
    who.sign_in(page)
    expect(page).to_have_url("/")
    expect(page.locator(".brand-name")).to_have_text(admin.organization.name)
    expect(page.locator("#sidenav")).to_be_visible()
