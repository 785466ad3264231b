"""The people, departments, locations, organization and audit API: shapes, rules, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import (
    AuditEvent,
    Department,
    Location,
    Membership,
    Organization,
)
from ouendan.accounts.roles import Role
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, LocationFactory, actor, make_person

PAGE_KEYS = {"items", "count", "page", "pages", "page_size"}
PERSON_KEYS = {
    "id",
    "email",
    "full_name",
    "full_name_kana",
    "employee_number",
    "title",
    "language",
    "department",
    "department_path",
    "location",
    "roles",
    "status",
    "joined_at",
    "left_at",
}


@pytest.fixture
def api(admin) -> Api:
    return Api(token_for(admin))


@pytest.fixture
def advocate_api(advocate) -> Api:
    return Api(token_for(advocate))


@pytest.fixture
def company(org):
    head = DepartmentFactory(organization=org, name="本社")
    plant = DepartmentFactory(organization=org, name="製造本部", parent=head)
    osaka = LocationFactory(organization=org, name="大阪工場")
    sato = make_person(
        org,
        full_name="佐藤 花子",
        full_name_kana="サトウ ハナコ",
        employee_number="E1",
        department=plant,
        location=osaka,
        roles=[Role.ADVOCATE, Role.CURATOR],
    )
    ito = make_person(org, full_name="伊藤 健", full_name_kana="イトウ ケン", department=head)
    return {"head": head, "plant": plant, "osaka": osaka, "sato": sato, "ito": ito}


# --- people --------------------------------------------------------------------------------------


def test_unauthenticated_calls_get_the_error_schema(client):
    assert_error(client.get("/api/v1/people"), 401, "unauthenticated")


def test_people_list_shape_order_and_department_path(api, company):
    response = api.get("/people")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1
    # By reading: イトウ, サトウ, then the admin (ヤマダ… from the factory).
    assert [p["full_name"] for p in body["items"]] == ["伊藤 健", "佐藤 花子", "管理 花子"]
    sato = next(p for p in body["items"] if p["full_name"] == "佐藤 花子")
    assert set(sato) == PERSON_KEYS
    assert sato["department"] == {"id": company["plant"].pk, "name": "製造本部"}
    assert sato["department_path"] == "本社 > 製造本部"
    assert sato["location"] == {"id": company["osaka"].pk, "name": "大阪工場"}
    assert sato["roles"] == ["advocate", "curator"]
    assert sato["status"] == "active" and sato["left_at"] is None


def test_people_filters(api, company):
    def names(**params):
        return sorted(p["full_name"] for p in api.get("/people", **params).json()["items"])

    assert names(q="さとう") == ["佐藤 花子"]
    assert names(department_id=company["head"].pk) == ["伊藤 健", "佐藤 花子"]
    assert names(location_id=company["osaka"].pk) == ["佐藤 花子"]
    assert names(role="curator") == ["佐藤 花子"]
    assert names(status="left") == []
    assert_error(api.get("/people", role="emperor"), 422, "invalid")


def test_people_pagination(api, company):
    body = api.get("/people", page_size=2, page=2).json()
    assert body["count"] == 3 and body["pages"] == 2 and body["page"] == 2
    assert len(body["items"]) == 1
    assert_error(api.get("/people", page_size=1000), 400, "invalid_page")


def test_people_list_query_count_is_constant(api, org, company, django_assert_max_num_queries):
    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/people").status_code == 200
        return len(ctx.captured_queries)

    few = run()
    for _ in range(40):
        make_person(org, department=company["plant"], roles=[Role.ADVOCATE, Role.REVIEWER])
    with django_assert_max_num_queries(few):
        assert len(api.get("/people").json()["items"]) == 43


def test_advocates_cannot_list_people(advocate_api):
    assert_error(advocate_api.get("/people"), 403, "permission_denied")


def test_session_auth_works_for_reads(admin, company):
    response = signed_in(admin).get("/api/v1/people")
    assert response.status_code == 200 and response.json()["count"] == 3


def test_create_person(api, company):
    response = api.post(
        "/people",
        {
            "email": "New.Hire@Example.com",
            "full_name": "新人 太郎",
            "full_name_kana": "シンジン タロウ",
            "department_id": company["head"].pk,
            "roles": ["advocate", "reviewer"],
            "language": "en",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == PERSON_KEYS
    assert body["email"] == "new.hire@example.com" and body["language"] == "en"
    assert body["roles"] == ["advocate", "reviewer"]
    assert body["department_path"] == "本社"
    assert Membership.objects.filter(pk=body["id"]).exists()


def test_create_person_errors(api, org, company):
    error = assert_error(
        api.post("/people", {"email": "a@example.com", "full_name": "x", "employee_number": "E1"}),
        409,
        "conflict",
    )
    assert "employee_number" in error["fields"]
    error = assert_error(api.post("/people", {"email": "a@example.com"}), 422, "invalid")
    assert "full_name" in error["fields"]
    assert_error(api.post("/people", {"email": "a@example.com", "full_name": " "}), 400)
    assert_error(
        api.post("/people", {"email": "a@example.com", "full_name": "x", "department_id": 999999}),
        404,
        "not_found",
    )
    assert not Membership.objects.filter(user__email="a@example.com").exists()


def test_program_manager_cannot_grant_curator_over_the_api(org):
    pm = Api(token_for(make_person(org, roles=[Role.PROGRAM_MANAGER])))
    response = pm.post(
        "/people", {"email": "c@example.com", "full_name": "c", "roles": ["advocate", "curator"]}
    )
    assert_error(response, 403, "permission_denied")
    assert pm.post("/people", {"email": "c@example.com", "full_name": "c"}).status_code == 201


def test_read_only_tokens_cannot_write(admin):
    reader = Api(token_for(admin, scopes=("read",)))
    assert reader.get("/people").status_code == 200
    assert_error(reader.post("/people", {"email": "r@example.com", "full_name": "r"}), 403)


def test_get_person(api, company):
    body = api.get(f"/people/{company['sato'].pk}").json()
    assert body["full_name"] == "佐藤 花子" and set(body) == PERSON_KEYS


def test_patch_changes_only_what_is_sent(api, company):
    sato = company["sato"]
    response = api.patch(f"/people/{sato.pk}", {"title": "工場長"})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "工場長"
    assert body["department"]["id"] == company["plant"].pk
    assert body["roles"] == ["advocate", "curator"]
    body = api.patch(f"/people/{sato.pk}", {"department_id": None, "roles": ["advocate"]}).json()
    assert body["department"] is None and body["roles"] == ["advocate"]
    assert body["location"]["id"] == company["osaka"].pk


def test_patch_refuses_removing_the_last_admin(api, admin):
    assert_error(api.patch(f"/people/{admin.pk}", {"roles": ["advocate"]}), 400, "last_admin")


def test_offboard_and_reinstate(api, admin, company):
    sato = company["sato"]
    sato_api = Api(token_for(sato))
    assert sato_api.get("/me").status_code == 200

    response = api.post(f"/people/{sato.pk}/offboard", {"reason": "退職"})
    assert response.status_code == 200
    assert response.json()["status"] == "left" and response.json()["left_at"]
    assert_error(sato_api.get("/me"), 401, "unauthenticated")
    assert AuditEvent.objects.get(action="person.offboarded").data["reason"] == "退職"

    # Without a body, and a second time: harmless.
    again = api.client.post(
        f"/api/v1/people/{sato.pk}/offboard", "", content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["status"] == "left"

    response = api.post(f"/people/{sato.pk}/reinstate")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert_error(sato_api.get("/me"), 401)  # the token stays revoked


def test_offboarding_yourself_or_the_last_admin_is_refused(api, admin):
    assert_error(api.post(f"/people/{admin.pk}/offboard"), 400, "self_offboard")


def test_program_manager_cannot_offboard(org, company):
    pm = Api(token_for(make_person(org, roles=[Role.PROGRAM_MANAGER])))
    assert_error(pm.post(f"/people/{company['sato'].pk}/offboard"), 403, "permission_denied")


# --- another organization ------------------------------------------------------------------------


def test_another_organizations_ids_are_not_found(api, other_org, other_admin):
    foreign_dept = DepartmentFactory(organization=other_org)
    foreign_loc = LocationFactory(organization=other_org)
    for response in (
        api.get(f"/people/{other_admin.pk}"),
        api.patch(f"/people/{other_admin.pk}", {"title": "x"}),
        api.post(f"/people/{other_admin.pk}/offboard"),
        api.post(f"/people/{other_admin.pk}/reinstate"),
        api.patch(f"/departments/{foreign_dept.pk}", {"name": "x"}),
        api.patch(f"/locations/{foreign_loc.pk}", {"name": "x"}),
        api.post("/departments", {"name": "x", "parent_id": foreign_dept.pk}),
    ):
        assert_error(response, 404, "not_found")
    other_admin.refresh_from_db()
    assert other_admin.is_active and other_admin.title == ""
    foreign_dept.refresh_from_db()
    assert foreign_dept.name != "x"


def test_lists_hold_only_the_callers_organization(api, other_org, other_admin):
    DepartmentFactory(organization=other_org, name="他社の部")
    audit_record(actor=actor(other_admin), action="secret.thing")
    assert all(p["id"] != other_admin.pk for p in api.get("/people").json()["items"])
    assert api.get("/departments").json()["count"] == 0
    assert api.get("/audit").json()["count"] == 0


# --- departments and locations -------------------------------------------------------------------


def test_departments(api, company):
    body = api.get("/departments").json()
    assert set(body) == PAGE_KEYS
    plant = next(d for d in body["items"] if d["name"] == "製造本部")
    assert plant == {
        "id": company["plant"].pk,
        "name": "製造本部",
        "code": "",
        "parent_id": company["head"].pk,
        "path": "本社 > 製造本部",
        "member_count": 1,
    }
    response = api.post(
        "/departments", {"name": "第一製造部", "code": "M1", "parent_id": company["plant"].pk}
    )
    assert response.status_code == 201
    new = response.json()
    assert new["path"] == "本社 > 製造本部 > 第一製造部" and new["member_count"] == 0
    assert_error(api.post("/departments", {"name": "本社"}), 409, "conflict")


def test_department_moves(api, company):
    head, plant = company["head"], company["plant"]
    error = assert_error(api.patch(f"/departments/{head.pk}", {"parent_id": plant.pk}), 400)
    assert "parent_id" in error["fields"]
    response = api.patch(f"/departments/{plant.pk}", {"parent_id": None})
    assert response.status_code == 200 and response.json()["parent_id"] is None
    response = api.patch(f"/departments/{plant.pk}", {"code": "P"})
    assert response.json()["parent_id"] is None and response.json()["code"] == "P"


def test_advocates_read_departments_but_cannot_change_them(advocate_api, company):
    assert advocate_api.get("/departments").json()["count"] == 2
    assert_error(advocate_api.post("/departments", {"name": "x"}), 403, "permission_denied")
    assert not Department.objects.filter(name="x").exists()


def test_locations(api, company):
    body = api.get("/locations").json()
    assert body["items"] == [
        {"id": company["osaka"].pk, "name": "大阪工場", "code": "", "member_count": 1}
    ]
    response = api.post("/locations", {"name": "東京本社", "code": "TKY"})
    assert response.status_code == 201 and response.json()["code"] == "TKY"
    assert_error(api.post("/locations", {"name": "東京本社"}), 409, "conflict")
    response = api.patch(f"/locations/{company['osaka'].pk}", {"name": "大阪第二工場"})
    assert response.json()["name"] == "大阪第二工場"


def test_delete_an_unused_department(api, company, org):
    unused = DepartmentFactory(organization=org, name="廃止予定課", parent=company["head"])
    response = api.delete(f"/departments/{unused.pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Department.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.get(action="department.deleted").data["path"] == "本社 > 廃止予定課"
    assert_error(api.delete(f"/departments/{unused.pk}"), 404, "not_found")


def test_a_department_in_use_is_not_deleted(api, company):
    # 本社 has a sub-department (製造本部) and a member (伊藤); 製造本部 has a member.
    for dept in (company["head"], company["plant"]):
        error = assert_error(api.delete(f"/departments/{dept.pk}"), 409, "department_not_empty")
        assert dept.name in error["message"] and error["fields"] == {}
    head = assert_error(api.delete(f"/departments/{company['head'].pk}"), 409)
    assert "1 sub-department" in head["message"] and "1 person" in head["message"]
    assert Department.objects.filter(pk__in=[company["head"].pk, company["plant"].pk]).count() == 2
    assert not AuditEvent.objects.filter(action="department.deleted").exists()


def test_delete_a_location(api, company, org):
    unused = LocationFactory(organization=org, name="閉鎖した倉庫")
    assert api.delete(f"/locations/{unused.pk}").status_code == 204
    assert not Location.objects.filter(pk=unused.pk).exists()
    error = assert_error(api.delete(f"/locations/{company['osaka'].pk}"), 409, "location_not_empty")
    assert "大阪工場" in error["message"]
    assert Location.objects.filter(pk=company["osaka"].pk).exists()


def test_deleting_needs_departments_manage_and_stays_in_the_organization(
    advocate_api, admin, org, other_org, company
):
    unused_dept = DepartmentFactory(organization=org)
    unused_loc = LocationFactory(organization=org)
    for path in (f"/departments/{unused_dept.pk}", f"/locations/{unused_loc.pk}"):
        assert_error(advocate_api.delete(path), 403, "permission_denied")
        assert_error(Api(token_for(admin, scopes=("read",))).delete(path), 403, "permission_denied")
    program_manager = Api(token_for(make_person(org, roles=[Role.PROGRAM_MANAGER])))
    foreign_dept = DepartmentFactory(organization=other_org)
    foreign_loc = LocationFactory(organization=other_org)
    assert_error(program_manager.delete(f"/departments/{foreign_dept.pk}"), 404, "not_found")
    assert_error(program_manager.delete(f"/locations/{foreign_loc.pk}"), 404, "not_found")
    assert Department.objects.filter(pk=foreign_dept.pk).exists()
    assert Location.objects.filter(pk=foreign_loc.pk).exists()
    assert program_manager.delete(f"/departments/{unused_dept.pk}").status_code == 204
    assert program_manager.delete(f"/locations/{unused_loc.pk}").status_code == 204


# --- organization --------------------------------------------------------------------------------


def test_organization_read_and_update(api, org):
    body = api.get("/organization").json()
    assert body == {
        "slug": "mirai",
        "name": "株式会社みらい製作所",
        "locale": "ja",
        "time_zone": "Asia/Tokyo",
        "require_two_factor": False,
        "logo_url": None,
        "default_appear_as": "name",
        "created_at": body["created_at"],
    }
    body = api.patch("/organization", {"time_zone": "Europe/Berlin"}).json()
    assert body["time_zone"] == "Europe/Berlin" and body["name"] == "株式会社みらい製作所"
    error = assert_error(api.patch("/organization", {"time_zone": "Mars/Olympus"}), 400)
    assert "time_zone" in error["fields"]
    assert_error(api.patch("/organization", {"locale": "fr"}), 422)
    org.refresh_from_db()
    assert org.time_zone == "Europe/Berlin"


def test_only_admins_change_the_organization(advocate_api, org):
    assert advocate_api.get("/organization").status_code == 200
    assert_error(advocate_api.patch("/organization", {"name": "乗っ取り"}), 403)
    assert Organization.objects.get(pk=org.pk).name == "株式会社みらい製作所"


# --- audit ---------------------------------------------------------------------------------------


def test_audit_list_and_filters(api, admin_actor, company):
    audit_record(actor=admin_actor, action="person.updated", target=company["sato"])
    audit_record(actor=admin_actor, action="department.created", target=company["head"])
    body = api.get("/audit").json()
    assert set(body) == PAGE_KEYS and body["count"] == 2
    first = body["items"][0]
    assert first["action"] == "department.created" and first["seq"] == 2
    assert set(first) == {
        "seq",
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "data",
        "hash",
    }
    assert api.get("/audit", action="person.updated").json()["count"] == 1
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert api.get("/audit", since=later).json()["count"] == 0
    assert api.get("/audit", until=later).json()["count"] == 2


def test_audit_is_for_admins_only(advocate_api):
    assert_error(advocate_api.get("/audit"), 403, "permission_denied")
