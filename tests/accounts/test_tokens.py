"""API token pages and services: create (shown once), use, revoke, organization tokens, leavers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts.crypto import secret_hash
from ouendan.accounts.models import ApiToken, AuditEvent
from ouendan.accounts.roles import Role
from ouendan.accounts.services.people import person_offboard
from ouendan.accounts.services.tokens import api_token_create, api_token_revoke
from ouendan.core.errors import DomainError, NotFound
from tests.conftest import signed_in
from tests.factories import actor

TOKENS = "/accounts/tokens/"
ORG_TOKENS = "/accounts/organization/tokens/"
TOKEN_RE = re.compile(r"oud_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def create_on_page(browser: Client, url: str, **data: object) -> str:
    fields = {"name": "Report script", "scopes": ["read"], "expires": "30", **data}
    response = browser.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = browser.get(url).text
    match = TOKEN_RE.search(page)
    assert match, "the new token is not shown"
    return match.group(0)


# --- Services ------------------------------------------------------------------------------------


def test_the_raw_token_is_returned_once_and_only_its_hash_is_kept(advocate):
    token, raw = api_token_create(
        actor=actor(advocate), kind="personal", name=" Script ", scopes=["write"]
    )
    assert TOKEN_RE.fullmatch(raw)
    assert raw.split("_")[1] == token.prefix
    assert token.key_hash == secret_hash(raw) and raw not in str(ApiToken.objects.values_list())
    assert token.scopes == ["read", "write"] and token.name == "Script"
    assert token.membership == advocate and token.created_by == advocate
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.data["prefix"] == token.prefix and raw not in str(event.data)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": ""}, "invalid"),
        ({"name": "x" * 101}, "invalid"),
        ({"scopes": []}, "invalid_scopes"),
        ({"scopes": ["admin"]}, "invalid_scopes"),
        ({"roles": ["curator"]}, "invalid"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "invalid"),
        ({"kind": "robot"}, "invalid"),
    ],
)
def test_bad_personal_token_input_changes_nothing(advocate, kwargs, code):
    args = {"kind": "personal", "name": "ok", "scopes": ["read"], **kwargs}
    with pytest.raises(DomainError) as error:
        api_token_create(actor=actor(advocate), **args)
    assert error.value.code == code
    assert not ApiToken.objects.exists()


def test_organization_tokens_need_an_admin_and_real_roles(admin_actor, advocate):
    with pytest.raises(PermissionDenied):
        api_token_create(
            actor=actor(advocate),
            kind="organization",
            name="x",
            scopes=["read"],
            roles=["advocate"],
        )
    for roles, code in (([], "invalid_roles"), (["superuser"], "invalid_roles")):
        with pytest.raises(DomainError) as error:
            api_token_create(
                actor=admin_actor, kind="organization", name="x", scopes=["read"], roles=roles
            )
        assert error.value.code == code
    token, _raw = api_token_create(
        actor=admin_actor,
        kind="organization",
        name="HR sync",
        scopes=["read", "write"],
        roles=["org_admin", "curator"],
    )
    assert token.membership is None and token.roles == ["curator", "org_admin"]


def test_revoking_someone_elses_token_is_not_found(org, advocate, admin_actor):
    token, _raw = api_token_create(
        actor=actor(advocate), kind="personal", name="x", scopes=["read"]
    )
    with pytest.raises(NotFound):
        api_token_revoke(actor=admin_actor, token_id=token.pk)
    with pytest.raises(NotFound):
        api_token_revoke(actor=actor(advocate), token_id=token.pk, kind="organization")


def test_revoking_twice_is_harmless_and_audited_once(advocate):
    me = actor(advocate)
    token, _raw = api_token_create(actor=me, kind="personal", name="x", scopes=["read"])
    first = api_token_revoke(actor=me, token_id=token.pk)
    second = api_token_revoke(actor=me, token_id=token.pk)
    assert first.revoked_at == second.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


# --- My tokens page ------------------------------------------------------------------------------


def test_an_empty_page_explains_tokens(advocate):
    page = signed_in(advocate).get(TOKENS)
    assert page.status_code == 200
    assert 'class="empty-state"' in page.text
    assert '<label for="id_name">' in page.text and "<legend>" in page.text


def test_create_show_once_use_and_revoke(advocate):
    browser = signed_in(advocate)
    raw = create_on_page(browser, TOKENS, name="Weekly report", scopes=["read", "write"])
    page = browser.get(TOKENS).text
    assert raw not in page  # shown once only
    token = ApiToken.objects.get()
    assert "Weekly report" in page and f"oud_{token.prefix}_" in page
    assert token.expires_at is not None
    assert (token.expires_at - timezone.now()).days in (29, 30)

    me = bearer(raw).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == advocate.user.email
    assert ApiToken.objects.get().last_used_at is not None

    response = browser.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == TOKENS
    assert bearer(raw).get("/api/v1/me").status_code == 401
    assert 'class="empty-state"' in browser.get(TOKENS).text
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_the_new_token_has_a_copy_button(advocate):
    browser = signed_in(advocate)
    browser.post(TOKENS, {"name": "x", "scopes": ["read"], "expires": "never"})
    page = browser.get(TOKENS).text
    assert 'data-copy="new-token"' in page and 'id="new-token"' in page
    assert ApiToken.objects.get().expires_at is None


def test_a_form_error_is_shown_and_changes_nothing(advocate):
    browser = signed_in(advocate)
    response = browser.post(TOKENS, {"name": "", "scopes": [], "expires": "30"})
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.text and 'id="id_scopes_error"' in response.text
    assert not ApiToken.objects.exists()


def test_revoke_needs_a_post_and_my_own_token(advocate, admin):
    token, _raw = api_token_create(actor=actor(admin), kind="personal", name="x", scopes=["read"])
    browser = signed_in(advocate)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_another_organizations_token_cannot_be_revoked(advocate, other_admin):
    token, _raw = api_token_create(
        actor=actor(other_admin), kind="organization", name="x", scopes=["read"], roles=["advocate"]
    )
    assert (
        signed_in(advocate).post(reverse("accounts:token_revoke", args=[token.pk])).status_code
        == 404
    )


def test_a_leavers_token_stops_working(admin_actor, advocate):
    _token, raw = api_token_create(
        actor=actor(advocate), kind="personal", name="x", scopes=["read"]
    )
    assert bearer(raw).get("/api/v1/me").status_code == 200
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_an_expired_token_stops_working_and_is_marked(advocate):
    token, raw = api_token_create(
        actor=actor(advocate),
        kind="personal",
        name="old",
        scopes=["read"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert bearer(raw).get("/api/v1/me").status_code == 401
    assert 'class="badge danger"' in signed_in(advocate).get(TOKENS).text


# --- Organization tokens page --------------------------------------------------------------------


def test_only_admins_see_organization_tokens(advocate, admin_client):
    assert signed_in(advocate).get(ORG_TOKENS).status_code == 403
    assert signed_in(advocate).post(ORG_TOKENS, {"name": "x"}).status_code == 403
    page = admin_client.get(ORG_TOKENS)
    assert page.status_code == 200 and 'class="empty-state"' in page.text


def test_an_organization_token_acts_with_its_roles(admin_client, org):
    raw = create_on_page(
        admin_client, ORG_TOKENS, name="HR sync", roles=["curator", "reviewer"], expires="never"
    )
    token = ApiToken.objects.get()
    assert token.kind == "organization" and token.membership is None
    me = bearer(raw).get("/api/v1/me").json()
    assert me["roles"] == ["curator", "reviewer"] and me["organization"] == org.slug
    page = admin_client.get(ORG_TOKENS).text
    assert "HR sync" in page and str(Role.CURATOR.label) in page
    response = admin_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response["Location"] == ORG_TOKENS
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_an_organization_token_needs_a_role(admin_client):
    response = admin_client.post(ORG_TOKENS, {"name": "x", "scopes": ["read"], "expires": "never"})
    assert response.status_code == 200 and 'id="id_roles_error"' in response.text
    assert not ApiToken.objects.exists()


def test_personal_tokens_do_not_show_on_the_organization_page(admin, admin_client):
    api_token_create(actor=actor(admin), kind="personal", name="mine-only", scopes=["read"])
    assert "mine-only" not in admin_client.get(ORG_TOKENS).text
    assert "mine-only" in admin_client.get(TOKENS).text
