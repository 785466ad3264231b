"""In a real browser: an advocate creates a personal API token (shown once), uses it against the
live API, and revokes it; an organization admin creates an organization token with a role."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.crypto import TOKEN_PREFIX
from ouendan.accounts.models import ApiToken, Membership
from tests.browser.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ja(message: str) -> str:
    with translation.override("ja"):
        return gettext(message)


def _api_me(live_server: object, raw: str) -> tuple[int, dict]:
    """GET /api/v1/me over HTTP with the token; the status and the decoded body."""
    request = urllib.request.Request(  # noqa: S310 - the live server's own http URL
        f"{live_server.url}/api/v1/me",  # type: ignore[attr-defined]
        headers={"Authorization": f"Bearer {raw}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _create(page: Page, name: str, *, scopes: list[str], roles: list[str] = ()) -> str:
    """Fill the create form, submit it and return the raw token the page shows once."""
    form = page.locator("form.form", has=page.locator("input[name='name']"))
    form.locator("input[name='name']").fill(name)
    for role in roles:
        form.locator(f"input[name='roles'][value='{role}']").check()
    for scope in ("read", "write"):
        box = form.locator(f"input[name='scopes'][value='{scope}']")
        box.set_checked(scope in scopes)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page.locator(".message.success")).to_contain_text(name)
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    raw = shown.input_value()
    assert raw.startswith(TOKEN_PREFIX)
    return raw


def test_an_advocate_creates_uses_and_revokes_a_personal_token(
    page: Page, advocate: Membership, live_server: object
):
    person(advocate).sign_in(page)
    page.goto(reverse("accounts:tokens"))
    expect(page.locator("h1")).to_have_text(_ja("My API tokens"))
    raw = _create(page, "週次レポート", scopes=["read"])

    status, body = _api_me(live_server, raw)
    assert status == 200, body
    assert body["email"] == advocate.user.email
    assert body["organization_name"] == advocate.organization.name

    row = page.locator("tbody tr", has_text="週次レポート")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_contain_text(_ja("Read"))

    # Shown once: after a reload the secret is gone, the row stays (with only the prefix).
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    assert raw not in page.content()
    expect(row).to_have_count(1)
    token = ApiToken.objects.get(name="週次レポート")
    expect(row.locator("code")).to_have_text(f"{TOKEN_PREFIX}{token.prefix}_…")

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.locator("button").click()
    expect(page.locator(".message.success")).to_contain_text("週次レポート")
    expect(page.locator("tbody tr", has_text="週次レポート")).to_have_count(0)

    status, body = _api_me(live_server, raw)
    assert status == 401, body


def test_an_org_admin_creates_an_organization_token_with_a_role(
    page: Page, admin: Membership, live_server: object
):
    person(admin).sign_in(page)
    page.goto(reverse("accounts:org_tokens"))
    expect(page.locator("h1")).to_have_text(_ja("Organization API tokens"))
    raw = _create(page, "人事システム連携", scopes=["read", "write"], roles=["curator"])

    row = page.locator("tbody tr", has_text="人事システム連携")
    expect(row).to_have_count(1)
    expect(row.locator(".tag")).to_have_text([_ja("Curator")])
    expect(row).to_contain_text(admin.full_name)

    token = ApiToken.objects.get(name="人事システム連携")
    assert token.kind == ApiToken.Kind.ORGANIZATION
    assert list(token.roles) == ["curator"]
    assert sorted(token.scopes) == ["read", "write"]

    status, body = _api_me(live_server, raw)
    assert status == 200, body
    assert body["email"] is None
    assert body["roles"] == ["curator"]
    assert body["organization_name"] == admin.organization.name
