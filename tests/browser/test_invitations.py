"""In a real browser: an admin invites someone, the invitee accepts from the e-mailed link in a
browser of their own and lands signed in; a second invitation is revoked and its link stops
working."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from ouendan.accounts.models import Invitation, Membership, User
from tests.browser.conftest import DESKTOP, _new_context, _page, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITEE_PASSWORD = "sakura-hanami-2026"


def _ja(message: str) -> str:
    with translation.override("ja"):
        return gettext(message)


@pytest.fixture
def other_page(browser: Browser, live_server: object, transactional_db: None) -> Iterator[Page]:
    """A second desktop page in a context of its own: nobody is signed in there."""
    context, watch = _new_context(browser, live_server, DESKTOP)
    yield from _page(context, watch)


def _invite(page: Page, email: str, full_name: str, role: str) -> None:
    page.goto(reverse("accounts:invitations"))
    form = page.locator(f"form[action='{reverse('accounts:invitations')}'][method='post']")
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='full_name']").fill(full_name)
    form.locator(f"input[name='roles'][value='{role}']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page.locator(".message.success")).to_contain_text(email)


def _row(page: Page, email: str):
    return page.locator("tbody tr", has=page.locator("td", has_text=email))


def _accept_path(email: str) -> str:
    """The path of the accept link in the (last) invitation e-mail sent to ``email``."""
    sent = [message for message in mail.outbox if message.to == [email]]
    assert sent, f"no e-mail to {email}: {[m.to for m in mail.outbox]}"
    match = re.search(r"https?://\S+/accounts/invite/\S+/", sent[-1].body)
    assert match, sent[-1].body
    return urlsplit(match.group(0)).path


def test_an_invitee_accepts_from_the_emailed_link_and_lands_signed_in(
    page: Page, other_page: Page, admin: Membership, immediate_tasks: None
):
    email = "shinnyu.taro@example.com"
    person(admin).sign_in(page)
    _invite(page, email, "新入 太郎", "curator")
    row = _row(page, email)
    expect(row.locator(".badge.info")).to_have_text(_ja("Pending"))
    expect(row).to_contain_text("新入 太郎")
    expect(row.locator(".tag")).to_contain_text([_ja("Curator")])

    accept = _accept_path(email)
    other_page.goto(accept)
    expect(other_page.locator("h1")).to_contain_text(admin.organization.name)
    expect(other_page.locator(".lead")).to_contain_text(admin.full_name)
    form = other_page.locator("form.form")
    expect(form.locator("input[name='full_name']")).to_have_value("新入 太郎")
    form.locator("input[name='full_name']").fill("新入 太朗")
    form.locator("input[name='password']").fill(INVITEE_PASSWORD)
    form.locator("input[name='password_confirm']").fill(INVITEE_PASSWORD)
    with other_page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(other_page).to_have_url("/")
    expect(other_page.locator(".message.success")).to_contain_text(admin.organization.name)
    expect(other_page.locator(".brand-name")).to_have_text(admin.organization.name)
    expect(other_page.locator(".user-menu .user-name")).to_have_text("新入 太朗")

    user = User.objects.get(email=email)
    assert user.check_password(INVITEE_PASSWORD)
    membership = Membership.objects.get(user=user, organization=admin.organization)
    assert "curator" in membership.role_set()

    page.reload()
    row = _row(page, email)
    expect(row.locator(".badge.ok")).to_have_text(_ja("Accepted"))
    expect(row.locator("button")).to_have_count(0)


def test_a_revoked_invitation_link_no_longer_works(
    page: Page, other_page: Page, admin: Membership, immediate_tasks: None
):
    email = "torikeshi.hanako@example.com"
    person(admin).sign_in(page)
    _invite(page, email, "取消 花子", "advocate")
    accept = _accept_path(email)
    invitation = Invitation.objects.get(email=email)

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator(
            f"form[action='{reverse('accounts:invitation_revoke', args=[invitation.pk])}'] button"
        ).click()
    expect(page.locator(".message.success")).to_contain_text(email)
    row = _row(page, email)
    expect(row.locator(".badge.danger")).to_have_text(_ja("Revoked"))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED

    response = other_page.goto(accept)
    assert response is not None
    assert response.status == 410
    expect(other_page.locator("h1")).to_have_text(_ja("Invitation withdrawn"))
    expect(other_page.get_by_role("alert")).to_be_visible()
    expect(other_page.locator("form.form")).to_have_count(0)
    assert not User.objects.filter(email=email).exists()
