"""The tokens API over real HTTP: ``POST /api/v1/auth/token`` (a public contract) and managing
personal and organization tokens with ``Authorization: Bearer``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ouendan.accounts.models import ApiToken, AuditEvent, LoginFailure, Organization, User
from ouendan.accounts.roles import Role
from ouendan.accounts.services.people import person_offboard
from ouendan.accounts.services.tokens import api_token_create
from tests.accounts.test_two_factor import code_at_step, enable_two_factor
from tests.factories import PASSWORD, UserFactory, actor, make_person

SIGN_IN = "/api/v1/auth/token"


def post_json(client: Client, path: str, data: object, **headers: str):
    return client.post(path, data, content_type="application/json", headers=headers)


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return post_json(client, SIGN_IN, {"email": email, "password": password, **extra})


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def token_of(membership, scopes=("read", "write")) -> str:
    _token, raw = api_token_create(
        actor=actor(membership), kind="personal", name="test", scopes=list(scopes)
    )
    return raw


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body


# --- POST /api/v1/auth/token ---------------------------------------------------------------------


def test_sign_in_returns_exactly_a_token_and_its_expiry(client, advocate, settings):
    response = sign_in(client, advocate.user.email)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert body["token"].startswith("oud_")
    expires = datetime.fromisoformat(body["expires_at"])
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs((expires - expected).total_seconds()) < 60
    token = ApiToken.objects.get()
    assert token.kind == "personal" and token.membership == advocate
    assert token.scopes == ["read", "write"] and token.name.startswith(
        ("API sign-in ", "APIログイン")
    )
    me = bearer(body["token"]).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == advocate.user.email
    assert AuditEvent.objects.filter(action="auth.signed_in", data__method="api").exists()


def test_sign_in_needs_no_csrf_token(advocate):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, advocate.user.email).status_code == 200


def test_wrong_credentials_are_401(client, advocate):
    assert_error(sign_in(client, advocate.user.email, "wrong-password"), 401, "invalid_credentials")
    assert_error(sign_in(client, "nobody@example.com", "x"), 401, "invalid_credentials")
    assert not ApiToken.objects.exists()


def test_a_malformed_body_is_422(client, db):
    assert_error(post_json(client, SIGN_IN, {"email": "a@example.com"}), 422, "invalid")


def test_lockout_is_429_with_retry_after_for_known_and_unknown_accounts(client, advocate, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 300
    answers = {}
    for email in (advocate.user.email, "ghost@example.com"):
        assert_error(sign_in(client, email, "wrong"), 401, "invalid_credentials")
        locked = sign_in(client, email, "wrong")
        assert_error(locked, 429, "throttled")
        assert 0 < int(locked["Retry-After"]) <= 300
        answers[email] = locked.json()
    assert answers[advocate.user.email] == answers["ghost@example.com"]
    assert_error(sign_in(client, advocate.user.email), 429, "throttled")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(seconds=301))
    assert sign_in(client, advocate.user.email).status_code == 200


def test_the_page_and_the_api_share_the_lockout(client, advocate, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    client.post("/accounts/login/", {"email": advocate.user.email, "password": "wrong"})
    client.post("/accounts/login/", {"email": advocate.user.email, "password": "wrong"})
    assert_error(sign_in(client, advocate.user.email), 429, "throttled")


def test_a_person_without_an_active_membership_is_403(client, db):
    user = UserFactory(email="loner@example.com")
    assert_error(sign_in(client, user.email), 403, "no_membership")


def test_a_leaver_cannot_sign_in(client, admin_actor, advocate):
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    assert_error(sign_in(client, advocate.user.email), 401, "invalid_credentials")


def test_two_factor_users_must_send_a_valid_otp(client, advocate):
    totp, codes = enable_two_factor(advocate.user)
    body = assert_error(sign_in(client, advocate.user.email), 401, "otp_required")
    assert "otp" in body["error"]["fields"]
    assert_error(sign_in(client, advocate.user.email, otp="000000"), 401, "invalid_otp")
    code = totp.now()
    assert sign_in(client, advocate.user.email, otp=code).status_code == 200
    assert_error(sign_in(client, advocate.user.email, otp=code), 401, "invalid_otp")  # replay
    assert sign_in(client, advocate.user.email, otp=codes[0]).status_code == 200
    assert ApiToken.objects.count() == 2


def test_a_wrong_otp_is_checked_only_after_the_password(client, advocate):
    enable_two_factor(advocate.user)
    response = sign_in(client, advocate.user.email, "wrong", otp="123456")
    assert_error(response, 401, "invalid_credentials")


def test_admins_must_set_up_two_factor_first(client, admin):
    assert_error(sign_in(client, admin.user.email), 403, "two_factor_setup_required")
    assert not ApiToken.objects.exists()
    totp, _codes = enable_two_factor(admin.user)
    assert sign_in(client, admin.user.email, otp=code_at_step(totp)).status_code == 200


def test_organizations_can_require_two_factor_for_everyone(client, org, advocate):
    Organization.objects.filter(pk=org.pk).update(require_two_factor=True)
    assert_error(sign_in(client, advocate.user.email), 403, "two_factor_setup_required")


def test_demo_admins_are_exempt(client, org):
    demo = make_person(org, roles=[Role.ORG_ADMIN])
    User.objects.filter(pk=demo.user_id).update(is_demo=True)
    assert sign_in(client, demo.user.email).status_code == 200


def test_the_contract_is_in_the_openapi_document(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/auth/token"]["post"]
    assert not operation.get("security")
    assert {"200", "401", "403", "429"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][ref]["required"]) == {"email", "password"}
    out_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    out = schema["components"]["schemas"][out_ref.split("/")[-1]]
    assert set(out["properties"]) == {"token", "expires_at"}


# --- Personal tokens -----------------------------------------------------------------------------


def test_list_create_use_and_delete_my_tokens(advocate):
    api = bearer(token_of(advocate))
    created = post_json(api, "/api/v1/tokens", {"name": "CI", "scopes": ["read"]})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith(f"oud_{body['prefix']}_")
    assert body["kind"] == "personal" and body["scopes"] == ["read"] and body["roles"] == []
    listing = api.get("/api/v1/tokens").json()
    assert set(listing) == {"items", "count", "page", "pages", "page_size"}
    assert listing["count"] == 2
    assert all("token" not in item for item in listing["items"])
    assert bearer(body["token"]).get("/api/v1/me").status_code == 200
    assert api.delete(f"/api/v1/tokens/{body['id']}").status_code == 204
    assert bearer(body["token"]).get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/tokens").json()["count"] == 1


def test_lists_are_paginated(advocate):
    api = bearer(token_of(advocate))
    for i in range(4):
        post_json(api, "/api/v1/tokens", {"name": f"t{i}", "scopes": ["read"]})
    page = api.get("/api/v1/tokens?page=2&page_size=2").json()
    assert page["count"] == 5 and page["pages"] == 3 and len(page["items"]) == 2


def test_a_read_token_cannot_create_or_revoke(advocate):
    writer = token_of(advocate)
    reader = bearer(token_of(advocate, scopes=["read"]))
    assert reader.get("/api/v1/tokens").status_code == 200
    assert_error(
        post_json(reader, "/api/v1/tokens", {"name": "x", "scopes": ["read"]}),
        403,
        "permission_denied",
    )
    mine = ApiToken.objects.filter(scopes=["read", "write"]).get()
    assert_error(reader.delete(f"/api/v1/tokens/{mine.pk}"), 403, "permission_denied")
    assert bearer(writer).get("/api/v1/me").status_code == 200


def test_bad_input_is_a_clear_error(advocate):
    api = bearer(token_of(advocate))
    assert_error(
        post_json(api, "/api/v1/tokens", {"name": "x", "scopes": ["admin"]}), 422, "invalid"
    )
    past = (timezone.now() - timedelta(days=1)).isoformat()
    body = assert_error(
        post_json(api, "/api/v1/tokens", {"name": "x", "scopes": ["read"], "expires_at": past}),
        400,
        "invalid",
    )
    assert "expires_at" in body["error"]["fields"]


def test_another_persons_or_organizations_token_is_404(org, advocate, admin, other_admin):
    api = bearer(token_of(advocate))
    someone_else = ApiToken.objects.get(pk=_token_id(token_of(admin)))
    assert_error(api.delete(f"/api/v1/tokens/{someone_else.pk}"), 404, "not_found")
    foreign = ApiToken.objects.get(pk=_token_id(token_of(other_admin)))
    assert_error(api.delete(f"/api/v1/tokens/{foreign.pk}"), 404, "not_found")
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def _token_id(raw: str) -> int:
    return ApiToken.objects.get(prefix=raw.split("_")[1]).pk


def test_without_credentials_it_is_401(client, db):
    assert_error(client.get("/api/v1/tokens"), 401, "unauthenticated")


def test_the_browser_session_works_with_csrf(advocate):
    from tests.conftest import signed_in

    browser = signed_in(advocate)
    assert browser.get("/api/v1/tokens").status_code == 200


# --- Organization tokens -------------------------------------------------------------------------


@pytest.fixture
def admin_api(admin) -> Client:
    return bearer(token_of(admin))


def test_admins_manage_organization_tokens(admin_api, org):
    created = post_json(
        admin_api,
        "/api/v1/organization/tokens",
        {"name": "HR sync", "scopes": ["read", "write"], "roles": ["curator"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "organization" and body["roles"] == ["curator"]
    me = bearer(body["token"]).get("/api/v1/me").json()
    assert me["roles"] == ["curator"] and me["email"] is None
    listing = admin_api.get("/api/v1/organization/tokens").json()
    assert [item["id"] for item in listing["items"]] == [body["id"]]
    assert admin_api.delete(f"/api/v1/organization/tokens/{body['id']}").status_code == 204
    assert bearer(body["token"]).get("/api/v1/me").status_code == 401


def test_organization_tokens_need_roles(admin_api):
    response = post_json(admin_api, "/api/v1/organization/tokens", {"name": "x", "roles": []})
    assert_error(response, 422, "invalid")
    response = post_json(admin_api, "/api/v1/organization/tokens", {"name": "x", "roles": ["boss"]})
    assert_error(response, 422, "invalid")


def test_advocates_cannot_touch_organization_tokens(advocate, admin):
    api = bearer(token_of(advocate))
    assert_error(api.get("/api/v1/organization/tokens"), 403, "permission_denied")
    response = post_json(api, "/api/v1/organization/tokens", {"name": "x", "roles": ["advocate"]})
    assert_error(response, 403, "permission_denied")


def test_personal_and_organization_routes_do_not_mix(admin_api, admin):
    personal = _token_id(token_of(admin))
    assert_error(admin_api.delete(f"/api/v1/organization/tokens/{personal}"), 404, "not_found")
    _token, raw = api_token_create(
        actor=actor(admin), kind="organization", name="o", scopes=["read"], roles=["advocate"]
    )
    assert_error(admin_api.delete(f"/api/v1/tokens/{_token_id(raw)}"), 404, "not_found")


def test_another_organizations_token_is_404_for_admins(admin_api, other_admin):
    _token, raw = api_token_create(
        actor=actor(other_admin), kind="organization", name="o", scopes=["read"], roles=["advocate"]
    )
    response = admin_api.delete(f"/api/v1/organization/tokens/{_token_id(raw)}")
    assert_error(response, 404, "not_found")
    assert ApiToken.objects.get(pk=_token_id(raw)).revoked_at is None


def test_a_leavers_tokens_from_the_api_stop_working(client, admin_actor, advocate):
    raw = sign_in(client, advocate.user.email).json()["token"]
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    assert_error(bearer(raw).get("/api/v1/tokens"), 401, "unauthenticated")
