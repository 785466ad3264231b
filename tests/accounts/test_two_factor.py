"""Two-factor authentication: setup, sign-in with a code, replay, recovery codes, enforcement,
disabling, and the security stamp that signs other sessions out."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts import crypto
from ouendan.accounts.models import AuditEvent, Organization, RecoveryCode, TotpDevice, User
from ouendan.accounts.roles import Role
from ouendan.accounts.services import security
from ouendan.accounts.sessions import TWO_FACTOR_PENDING_USER, TWO_FACTOR_VERIFIED
from tests.conftest import signed_in
from tests.factories import PASSWORD, make_person

SETUP = "/accounts/security/two-factor/setup/"
VERIFY = "/accounts/login/two-factor/"
LOGIN = "/accounts/login/"


def totp_for(user: User) -> pyotp.TOTP:
    device = TotpDevice.objects.get(user=user)
    return pyotp.TOTP(crypto.decrypt(device.secret_encrypted))


def code_at_step(totp: pyotp.TOTP, offset: int = 0) -> str:
    return totp.generate_otp(totp.timecode(timezone.now()) + offset)


def enable_two_factor(user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Turn two-factor on through the services, with the previous step's code (keeps the current
    step free for the test)."""
    security.totp_device_start(user=user)
    totp = totp_for(user)
    codes = security.totp_device_confirm(user=user, code=code_at_step(totp, -1))
    return totp, codes


def password_step(client: Client, user: User, **extra: str):
    return client.post(LOGIN, {"email": user.email, "password": PASSWORD, **extra})


@pytest.fixture
def fresh_admin_client(admin) -> Client:
    """An org admin signed in with a password only: the second factor is still missing."""
    client = Client()
    client.force_login(admin.user)
    return client


# --- Setup ---------------------------------------------------------------------------------------


def test_setup_shows_an_inline_qr_code_and_the_key(advocate):
    browser = signed_in(advocate)
    response = browser.get(SETUP)
    assert response.status_code == 200
    body = response.text
    assert re.search(r'<div class="qr"><svg role="img" aria-label="[^"]+"', body)
    assert "<img" not in body.split('class="qr"')[1].split("</div>")[0]
    device = TotpDevice.objects.get(user=advocate.user)
    secret = crypto.decrypt(device.secret_encrypted)
    assert secret not in device.secret_encrypted
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    assert 'data-copy="totp-secret"' in body
    assert device.confirmed_at is None
    # Reloading keeps the same secret: the person may already have scanned it.
    browser.get(SETUP)
    assert TotpDevice.objects.get(user=advocate.user).secret_encrypted == device.secret_encrypted


def test_confirming_turns_it_on_and_shows_recovery_codes_once(advocate):
    browser = signed_in(advocate)
    browser.get(SETUP)
    totp = totp_for(advocate.user)
    response = browser.post(SETUP, {"code": totp.now()})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes")
    device = TotpDevice.objects.get(user=advocate.user)
    assert device.confirmed_at is not None
    page = browser.get(response["Location"]).text
    shown = re.findall(r'<li class="tag">([a-z0-9-]+)</li>', page)
    assert len(shown) == 10 and len(set(shown)) == 10
    stored = set(
        RecoveryCode.objects.filter(user=advocate.user).values_list("code_hash", flat=True)
    )
    assert all(code not in stored for code in shown)
    assert {crypto.secret_hash(code.replace("-", "")) for code in shown} == stored
    assert shown[0] not in browser.get(reverse("accounts:recovery_codes")).text
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled").count() == 1
    # The session that turned it on stays signed in and counts as verified.
    assert browser.get(reverse("accounts:security")).status_code == 200
    assert browser.session[TWO_FACTOR_VERIFIED] is True


def test_a_wrong_code_does_not_turn_it_on(advocate):
    browser = signed_in(advocate)
    browser.get(SETUP)
    totp = totp_for(advocate.user)
    wrong = "000000" if totp.now() != "000000" else "111111"
    response = browser.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert TotpDevice.objects.get(user=advocate.user).confirmed_at is None
    assert not RecoveryCode.objects.exists()


def test_turning_it_on_signs_out_other_sessions(advocate):
    other = signed_in(advocate)
    browser = signed_in(advocate)
    browser.get(SETUP)
    browser.post(SETUP, {"code": totp_for(advocate.user).now()})
    assert browser.get("/").status_code == 200
    assert other.get("/").status_code == 302


# --- Sign-in with a second factor ----------------------------------------------------------------


def test_sign_in_asks_for_the_code_before_signing_in(client, advocate):
    totp, _codes = enable_two_factor(advocate.user)
    response = password_step(client, advocate.user, next="/accounts/security/")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.session[TWO_FACTOR_PENDING_USER] == advocate.user.pk
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get(VERIFY)
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    response = client.post(VERIFY, {"code": totp.now()})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/"
    assert client.session[TWO_FACTOR_VERIFIED] is True
    assert TWO_FACTOR_PENDING_USER not in client.session
    event = AuditEvent.objects.get(action="auth.signed_in")
    assert event.data["method"] == "totp"


def test_a_code_is_never_accepted_twice(client, advocate):
    totp, _codes = enable_two_factor(advocate.user)
    code = totp.now()
    password_step(client, advocate.user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    second = Client()
    password_step(second, advocate.user)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session
    # Nor is an older code once a newer one was used.
    assert second.post(VERIFY, {"code": code_at_step(totp, -1)}).status_code == 200


def test_a_recovery_code_works_once(client, advocate):
    _totp, codes = enable_two_factor(advocate.user)
    password_step(client, advocate.user)
    response = client.post(VERIFY, {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.session[TWO_FACTOR_VERIFIED] is True
    assert security.recovery_codes_remaining(advocate.user) == 9
    assert AuditEvent.objects.filter(action="auth.recovery_code_used").exists()
    again = Client()
    password_step(again, advocate.user)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_wrong_codes_count_towards_the_lockout(client, advocate, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    enable_two_factor(advocate.user)
    password_step(client, advocate.user)
    assert client.post(VERIFY, {"code": "12345x"}).status_code == 200
    assert client.post(VERIFY, {"code": "abcd-efgh-jkmn"}).status_code == 200
    response = client.post(VERIFY, {"code": "999999"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert TWO_FACTOR_PENDING_USER not in client.session
    # Knowing the password does not reset the count.
    assert password_step(Client(), advocate.user).status_code == 429


def test_the_verify_page_without_a_pending_sign_in_goes_back_to_sign_in(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"] == LOGIN


# --- Enforcement ---------------------------------------------------------------------------------


def test_org_admins_must_set_it_up_before_anything_else(fresh_admin_client):
    response = fresh_admin_client.get("/accounts/people/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Fpeople%2F"
    assert fresh_admin_client.get(SETUP).status_code == 200


def test_org_admins_with_a_device_are_sent_to_verify(fresh_admin_client, admin):
    enable_two_factor(admin.user)
    fresh_admin_client.force_login(User.objects.get(pk=admin.user.pk))
    response = fresh_admin_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    totp = totp_for(admin.user)
    response = fresh_admin_client.post(VERIFY + "?next=/accounts/people/", {"code": totp.now()})
    assert response.status_code == 302 and response["Location"] == "/accounts/people/"
    assert fresh_admin_client.get("/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/api/v1/me", "/accounts/logout/", "/static/ouendan/app.css"]
)
def test_some_paths_stay_open_before_the_second_factor(fresh_admin_client, path):
    response = fresh_admin_client.get(path)
    assert response.status_code != 302 or not response["Location"].startswith(SETUP)


def test_the_language_switch_stays_open(fresh_admin_client):
    response = fresh_admin_client.post("/i18n/setlang/", {"language": "en", "next": SETUP})
    assert response["Location"] == SETUP


def test_htmx_requests_get_a_client_side_redirect(fresh_admin_client):
    response = fresh_admin_client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith(SETUP)


def test_demo_users_are_exempt(org):
    demo_admin = make_person(org, roles=[Role.ORG_ADMIN])
    User.objects.filter(pk=demo_admin.user_id).update(is_demo=True)
    client = Client()
    client.force_login(User.objects.get(pk=demo_admin.user_id))
    assert client.get("/").status_code == 200


def test_advocates_are_free_unless_the_organization_requires_it(org, advocate):
    client = Client()
    client.force_login(advocate.user)
    assert client.get("/").status_code == 200
    Organization.objects.filter(pk=org.pk).update(require_two_factor=True)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_an_admin_signing_in_without_a_device_is_sent_to_setup(client, admin):
    response = password_step(client, admin.user, next="/accounts/people/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(SETUP)
    client.get(SETUP)
    response = client.post(SETUP + "?next=/accounts/people/", {"code": totp_for(admin.user).now()})
    page = client.get(response["Location"]).text
    assert 'href="/accounts/people/"' in page  # continue where they were going
    assert client.get("/").status_code == 200


# --- Turning it off, new recovery codes ----------------------------------------------------------


def test_turning_it_off_needs_the_password(advocate):
    enable_two_factor(advocate.user)
    browser = signed_in(advocate)
    other = signed_in(advocate)
    url = reverse("accounts:two_factor_disable")
    response = browser.post(url, {"password": "wrong-password"})
    assert response.status_code == 200
    assert TotpDevice.objects.filter(user=advocate.user).exists()
    response = browser.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=advocate.user).exists()
    assert not RecoveryCode.objects.filter(user=advocate.user).exists()
    assert browser.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.two_factor_disabled").exists()


def test_new_recovery_codes_replace_the_old_ones(client, advocate):
    _totp, old_codes = enable_two_factor(advocate.user)
    browser = signed_in(advocate)
    url = reverse("accounts:recovery_codes")
    assert browser.post(url, {"password": "nope-nope"}).status_code == 200
    response = browser.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    new_codes = re.findall(r'<li class="tag">([a-z0-9-]+)</li>', browser.get(url).text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    password_step(client, advocate.user)
    assert client.post(VERIFY, {"code": old_codes[1]}).status_code == 200
    assert client.post(VERIFY, {"code": new_codes[1]}).status_code == 302


def test_the_security_page_shows_the_state(advocate):
    browser = signed_in(advocate)
    page = browser.get(reverse("accounts:security")).text
    assert reverse("accounts:two_factor_setup") in page
    _totp, codes = enable_two_factor(advocate.user)
    security.second_factor_verify(user=advocate.user, code=codes[0], client="test")
    browser = signed_in(advocate)
    response = browser.get(reverse("accounts:security"))
    assert reverse("accounts:two_factor_disable") in response.text
    assert response.context["recovery_left"] == 9


# --- Password change -----------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(advocate):
    browser = signed_in(advocate)
    other = signed_in(advocate)
    url = reverse("accounts:password_change")
    new = "a-much-better-passphrase-2026"
    response = browser.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert User.objects.get(pk=advocate.user_id).check_password(new)
    assert AuditEvent.objects.filter(action="auth.password_changed").exists()


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-password", "a-much-better-passphrase", "a-much-better-passphrase", "old_password"),
        (PASSWORD, "short", "short", "new_password1"),
        (PASSWORD, "1234567890123", "1234567890123", "new_password1"),
        (PASSWORD, "a-much-better-passphrase", "a-different-passphrase", "new_password2"),
    ],
)
def test_a_bad_password_change_changes_nothing(advocate, old, new1, new2, field):
    browser = signed_in(advocate)
    response = browser.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.text
    assert User.objects.get(pk=advocate.user_id).check_password(PASSWORD)
