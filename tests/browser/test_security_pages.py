"""In a real browser: turning two-factor on (QR code, key, recovery codes) and off, changing the
password, resetting it from an e-mailed link, and signing out from the user menu."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership, RecoveryCode, TotpDevice
from tests.browser.conftest import person, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "momiji-kouyou-2026"


def _ja(message: str) -> str:
    with translation.override("ja"):
        return gettext(message)


def _code(totp: pyotp.TOTP, step_offset: int = 0) -> str:
    """The code for the current 30-second step (plus ``step_offset`` steps).

    A step is accepted once, so the sign-in after setup uses the next step: the server allows
    one step either side, and it is always newer than the one the setup used.
    """
    return totp.generate_otp(totp.timecode(timezone.now()) + step_offset)


def test_an_advocate_turns_two_factor_on_signs_in_with_it_and_turns_it_off(
    page: Page, advocate: Membership
):
    user = advocate.user
    person(advocate).sign_in(page)
    page.goto(reverse("accounts:security"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('accounts:two_factor_setup')}']").click()
    expect(page.locator("h1")).to_have_text(_ja("Set up two-factor authentication"))

    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    secret_input = page.locator("#totp-secret")
    expect(secret_input).to_be_visible()
    secret = re.sub(r"\s+", "", secret_input.input_value())
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    totp = pyotp.TOTP(secret)

    form = page.locator(f"form[action='{reverse('accounts:two_factor_setup')}']")
    form.locator("input[name='code']").fill(_code(totp))
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:recovery_codes"))
    expect(page.locator(".message.success")).to_have_text(_ja("Two-factor authentication is on."))
    codes = page.locator("#recovery-codes li")
    expect(codes).not_to_have_count(0)
    shown = codes.all_inner_texts()
    assert len(shown) == RecoveryCode.objects.filter(user=user).count()
    assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()

    # Shown once: back on the page, only the count and an offer to make new ones.
    page.reload()
    expect(page.locator("#recovery-codes")).to_have_count(0)
    expect(page.locator("input[name='password']")).to_be_visible()
    for code in shown:
        assert code not in page.content()

    # Signing in again asks for the code.
    page.locator(".user-menu summary").click()
    with page.expect_navigation():
        page.locator(".user-menu form button[type='submit']").click()
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(reverse("accounts:two_factor_verify"))
    verify = page.locator(f"form[action='{reverse('accounts:two_factor_verify')}']")
    verify.locator("input[name='code']").fill(_code(totp, 1))
    with page.expect_navigation():
        verify.locator("button[type='submit']").click()
    expect(page).to_have_url("/")
    expect(page.locator(".brand-name")).to_have_text(advocate.organization.name)

    # Turning it off needs the password: a wrong one is refused, the right one works.
    page.goto(reverse("accounts:security"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('accounts:two_factor_disable')}']").click()
    disable = page.locator(f"form[action='{reverse('accounts:two_factor_disable')}']")
    disable.locator("input[name='password']").fill("not-the-password")
    with page.expect_navigation():
        disable.locator("button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:two_factor_disable"))
    expect(page.locator(".errorlist").first).to_be_visible()
    assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    disable.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        disable.locator("button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:security"))
    expect(page.locator(".message.success")).to_have_text(_ja("Two-factor authentication is off."))
    expect(page.locator(f"a[href='{reverse('accounts:two_factor_setup')}']")).to_be_visible()
    assert not TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def test_an_advocate_changes_the_password(page: Page, advocate: Membership):
    person(advocate).sign_in(page)
    page.goto(reverse("accounts:security"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('accounts:password_change')}']").click()
    form = page.locator(f"form[action='{reverse('accounts:password_change')}']")
    form.locator("input[name='old_password']").fill(PASSWORD)
    form.locator("input[name='new_password1']").fill(NEW_PASSWORD)
    form.locator("input[name='new_password2']").fill(NEW_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:security"))
    expect(page.locator(".message.success")).to_have_text(
        _ja("Your password was changed. Other sessions were signed out.")
    )
    # This session stays signed in.
    page.goto("/")
    expect(page.locator(".brand-name")).to_have_text(advocate.organization.name)
    advocate.user.refresh_from_db()
    assert advocate.user.check_password(NEW_PASSWORD)


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    page: Page, advocate: Membership, immediate_tasks: None
):
    email = advocate.user.email
    page.goto(reverse("accounts:login"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('accounts:password_reset')}']").click()
    form = page.locator(f"form[action='{reverse('accounts:password_reset')}']")
    form.locator("input[name='email']").fill(email)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:password_reset_sent"))
    expect(page.locator("h1")).to_have_text(_ja("Check your e-mail"))

    sent = [message for message in mail.outbox if message.to == [email]]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    match = re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", sent[0].body)
    assert match, sent[0].body
    page.goto(urlsplit(match.group(0)).path)
    # The token leaves the address bar at once.
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/[^/]+/set-password/$"))
    expect(page.locator("h1")).to_have_text(_ja("Choose a new password"))
    page.locator("input[name='new_password1']").fill(NEW_PASSWORD)
    page.locator("input[name='new_password2']").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    expect(page).to_have_url(reverse("accounts:login"))
    expect(page.locator(".message.success")).to_have_text(
        _ja("Your password was changed. Sign in with it now.")
    )

    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(reverse("accounts:login"))
    expect(page.get_by_role("alert")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(page).to_have_url("/")
    expect(page.locator(".brand-name")).to_have_text(advocate.organization.name)

    # The link works once.
    page.locator(".user-menu summary").click()
    with page.expect_navigation():
        page.locator(".user-menu form button[type='submit']").click()
    page.goto(urlsplit(match.group(0)).path)
    expect(page.locator("h1")).to_have_text(_ja("This link does not work"))


def test_signing_out_from_the_user_menu_lands_on_the_sign_in_page(page: Page, advocate: Membership):
    person(advocate).sign_in(page)
    expect(page).to_have_url("/")
    menu_button = page.locator(".user-menu .menu form button[type='submit']")
    expect(menu_button).to_be_hidden()
    page.locator(".user-menu summary").click()
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_text(_ja("Sign out"))
    with page.expect_navigation():
        menu_button.click()
    expect(page).to_have_url(reverse("accounts:login"))
    expect(page.locator(".message.success")).to_have_text(_ja("You are signed out."))
    expect(page.locator(".user-menu")).to_have_count(0)
    # Signed out for real: a member page sends back to the sign-in page.
    page.goto(reverse("accounts:security"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
