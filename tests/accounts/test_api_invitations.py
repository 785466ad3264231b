"""The API of invitations and the CSV import: shapes, status codes, the one error schema."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ouendan.accounts.api_auth import TOKEN_PREFIX
from ouendan.accounts.crypto import new_secret, secret_hash
from ouendan.accounts.models import ApiToken, ImportBatch, Invitation, Membership, User
from ouendan.accounts.roles import Role
from ouendan.accounts.services.invitations import invitation_create
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, actor, make_person


def bearer(membership: Membership, scopes: tuple[str, ...] = ("read", "write")) -> Client:
    raw = TOKEN_PREFIX + new_secret()
    ApiToken.objects.create(
        organization=membership.organization,
        kind=ApiToken.Kind.PERSONAL,
        membership=membership,
        name="test",
        prefix=raw[:12],
        key_hash=secret_hash(raw),
        scopes=list(scopes),
    )
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


@pytest.fixture
def api(admin) -> Client:
    return bearer(admin)


def csv_file(rows: list[list[str]], name: str = "people.csv") -> io.BytesIO:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    data.name = name
    return data


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


# --- Invitations ---------------------------------------------------------------------------------


def test_create_lists_and_sends(
    immediate_tasks, api, org, settings, django_capture_on_commit_callbacks
):
    dept = DepartmentFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/invitations",
            {
                "email": "Ito@Example.com",
                "full_name": "伊藤 光",
                "roles": ["advocate", "reviewer"],
                "department_id": dept.pk,
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "ito@example.com" and body["status"] == "pending"
    assert body["roles"] == ["advocate", "reviewer"] and body["department_id"] == dept.pk
    assert body["invited_by"] == "管理 花子"
    assert "token" not in body
    assert len(mail.outbox) == 1

    listed = api.get("/api/v1/invitations").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert set(listed) == {"items", "count", "page", "pages", "page_size"}


def test_list_filters_by_status_and_reports_overdue_ones_as_expired(api, admin_actor):
    late, _ = invitation_create(actor=admin_actor, email="late@example.com")
    invitation_create(actor=admin_actor, email="fresh@example.com")
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    expired = api.get("/api/v1/invitations", {"status": "expired"}).json()
    assert [i["email"] for i in expired["items"]] == ["late@example.com"]
    assert expired["items"][0]["status"] == "expired"
    pending = api.get("/api/v1/invitations", {"status": "pending"}).json()
    assert [i["email"] for i in pending["items"]] == ["fresh@example.com"]
    assert api.get("/api/v1/invitations", {"status": "bogus"}).status_code == 422
    page = api.get("/api/v1/invitations", {"page_size": 1, "page": 2}).json()
    assert page["pages"] == 2 and len(page["items"]) == 1


def test_revoke_and_resend(api, admin_actor):
    invitation, _ = invitation_create(actor=admin_actor, email="x@example.com")
    resent = api.post(f"/api/v1/invitations/{invitation.pk}/resend")
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    revoked = api.post(f"/api/v1/invitations/{invitation.pk}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert_error(
        api.post(f"/api/v1/invitations/{invitation.pk}/resend"), 409, "invitation_not_pending"
    )


def test_errors_use_the_one_schema(api, org, advocate, other_admin):
    assert_error(
        api.post("/api/v1/invitations", {"email": "nope"}, content_type="application/json"),
        400,
        "invalid",
    )
    error = assert_error(
        api.post(
            "/api/v1/invitations", {"email": advocate.user.email}, content_type="application/json"
        ),
        409,
        "already_member",
    )
    assert error["fields"] == {"email": ["Already a member."]}
    assert_error(
        api.post(
            "/api/v1/invitations",
            {"email": "a@example.com", "roles": ["wizard"]},
            content_type="application/json",
        ),
        422,
        "invalid",
    )
    foreign, _ = invitation_create(actor=actor(other_admin), email="z@example.com")
    assert_error(api.post(f"/api/v1/invitations/{foreign.pk}/revoke"), 404, "not_found")
    assert Invitation.objects.get(pk=foreign.pk).status == Invitation.Status.PENDING


def test_permissions(org, advocate):
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER])
    assert_error(
        bearer(pm).post(
            "/api/v1/invitations",
            {"email": "c@example.com", "roles": ["curator"]},
            content_type="application/json",
        ),
        403,
        "permission_denied",
    )
    assert_error(bearer(advocate).get("/api/v1/invitations"), 403, "permission_denied")
    read_only = bearer(make_person(org, roles=[Role.ORG_ADMIN]), scopes=("read",))
    assert_error(
        read_only.post(
            "/api/v1/invitations", {"email": "r@example.com"}, content_type="application/json"
        ),
        403,
        "permission_denied",
    )
    assert not Invitation.objects.exists()


def test_the_browser_session_works_too(admin):
    client = signed_in(admin)
    assert client.get("/api/v1/invitations").status_code == 200


# --- CSV import ----------------------------------------------------------------------------------


def test_upload_returns_the_preview_and_apply_writes(api, org):
    DepartmentFactory(organization=org, name="営業部")
    upload = api.post(
        "/api/v1/people/import",
        {
            "file": csv_file(
                [["メールアドレス", "氏名", "部署"], ["sato@example.com", "佐藤 健", "営業部"]]
            )
        },
    )
    assert upload.status_code == 201, upload.content
    preview = upload.json()
    assert preview["can_apply"] is True and preview["status"] == "uploaded"
    assert preview["counts"] == {
        "rows": 1,
        "create": 1,
        "update": 0,
        "unchanged": 0,
        "leave": 0,
        "error": 0,
    }
    assert preview["encoding"] == "utf-8-sig" and preview["file_name"] == "people.csv"
    row = preview["rows"][0]
    assert row["row"] == 2 and row["action"] == "create" and row["errors"] == []
    assert {"field": "department", "old": "", "new": "営業部"} in row["changes"]

    applied = api.post(f"/api/v1/people/import/{preview['id']}/apply")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert Membership.objects.filter(user__email="sato@example.com").exists()
    again = api.post(f"/api/v1/people/import/{preview['id']}/apply")
    assert again.status_code == 200
    assert api.get(f"/api/v1/people/import/{preview['id']}").json()["status"] == "applied"


def test_a_file_with_row_problems_is_previewed_then_refused(api):
    upload = api.post(
        "/api/v1/people/import",
        {
            "file": csv_file([["email", "full_name"], ["ok@example.com", "岡"], ["bad", "x"]]),
            "create_missing": "true",
        },
    )
    assert upload.status_code == 201
    preview = upload.json()
    assert preview["can_apply"] is False and preview["create_missing"] is True
    assert preview["errors"] == [
        {
            "row": 3,
            "code": "email_invalid",
            "column": "email",
            "message": "Row 3: the e-mail address is not valid (“bad”).",
        }
    ]
    assert preview["counts"]["error"] == 1
    error = assert_error(
        api.post(f"/api/v1/people/import/{preview['id']}/apply"), 400, "import_has_errors"
    )
    assert error["fields"]["rows"] == ["Row 3: the e-mail address is not valid (“bad”)."]
    assert not User.objects.filter(email="ok@example.com").exists()


def test_file_level_problems_are_400(api):
    data = io.BytesIO(b"PK\x03\x04zip")
    data.name = "people.xlsx"
    assert_error(api.post("/api/v1/people/import", {"file": data}), 400, "import_not_csv")
    assert_error(api.post("/api/v1/people/import", {}), 422, "invalid")
    assert not ImportBatch.objects.exists()


def test_another_organizations_batch_is_404(api, other_admin):
    other = bearer(other_admin)
    preview = other.post(
        "/api/v1/people/import",
        {"file": csv_file([["email", "full_name"], ["a@example.com", "安藤"]])},
    ).json()
    assert_error(api.get(f"/api/v1/people/import/{preview['id']}"), 404, "not_found")
    assert_error(api.post(f"/api/v1/people/import/{preview['id']}/apply"), 404, "not_found")
    assert not User.objects.filter(email="a@example.com").exists()


def test_advocates_cannot_import(advocate):
    response = bearer(advocate).post(
        "/api/v1/people/import", {"file": csv_file([["email"], ["a@example.com"]])}
    )
    assert_error(response, 403, "permission_denied")


def test_the_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/invitations"])
    for path in (
        "/api/v1/invitations/{invitation_id}/revoke",
        "/api/v1/invitations/{invitation_id}/resend",
        "/api/v1/people/import",
        "/api/v1/people/import/{batch_id}/apply",
    ):
        assert "post" in paths[path], path
        assert paths[path]["post"]["summary"]
    upload = paths["/api/v1/people/import"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "201" in upload["responses"] and "400" in upload["responses"]
