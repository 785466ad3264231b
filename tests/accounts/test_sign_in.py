"""Sign-in by e-mail and password: success, failure, lockout and throttling, next URLs, sign-out and
switching organizations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, LoginFailure, Membership
from ouendan.accounts.roles import Role
from ouendan.accounts.services.people import person_offboard
from ouendan.accounts.sessions import ORGANIZATION
from tests.conftest import signed_in
from tests.factories import PASSWORD, actor, make_person

LOGIN = "/accounts/login/"


@pytest.fixture
def limit(settings) -> int:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    return 3


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"email": email, "password": password, **extra})


def alert_text(response) -> str:
    """The form-level message, whitespace-normalised."""
    match = re.search(
        r'<div class="alert error" role="alert"[^>]*>(.*?)</div>', response.text, re.S
    )
    assert match, "no form-level error shown"
    return " ".join(match.group(1).split())


def age_failures(seconds: int) -> None:
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_the_sign_in_page_is_an_accessible_card(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.text
    assert 'class="auth-card"' in body and 'class="auth-brand"' in body
    assert '<label for="id_email">' in body and '<label for="id_password">' in body
    assert 'autocomplete="current-password"' in body
    assert "csrfmiddlewaretoken" in body
    assert reverse("accounts:password_reset") in body


def test_signing_in_rotates_the_session_and_audits(client, advocate):
    client.get(LOGIN)
    before = client.session.session_key
    response = sign_in(client, advocate.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(organization=advocate.organization, action="auth.signed_in")
    assert event.actor_user == advocate.user
    assert event.data["method"] == "password"


def test_a_wrong_password_is_refused_and_counted_without_the_address(client, advocate):
    response = sign_in(client, advocate.user.email, "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failure = LoginFailure.objects.get()
    assert failure.email == advocate.user.email
    assert re.fullmatch(r"[0-9a-f]{64}", failure.client_hash)
    stored = " ".join(str(v) for v in LoginFailure.objects.values_list())
    assert "127.0.0.1" not in stored


def test_unknown_accounts_get_the_same_answer(client, advocate):
    known = alert_text(sign_in(client, advocate.user.email, "wrong-password"))
    unknown = alert_text(sign_in(client, "nobody@example.com", "wrong-password"))
    assert known == unknown


def test_lockout_after_the_limit_even_with_the_right_password(client, advocate, limit):
    for _ in range(limit - 1):
        assert sign_in(client, advocate.user.email, "wrong").status_code == 200
    locked = sign_in(client, advocate.user.email, "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 500
    assert "10" in alert_text(locked)  # the minutes left
    response = sign_in(client, advocate.user.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Attempts while locked are not counted (they would extend the lock for ever).
    assert LoginFailure.objects.count() == limit
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.organization == advocate.organization
    assert event.target_id == str(advocate.pk)


def test_the_lockout_message_is_identical_for_unknown_accounts(client, advocate, limit):
    for _ in range(limit):
        known = sign_in(client, advocate.user.email, "wrong")
    for _ in range(limit):
        unknown = sign_in(Client(), "ghost@example.com", "wrong")
    assert known.status_code == unknown.status_code == 429
    assert alert_text(known) == alert_text(unknown)
    assert not AuditEvent.objects.filter(data__email="ghost@example.com").exists()


def test_the_lock_ends_after_the_period_and_success_clears_failures(client, advocate, limit):
    for _ in range(limit):
        sign_in(client, advocate.user.email, "wrong")
    assert sign_in(client, advocate.user.email).status_code == 429
    age_failures(601)
    response = sign_in(client, advocate.user.email)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(email=advocate.user.email).exists()


def test_failures_spread_over_more_than_the_period_do_not_lock(client, advocate, limit):
    for _ in range(limit - 1):
        sign_in(client, advocate.user.email, "wrong")
    age_failures(601)
    assert sign_in(client, advocate.user.email, "wrong").status_code == 200
    assert sign_in(client, advocate.user.email).status_code == 302


def test_old_failure_rows_are_pruned(client, advocate, limit):
    sign_in(client, advocate.user.email, "wrong")
    age_failures(3600)
    sign_in(client, "someone@example.com", "wrong")
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["someone@example.com"]


def test_one_client_failing_on_many_accounts_is_paused(client, advocate, settings):
    from ouendan.accounts.services.security import CLIENT_FAILURE_FACTOR

    # One failure per account stays under each account's limit only while the client is fine.
    settings.LOGIN_FAILURE_LIMIT = 2
    for i in range(2 * CLIENT_FAILURE_FACTOR - 1):
        assert sign_in(client, f"guess{i}@example.com", "wrong").status_code == 200
    assert sign_in(client, "guess-last@example.com", "wrong").status_code == 429
    # The same account from another address is still fine.
    other = Client(REMOTE_ADDR="192.0.2.10")
    assert sign_in(other, advocate.user.email).status_code == 302


def test_a_leaver_cannot_sign_in(client, admin_actor, advocate):
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    response = sign_in(client, advocate.user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/accounts/security/", "/accounts/security/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("https://testserver/accounts/tokens/", "https://testserver/accounts/tokens/"),
    ],
)
def test_only_safe_next_urls_are_followed(client, advocate, next_url, expected):
    page = client.get(LOGIN, {"next": next_url})
    if expected != "/":
        assert f'name="next" value="{next_url}"' in page.text
    else:
        assert f'value="{next_url}"' not in page.text
    response = sign_in(client, advocate.user.email, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_signed_in_people_are_sent_on_from_the_sign_in_page(advocate):
    response = signed_in(advocate).get(LOGIN, {"next": "/accounts/security/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/"


def test_sign_out_needs_a_post(advocate):
    browser = signed_in(advocate)
    confirm = browser.get(reverse("accounts:logout"))
    assert confirm.status_code == 200
    assert "_auth_user_id" in browser.session
    response = browser.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert browser.get("/").status_code == 302


def test_switching_to_another_organization_of_mine(org, other_org, advocate):
    second = make_person(other_org, roles=[Role.ADVOCATE], user=advocate.user)
    browser = signed_in(advocate)
    page = browser.get(reverse("accounts:security"))
    assert 'name="organization"' in page.text and other_org.name in page.text
    response = browser.post(
        reverse("accounts:organization_switch"),
        {"organization": other_org.pk, "next": "/"},
    )
    assert response.status_code == 302
    assert browser.session[ORGANIZATION] == other_org.pk
    assert other_org.name in browser.get("/").text
    assert second.organization == other_org


def test_switching_to_an_organization_i_am_not_in_changes_nothing(org, other_org, advocate):
    browser = signed_in(advocate)
    response = browser.post(reverse("accounts:organization_switch"), {"organization": other_org.pk})
    assert response.status_code == 302
    assert ORGANIZATION not in browser.session


def test_switching_to_an_organization_i_left_changes_nothing(org, other_org, advocate, other_admin):
    make_person(other_org, roles=[Role.ADVOCATE], user=advocate.user)
    membership = Membership.objects.get(organization=other_org, user=advocate.user)
    person_offboard(actor=actor(other_admin), membership_id=membership.pk)
    browser = signed_in(advocate)
    browser.post(reverse("accounts:organization_switch"), {"organization": other_org.pk})
    assert ORGANIZATION not in browser.session


def test_switching_needs_a_post(advocate):
    assert signed_in(advocate).get(reverse("accounts:organization_switch")).status_code == 405


def test_sign_in_is_audited_in_every_organization_of_the_person(client, org, other_org, advocate):
    make_person(other_org, roles=[Role.ADVOCATE], user=advocate.user)
    sign_in(client, advocate.user.email)
    orgs = set(
        AuditEvent.objects.filter(action="auth.signed_in").values_list("organization", flat=True)
    )
    assert orgs == {org.pk, other_org.pk}
