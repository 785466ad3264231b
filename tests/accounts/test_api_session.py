"""The API through the browser session: CSRF on writes, and the second factor still owed."""

from django.test import Client

from tests.conftest import signed_in
from tests.factories import PASSWORD


def test_a_verified_session_reads_the_api(admin):
    response = signed_in(admin).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["organization"] == admin.organization.slug


def test_an_admin_session_that_owes_two_factor_is_refused(admin):
    browser = Client()
    assert browser.login(email=admin.user.email, password=PASSWORD)
    response = browser.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_session_writes_need_the_csrf_token(admin):
    browser = signed_in(admin)
    browser.handler.enforce_csrf_checks = True
    response = browser.post(
        "/api/v1/departments", {"name": "新部署"}, content_type="application/json"
    )
    assert response.status_code in {401, 403}
