"""Conversion types and tracking settings: the API, the page, who may change them, the audit
trail, the signing secret shown once, and tokens that only record conversions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ouendan.accounts.crypto import decrypt
from ouendan.accounts.models import ApiToken, AuditEvent, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.tracking.models import ConversionType, TrackingSettings
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db

BUILT_IN = ["application", "lead", "inquiry", "sign_up", "purchase"]


@pytest.fixture
def manager(org: Organization) -> Membership:
    """The program manager (広報) who runs the program."""
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 次郎")


@pytest.fixture
def api(manager: Membership) -> Api:
    return Api(token_for(manager))


# --- Types over the API ---------------------------------------------------------------------


def test_every_organization_has_the_built_in_types(api: Api):
    listing = api.get("/conversion-types").json()
    assert [t["key"] for t in listing["items"]] == BUILT_IN
    assert [t["label"] for t in listing["items"]] == [
        "Application",
        "Document request",
        "Inquiry",
        "Sign-up",
        "Purchase",
    ]
    assert all(t["built_in"] and t["active"] for t in listing["items"])
    assert listing["count"] == 5


def test_the_program_adds_and_changes_its_own_types(api: Api, org: Organization):
    response = api.post(
        "/conversion-types", {"key": "event_entry", "label": "説明会予約", "default_value": "500"}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["key"], created["label"], created["default_value"]) == (
        "event_entry",
        "説明会予約",
        "500.00",
    )
    assert created["built_in"] is False and created["position"] == 5
    changed = api.patch(f"/conversion-types/{created['id']}", {"active": False, "position": 0})
    assert changed.json()["active"] is False and changed.json()["position"] == 0
    application = ConversionType.objects.get(organization=org, key="application")
    relabelled = api.patch(f"/conversion-types/{application.pk}", {"label": "本選考エントリー"})
    assert relabelled.json()["label"] == "本選考エントリー"
    restored = api.patch(f"/conversion-types/{application.pk}", {"label": ""})
    assert restored.json()["label"] == "Application"
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["conversion_type.created"] + ["conversion_type.updated"] * 3


def test_bad_types_are_refused_and_change_nothing(api: Api, org: Organization):
    api.post("/conversion-types", {"key": "event_entry", "label": "説明会予約"})
    assert_error(
        api.post("/conversion-types", {"key": "event_entry", "label": "x"}),
        409,
        "conversion_type_exists",
    )
    assert_error(api.post("/conversion-types", {"key": "application", "label": "x"}), 409)
    assert_error(api.post("/conversion-types", {"key": "Has Space", "label": "x"}), 422)
    assert_error(api.post("/conversion-types", {"key": "ok", "label": ""}), 422)
    custom = ConversionType.objects.get(organization=org, key="event_entry")
    assert_error(api.patch(f"/conversion-types/{custom.pk}", {"label": "  "}), 400, "invalid")
    assert ConversionType.objects.filter(organization=org).count() == 6
    assert ConversionType.objects.get(pk=custom.pk).label == "説明会予約"


def test_another_organizations_type_is_not_found(api: Api, other_admin: Membership):
    theirs = Api(token_for(other_admin))
    theirs.get("/conversion-types")
    their_type = ConversionType.objects.filter(organization=other_admin.organization).first()
    assert_error(api.patch(f"/conversion-types/{their_type.pk}", {"active": False}), 404)
    assert ConversionType.objects.get(pk=their_type.pk).active


def test_advocates_and_read_tokens_may_not_manage(advocate: Membership, manager: Membership):
    advocate_api = Api(token_for(advocate))
    assert_error(advocate_api.get("/conversion-types"), 403, "permission_denied")
    assert_error(advocate_api.get("/tracking-settings"), 403, "permission_denied")
    reader = Api(token_for(manager, scopes=("read",)))
    assert_error(reader.post("/conversion-types", {"key": "x", "label": "x"}), 403)
    assert_error(reader.post("/tracking-settings/signing-secret"), 403)


# --- Settings over the API ----------------------------------------------------------------------


def test_the_settings_read_and_change(api: Api, org: Organization):
    found = api.get("/tracking-settings").json()
    assert found.pop("snippet_url").endswith("/t.js?o=mirai")
    assert found == {
        "attribution_window_days": 30,
        "default_model": "last_touch",
        "half_life_days": 7,
        "allowed_origins": [],
        "signing_secret_set": False,
        "signing_secret_created_at": None,
    }
    changed = api.put(
        "/tracking-settings",
        {
            "attribution_window_days": 60,
            "default_model": "time_decay",
            "half_life_days": 3,
            "allowed_origins": ["https://Careers.Mirai.example/", "http://localhost:3000"],
        },
    ).json()
    assert changed["allowed_origins"] == ["https://careers.mirai.example", "http://localhost:3000"]
    assert (changed["attribution_window_days"], changed["default_model"]) == (60, "time_decay")
    event = AuditEvent.objects.get(action="tracking.settings_updated")
    assert event.data["before"]["attribution_window_days"] == 30


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"attribution_window_days": 0}, 422, "attribution_window_days"),
        ({"attribution_window_days": 366}, 422, "attribution_window_days"),
        ({"half_life_days": 0}, 422, "half_life_days"),
        ({"default_model": "u_shaped"}, 422, "default_model"),
        ({"allowed_origins": ["careers.mirai.example"]}, 400, "allowed_origins"),
        ({"allowed_origins": ["https://careers.mirai.example/jobs"]}, 400, "allowed_origins"),
        ({"allowed_origins": ["ftp://careers.mirai.example"]}, 400, "allowed_origins"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(api: Api, org, change, status, field):
    good = {
        "attribution_window_days": 30,
        "default_model": "linear",
        "half_life_days": 7,
        "allowed_origins": [],
    }
    error = assert_error(api.put("/tracking-settings", {**good, **change}), status)
    assert field in error["fields"]
    found = TrackingSettings.objects.filter(organization=org).first()
    assert found is None or found.default_model == "last_touch"


def test_the_signing_secret_is_shown_once_and_stored_encrypted(api: Api, org: Organization):
    response = api.post("/tracking-settings/signing-secret")
    assert response.status_code == 201
    secret = response.json()["signing_secret"]
    assert secret.startswith("ouds_") and len(secret) > 40
    stored = TrackingSettings.objects.get(organization=org).signing_secret
    assert secret not in stored and decrypt(stored) == secret
    assert api.get("/tracking-settings").json()["signing_secret_set"] is True
    assert secret not in api.get("/tracking-settings").content.decode()
    event = AuditEvent.objects.get(action="tracking.signing_secret_rotated")
    assert secret not in str(event.data) and event.data == {"replaced": False}


# --- Tokens that only record conversions -------------------------------------------------------


def test_an_admin_makes_a_conversions_token_without_roles(admin: Membership):
    admin_api = Api(token_for(admin))
    response = admin_api.post(
        "/organization/tokens", {"name": "採用サイト", "scopes": ["conversions"]}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["scopes"], response.json()["roles"]) == (["conversions"], [])
    for bad in (
        {"name": "x", "scopes": ["conversions", "read"]},
        {"name": "x", "scopes": ["conversions"], "roles": ["org_admin"]},
    ):
        assert_error(admin_api.post("/organization/tokens", bad), 400)
    assert_error(admin_api.post("/tokens", {"name": "x", "scopes": ["conversions"]}), 422)
    assert_error(admin_api.post("/organization/tokens", {"name": "x", "scopes": ["read"]}), 422)
    assert ApiToken.objects.filter(scopes=["conversions"]).count() == 1


def test_the_tokens_page_offers_a_conversions_token(admin: Membership):
    page = signed_in(admin, language="en")
    response = page.post(
        "/accounts/organization/tokens/",
        {"name": "Careers site", "scopes": ["conversions"], "expires": "never"},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get(name="Careers site")
    assert (token.scopes, token.roles) == (["conversions"], [])
    listing = page.get("/accounts/organization/tokens/").content.decode()
    assert "Record conversions only" in listing
    mine = page.get("/accounts/tokens/").content.decode()
    assert 'value="conversions"' not in mine  # personal tokens cannot have it
    refused = page.post(
        "/accounts/organization/tokens/",
        {"name": "No roles", "scopes": ["read"], "expires": "never"},
    )
    assert refused.status_code == 200 and not ApiToken.objects.filter(name="No roles").exists()


# --- The page -----------------------------------------------------------------------------------


def test_the_page_shows_the_snippet_and_the_types_in_japanese(manager: Membership):
    html = signed_in(manager).get("/conversions/").content.decode()
    assert "t.js?o=mirai" in html and "ouendan('convert'" in html
    assert "sha256-" in html and "localStorage" in html
    for label in ("application", "lead", "inquiry", "sign_up", "purchase"):
        assert f"<code>{label}</code>" in html
    assert 'lang="ja"' in html


def test_the_page_saves_settings_and_refuses_bad_input(manager: Membership, org: Organization):
    page = signed_in(manager, language="en")
    good = {
        "attribution_window_days": "14",
        "default_model": "linear",
        "half_life_days": "5",
        "allowed_origins": "https://careers.mirai.example\r\nhttps://www.mirai.example/",
    }
    assert page.post("/conversions/settings/", good).status_code == 302
    found = TrackingSettings.objects.get(organization=org)
    assert found.allowed_origins == ["https://careers.mirai.example", "https://www.mirai.example"]
    bad = page.post("/conversions/settings/", {**good, "attribution_window_days": "400"})
    assert bad.status_code == 400 and "from 1 to 365" in bad.content.decode()
    bad = page.post("/conversions/settings/", {**good, "allowed_origins": "not an origin"})
    assert bad.status_code == 400 and "not an origin" in bad.content.decode()
    bad = page.post("/conversions/settings/", {**good, "half_life_days": "abc"})
    assert bad.status_code == 400
    found.refresh_from_db()
    assert (found.attribution_window_days, found.half_life_days) == (14, 5)


def test_the_page_adds_and_edits_types(manager: Membership, org: Organization):
    page = signed_in(manager, language="en")
    created = page.post(
        "/conversions/types/",
        {"key": "event_entry", "label": "説明会予約", "default_value": "1,000"},
    )
    assert created.status_code == 302
    custom = ConversionType.objects.get(organization=org, key="event_entry")
    assert custom.default_value == Decimal("1000.00")
    duplicate = page.post("/conversions/types/", {"key": "event_entry", "label": "x"})
    assert duplicate.status_code == 400 and "already" in duplicate.content.decode()
    edited = page.post(
        f"/conversions/types/{custom.pk}/", {"label": "説明会", "default_value": "800"}
    )
    assert edited.status_code == 302
    custom.refresh_from_db()
    assert (custom.label, custom.default_value, custom.active) == ("説明会", Decimal(800), False)
    refused = page.post(f"/conversions/types/{custom.pk}/", {"label": "", "default_value": "x"})
    assert refused.status_code == 400
    custom.refresh_from_db()
    assert custom.label == "説明会"


def test_the_secret_is_shown_once_on_the_page(manager: Membership, org: Organization):
    page = signed_in(manager, language="en")
    response = page.post("/conversions/secret/", follow=True)
    secret = decrypt(TrackingSettings.objects.get(organization=org).signing_secret)
    assert secret in response.content.decode()
    assert secret not in page.get("/conversions/").content.decode()


def test_only_the_program_sees_the_page(advocate: Membership, org: Organization):
    page = signed_in(advocate)
    assert page.get("/conversions/").status_code == 403
    assert page.post("/conversions/secret/").status_code == 403
    assert page.post("/conversions/types/", {"key": "x", "label": "x"}).status_code == 403
    assert not TrackingSettings.objects.exists()
    assert not ConversionType.objects.filter(key="x").exists()


def test_another_organizations_type_cannot_be_edited_on_the_page(
    manager: Membership, other_admin: Membership
):
    signed_in(other_admin).get("/conversions/")
    theirs = ConversionType.objects.filter(organization=other_admin.organization).first()
    response = signed_in(manager).post(f"/conversions/types/{theirs.pk}/", {"label": "x"})
    assert response.status_code == 404
    assert ConversionType.objects.get(pk=theirs.pk).label == ""


def _add_types(org: Organization, start: int, count: int) -> None:
    ConversionType.objects.bulk_create(
        ConversionType(organization=org, key=f"custom-{n}", label=f"独自 {n}", position=10 + n)
        for n in range(start, start + count)
    )


@pytest.mark.parametrize("url", ["/conversions/", "/api/v1/conversion-types?page_size=200"])
def test_the_types_cost_the_same_queries_for_few_and_many(
    manager: Membership, org: Organization, url: str
):
    client = signed_in(manager)
    client.get(url)  # the built-in types are made on first use
    _add_types(org, 0, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_types(org, 3, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "custom-29" in response.content.decode()
    assert len(few) == len(many), (len(few), len(many))


def test_the_page_is_in_english_too(manager: Membership):
    html = signed_in(manager, language="en").get("/conversions/").content.decode()
    assert "Install the snippet" in html and "Conversion types" in html
    assert 'placeholder="Document request"' in html


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get("/conversions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_page_meets_the_accessibility_basics(manager: Membership, language: str):
    from tests.test_accessibility import audit_html

    page = signed_in(manager, language=language)
    page.post("/conversions/secret/")
    html = page.get("/conversions/").content.decode()  # with the secret shown
    assert audit_html(html) == []
    refused = page.post("/conversions/types/", {"key": "Bad Key", "label": ""})
    assert refused.status_code == 400 and audit_html(refused.content.decode()) == []


def test_the_conversions_scope_allows_recording_and_nothing_else(org: Organization):
    from ouendan.accounts.permissions import Action, Actor, can

    for roles in (frozenset(), frozenset(Role)):
        reporter = Actor(organization=org, roles=roles, scopes=frozenset({"conversions"}))
        allowed = [action for action in Action if can(reporter, action)]
        assert allowed == [Action.CONVERSIONS_RECORD], roles
