"""Password reset by e-mail: never reveals accounts, throttled, one link one use, signs out."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ouendan.accounts.models import AuditEvent, LoginFailure, User
from ouendan.accounts.services import security
from tests.conftest import signed_in
from tests.factories import PASSWORD

# The mail is sent by a task after commit: run these tests in autocommit with tasks run at once.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tasks_at_once(immediate_tasks: None) -> None:
    pass


REQUEST = "/accounts/password-reset/"
SENT = "/accounts/password-reset/sent/"
NEW = "a-brand-new-passphrase-2026"


def ask(client: Client, email: str):
    return client.post(REQUEST, {"email": email})


def link_in(message) -> str:
    match = re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_request_page_is_an_accessible_card(client, db):
    page = client.get(REQUEST)
    assert page.status_code == 200
    assert 'class="auth-card"' in page.text and '<label for="id_email">' in page.text


def test_a_known_and_an_unknown_address_get_the_same_answer(client, advocate):
    known = ask(client, advocate.user.email)
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [advocate.user.email]
    assert client.get(SENT).status_code == 200


def test_the_mail_is_in_the_persons_language(client, advocate, settings):
    User.objects.filter(pk=advocate.user_id).update(language="en")
    ask(client, advocate.user.email)
    message = mail.outbox[0]
    assert message.subject == "Reset your Ouendan password"
    assert advocate.user.email in message.body
    assert link_in(message).startswith(settings.BASE_URL)


def test_leavers_get_no_mail(client, admin_actor, advocate):
    from ouendan.accounts.services.people import person_offboard

    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    assert ask(client, advocate.user.email)["Location"] == SENT
    assert mail.outbox == []


def test_reset_end_to_end(client, advocate, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    other_session = signed_in(advocate)
    for _ in range(2):  # someone locked the account
        client.post("/accounts/login/", {"email": advocate.user.email, "password": "wrong"})
    ask(client, advocate.user.email.upper())
    link = path_of(link_in(mail.outbox[0]))
    # The token leaves the address bar before the form is shown.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/set-password/") and link.split("/")[-2] not in form_url
    page = client.get(form_url)
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.text
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user = User.objects.get(pk=advocate.user_id)
    assert user.check_password(NEW)
    assert other_session.get("/").status_code == 302  # signed out everywhere
    assert not LoginFailure.objects.filter(email=user.email).exists()
    assert AuditEvent.objects.filter(action="auth.password_reset").exists()
    signed = client.post("/accounts/login/", {"email": user.email, "password": NEW})
    assert signed.status_code == 302 and signed["Location"] == "/"
    # The link is spent.
    again = Client().get(link)
    assert again.status_code == 200 and again.context["form"] is None


@pytest.mark.parametrize(
    ("new1", "new2", "field"),
    [
        ("short", "short", "new_password1"),
        ("password123", "password123", "new_password1"),
        (NEW, NEW + "x", "new_password2"),
    ],
)
def test_a_weak_or_mismatched_new_password_changes_nothing(client, advocate, new1, new2, field):
    ask(client, advocate.user.email)
    form_url = client.get(path_of(link_in(mail.outbox[0])))["Location"]
    response = client.post(form_url, {"new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.text
    assert User.objects.get(pk=advocate.user_id).check_password(PASSWORD)


def test_a_changed_password_kills_an_open_link(client, advocate):
    ask(client, advocate.user.email)
    link = path_of(link_in(mail.outbox[0]))
    user = User.objects.get(pk=advocate.user_id)
    user.set_password("changed-in-the-meantime-1")
    user.save()
    response = client.get(link)
    assert response.status_code == 200 and response.context["form"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/MQ/not-a-token/",
        "/accounts/password-reset/!!!/abc-def/",
        "/accounts/password-reset/MQ/set-password/",
    ],
)
def test_broken_links_say_so(client, advocate, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["form"] is None
    assert reverse("accounts:password_reset") in response.text


def test_requests_are_throttled_per_address(client, advocate):
    for _ in range(security.PASSWORD_RESET_PER_EMAIL + 2):
        assert ask(Client(), advocate.user.email)["Location"] == SENT
    assert len(mail.outbox) == security.PASSWORD_RESET_PER_EMAIL


def test_requests_are_throttled_per_client(client, db):
    for i in range(security.PASSWORD_RESET_PER_CLIENT):
        assert ask(client, f"p{i}@example.com").status_code == 302
    response = ask(client, "one-more@example.com")
    assert response.status_code == 200
    assert 'role="alert"' in response.text


def test_a_mail_server_failure_does_not_change_the_answer(client, advocate, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    assert ask(client, advocate.user.email)["Location"] == SENT
