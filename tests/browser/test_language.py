"""The language switch: English for the whole visit, then back to 日本語."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from ouendan.accounts.views.auth import LoginForm
from tests.browser.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def switch_language(page: Page, code: str) -> None:
    page.wait_for_load_state()  # the switch submits from app.js, which runs once the page loads
    with page.expect_navigation():
        page.locator("#language-select").select_option(code)


def expect_language(page: Page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("#language-select")).to_have_value(code)
    home = page.locator("#sidenav").get_by_role("link", name=translated("Home", code))
    expect(home).to_be_visible()


def password_label(language: str) -> str:
    with translation.override(language):
        return str(LoginForm.base_fields["password"].label)


def test_the_sign_in_page_switches_its_text(page: Page):
    assert password_label("ja") != password_label("en")
    page.goto(reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("label[for='id_password']")).to_have_text(password_label("ja"))
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for='id_password']")).to_have_text(password_label("en"))
    switch_language(page, "ja")
    expect(page.locator("label[for='id_password']")).to_have_text(password_label("ja"))


def test_english_persists_across_pages_then_back_to_japanese(page: Page, admin: Membership):
    person(admin).sign_in(page)
    expect_language(page, "ja")
    switch_language(page, "en")
    expect(page).to_have_url("/")
    expect_language(page, "en")
    expect(page.locator("main h1")).to_have_text(f"Welcome, {admin.full_name}")

    page.goto(reverse("accounts:security"))
    expect_language(page, "en")
    page.locator("#sidenav").get_by_role("link", name="Home").click()
    expect(page).to_have_url("/")
    expect_language(page, "en")

    switch_language(page, "ja")
    expect_language(page, "ja")
    page.goto(reverse("accounts:security"))
    expect_language(page, "ja")
