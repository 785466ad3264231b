"""The page shell: home page, role-aware navigation, security headers and request ids."""

import pytest
from django.urls import reverse

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role
from ouendan.navigation import SECTIONS, navigation_for
from tests.conftest import signed_in
from tests.factories import actor, make_person


def nav_urls(membership: Membership) -> set[str]:
    return {link.url for _, links in navigation_for(actor(membership), "/") for link in links}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_greets_the_person_in_their_organization(advocate):
    response = signed_in(advocate).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert advocate.full_name in body
    assert advocate.organization.name in body


def test_navigation_follows_the_permission_matrix(admin, advocate):
    people = reverse("accounts:people")
    audit = reverse("accounts:audit")
    assert {people, audit} <= nav_urls(admin)
    assert people not in nav_urls(advocate)
    assert audit not in nav_urls(advocate)


def test_a_manager_sees_people_but_not_the_audit_log(org):
    manager = make_person(org, roles=[Role.MANAGER])
    assert reverse("accounts:people") in nav_urls(manager)
    assert reverse("accounts:audit") not in nav_urls(manager)


def test_every_navigation_item_resolves():
    for section in SECTIONS:
        for item in section.items:
            assert reverse(item.url_name).startswith("/")


def test_the_current_page_is_marked_for_screen_readers(admin):
    response = signed_in(admin).get(reverse("accounts:people"))
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_security_headers_and_request_id(client, admin, path):
    response = signed_in(admin).get(path) if path == "/" else client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) >= 8


def test_a_sane_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
    assert response["X-Request-ID"] == "proxy-abc-12345"
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_the_language_switch_persists_english(advocate):
    browser = signed_in(advocate)
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = browser.get("/").content.decode()
    assert 'lang="en"' in page
    browser.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert 'lang="ja"' in browser.get("/").content.decode()


def test_japanese_is_the_default_language(advocate):
    browser = signed_in(advocate, language="")
    assert 'lang="ja"' in browser.get("/").content.decode()


def test_not_found_uses_the_page_shell(advocate):
    response = signed_in(advocate).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert advocate.organization.name in body and 'class="sidenav"' in body


def test_only_the_deepest_matching_link_is_current(admin):
    links = {
        link.url: link.current
        for _, section in navigation_for(actor(admin), reverse("accounts:departments"))
        for link in section
    }
    assert links[reverse("accounts:departments")] is True
    assert links[reverse("accounts:settings")] is False


def test_the_api_docs_page_has_the_same_content_security_policy(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_home_only_answers_reads(advocate, method):
    assert getattr(signed_in(advocate), method)("/").status_code == 405


def test_api_errors_keep_japanese_readable(client, db):
    response = client.get("/api/v1/me", headers={"Accept-Language": "ja"})
    assert response.status_code == 401
    body = response.content.decode()
    assert "\\u" not in body and "ログイン" in body
    assert response.json()["error"]["code"] == "unauthenticated"


def test_logs_are_json_lines_with_a_utc_timestamp(capsys):
    import json
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.getLogger("ouendan.test").info("hello", extra={"answer": 42})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["message"] == "hello" and record["answer"] == 42
    assert record["level"] == "INFO" and record["request_id"] == "-"
    assert record["time"].endswith("+00:00")


def test_the_token_endpoint_keeps_japanese_readable(client, db):
    response = client.post(
        "/api/v1/auth/token",
        {"email": "nobody@example.com", "password": "x"},
        content_type="application/json",
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 401
    assert "\\u" not in response.content.decode()


def test_unreadable_json_gets_the_error_schema(admin):
    response = signed_in(admin).post(
        "/api/v1/departments", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"


def test_a_missing_csrf_token_gets_the_error_schema(admin):
    browser = signed_in(admin)
    browser.handler.enforce_csrf_checks = True
    response = browser.post("/api/v1/departments", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_people_managers_see_the_organization_at_a_glance(
    admin, org, django_assert_max_num_queries
):
    from ouendan.accounts.models import Invitation

    make_person(org, roles=[Role.ADVOCATE])
    make_person(org, roles=[Role.ADVOCATE, Role.CURATOR])
    make_person(org, roles=[])
    Invitation.objects.create(
        organization=org,
        email="new@example.com",
        token_hash="x" * 64,
        expires_at="2099-01-01T00:00:00+00:00",
    )
    browser = signed_in(admin, language="en")
    with django_assert_max_num_queries(15):
        response = browser.get("/")
    summary = response.context["summary"]
    assert (summary.active_people, summary.advocates, summary.pending_invitations) == (4, 2, 1)
    assert summary.advocate_share == 50
    assert "advocates (50% of members)" in response.content.decode()


def test_advocates_see_no_summary_and_people_without_a_role_are_told_why(advocate, org):
    assert signed_in(advocate).get("/").context["summary"] is None
    nobody = make_person(org, roles=[])
    page = signed_in(nobody, language="en").get("/").content.decode()
    assert "You hold no role yet" in page


@pytest.mark.parametrize(
    ("query", "field"), [("page=0", "page"), ("page=abc", "page"), ("page_size=500", "page_size")]
)
def test_bad_pages_are_refused_in_the_error_schema(admin, query, field):
    response = signed_in(admin, language="ja").get(f"/api/v1/people?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_page" and field in error["fields"]
    assert "page" in error["message"]
