"""Departments and locations: the tree, moves without cycles, and their pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ouendan.accounts.models import AuditEvent, Department, Location, Membership
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import department_paths, department_tree
from ouendan.accounts.services.organizations import (
    MAX_DEPARTMENT_DEPTH,
    department_create,
    department_update,
    location_create,
    location_update,
)
from ouendan.core.errors import Conflict, DomainError, NotFound
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, LocationFactory, actor, make_person


@pytest.fixture
def tree(org):
    """本社 > 製造本部 > 第一製造部, and 営業部 at the top."""
    head = DepartmentFactory(organization=org, name="本社")
    manufacturing = DepartmentFactory(organization=org, name="製造本部", parent=head)
    first = DepartmentFactory(organization=org, name="第一製造部", parent=manufacturing)
    sales = DepartmentFactory(organization=org, name="営業部")
    return {"head": head, "manufacturing": manufacturing, "first": first, "sales": sales}


# --- services ------------------------------------------------------------------------------------


def test_create_records_the_department_and_an_audit_event(admin_actor, tree):
    dept = department_create(
        actor=admin_actor, name=" 第二製造部 ", code="M2", parent_id=tree["manufacturing"].pk
    )
    assert dept.name == "第二製造部" and dept.parent == tree["manufacturing"]
    event = AuditEvent.objects.get(action="department.created")
    assert event.data == {"name": "第二製造部", "code": "M2", "parent": "製造本部"}


def test_empty_name_is_refused(admin_actor):
    with pytest.raises(DomainError) as exc_info:
        department_create(actor=admin_actor, name="  ")
    assert "name" in exc_info.value.fields
    assert not Department.objects.exists()


def test_two_top_level_departments_cannot_share_a_name(admin_actor, tree):
    with pytest.raises(Conflict):
        department_create(actor=admin_actor, name="営業部")


def test_same_name_under_different_parents_is_fine(admin_actor, tree):
    department_create(actor=admin_actor, name="総務課", parent_id=tree["sales"].pk)
    department_create(actor=admin_actor, name="総務課", parent_id=tree["head"].pk)
    assert Department.objects.filter(name="総務課").count() == 2


def test_codes_are_unique_in_the_organization(admin_actor, tree):
    department_create(actor=admin_actor, name="A", code="X1")
    with pytest.raises(Conflict) as exc_info:
        department_create(actor=admin_actor, name="B", code="X1", parent_id=tree["head"].pk)
    assert "code" in exc_info.value.fields


def test_parent_from_another_organization_is_not_found(admin_actor, other_org):
    foreign = DepartmentFactory(organization=other_org)
    with pytest.raises(NotFound):
        department_create(actor=admin_actor, name="x", parent_id=foreign.pk)


def test_nesting_is_limited(admin_actor, org):
    parent = None
    for level in range(MAX_DEPARTMENT_DEPTH):
        parent = DepartmentFactory(organization=org, name=f"L{level}", parent=parent)
    with pytest.raises(DomainError):
        department_create(actor=admin_actor, name="too deep", parent_id=parent.pk)


def test_moving_a_department_under_its_child_is_refused(admin_actor, tree):
    for target in ("first", "head"):
        with pytest.raises(DomainError) as exc_info:
            department_update(
                actor=admin_actor, department_id=tree["head"].pk, parent_id=tree[target].pk
            )
        assert "parent_id" in exc_info.value.fields
    tree["head"].refresh_from_db()
    assert tree["head"].parent_id is None


def test_move_and_rename_are_audited(admin_actor, tree):
    department_update(
        actor=admin_actor,
        department_id=tree["first"].pk,
        name="第一製造課",
        parent_id=tree["sales"].pk,
    )
    tree["first"].refresh_from_db()
    assert tree["first"].parent == tree["sales"] and tree["first"].name == "第一製造課"
    event = AuditEvent.objects.get(action="department.updated")
    assert event.data["parent"] == "営業部" and event.data["name"] == "第一製造課"


def test_move_to_the_top_level(admin_actor, tree):
    department_update(actor=admin_actor, department_id=tree["first"].pk, parent_id=None)
    tree["first"].refresh_from_db()
    assert tree["first"].parent_id is None


def test_a_move_that_would_nest_too_deep_is_refused(admin_actor, org, tree):
    parent = None
    for level in range(MAX_DEPARTMENT_DEPTH - 1):
        parent = DepartmentFactory(organization=org, name=f"L{level}", parent=parent)
    # 本社 has two levels below it: moving it under level 7 would make ten levels.
    with pytest.raises(DomainError):
        department_update(actor=admin_actor, department_id=tree["head"].pk, parent_id=parent.pk)


def test_advocates_cannot_change_departments(org, tree):
    advocate_actor = actor(make_person(org))
    with pytest.raises(PermissionDenied):
        department_create(actor=advocate_actor, name="x")
    with pytest.raises(PermissionDenied):
        department_update(actor=advocate_actor, department_id=tree["head"].pk, name="y")


def test_tree_is_in_order_with_depths_and_active_member_counts(admin_actor, org, tree):
    make_person(org, department=tree["first"])
    make_person(org, department=tree["first"], status=Membership.Status.LEFT)
    nodes = department_tree(actor=admin_actor)
    assert [(n.department.name, n.depth) for n in nodes] == [
        ("営業部", 0),
        ("本社", 0),
        ("製造本部", 1),
        ("第一製造部", 2),
    ]
    assert next(n for n in nodes if n.department == tree["first"]).member_count == 1
    assert department_paths(actor=admin_actor)[tree["first"].pk] == "本社 > 製造本部 > 第一製造部"


def test_locations_are_unique_by_name(admin_actor):
    location_create(actor=admin_actor, name="東京本社", code="TKY")
    with pytest.raises(Conflict):
        location_create(actor=admin_actor, name="東京本社")
    with pytest.raises(DomainError):
        location_create(actor=admin_actor, name="")
    assert Location.objects.count() == 1


def test_location_rename(admin_actor, org):
    loc = LocationFactory(organization=org, name="大阪")
    LocationFactory(organization=org, name="名古屋")
    location_update(actor=admin_actor, location_id=loc.pk, name="大阪工場")
    loc.refresh_from_db()
    assert loc.name == "大阪工場"
    with pytest.raises(Conflict):
        location_update(actor=admin_actor, location_id=loc.pk, name="名古屋")


# --- pages ---------------------------------------------------------------------------------------


def test_departments_page_shows_the_tree_indented(admin_client, tree):
    response = admin_client.get(reverse("accounts:departments"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "indent-2" in html and "第一製造部" in html
    assert 'name="parent_id"' in html  # the create form


def test_every_role_can_read_departments_but_only_managers_see_the_form(org, tree):
    client = signed_in(make_person(org, roles=[Role.ADVOCATE]))
    response = client.get(reverse("accounts:departments"))
    assert response.status_code == 200
    assert "第一製造部" in response.content.decode()
    assert 'name="parent_id"' not in response.content.decode()
    assert client.post(reverse("accounts:departments"), {"name": "x"}).status_code == 403
    assert not Department.objects.filter(name="x").exists()


def test_department_is_created_from_the_page(admin_client, tree):
    response = admin_client.post(
        reverse("accounts:departments"),
        {"name": "品質保証部", "code": "QA", "parent_id": tree["manufacturing"].pk},
        follow=True,
    )
    assert response.status_code == 200
    dept = Department.objects.get(name="品質保証部")
    assert dept.parent == tree["manufacturing"]
    assert "品質保証部" in response.content.decode()


def test_department_create_errors_are_shown_on_the_form(admin_client, tree):
    response = admin_client.post(reverse("accounts:departments"), {"name": "営業部"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert Department.objects.filter(name="営業部").count() == 1


def test_department_edit_moves_and_refuses_cycles(admin_client, tree):
    url = reverse("accounts:department_edit", args=[tree["head"].pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    # Its own branch is not offered as a parent.
    assert f'value="{tree["first"].pk}"' not in page.content.decode()
    response = admin_client.post(url, {"name": "本社", "code": "", "parent_id": tree["first"].pk})
    assert response.status_code == 200
    tree["head"].refresh_from_db()
    assert tree["head"].parent_id is None

    response = admin_client.post(
        reverse("accounts:department_edit", args=[tree["first"].pk]),
        {"name": "第一製造部", "code": "M1", "parent_id": tree["sales"].pk},
    )
    assert response.status_code == 302
    tree["first"].refresh_from_db()
    assert tree["first"].parent == tree["sales"] and tree["first"].code == "M1"


def test_department_edit_needs_manage_permission(org, tree):
    client = signed_in(make_person(org, roles=[Role.MANAGER]))
    url = reverse("accounts:department_edit", args=[tree["head"].pk])
    assert client.get(url).status_code == 403


def test_another_organizations_department_is_404(admin_client, other_org):
    foreign = DepartmentFactory(organization=other_org)
    url = reverse("accounts:department_edit", args=[foreign.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"name": "x"}).status_code == 404


def test_locations_page_lists_with_counts_and_creates(admin_client, org):
    loc = LocationFactory(organization=org, name="大阪工場")
    make_person(org, location=loc)
    page = admin_client.get(reverse("accounts:locations"))
    assert page.status_code == 200
    assert "大阪工場" in page.content.decode()
    response = admin_client.post(
        reverse("accounts:locations"), {"name": "名古屋支店", "code": "NGO"}
    )
    assert response.status_code == 302
    assert Location.objects.filter(organization=org, name="名古屋支店", code="NGO").exists()


def test_locations_post_by_an_advocate_is_403(org, advocate):
    client = signed_in(advocate)
    assert client.get(reverse("accounts:locations")).status_code == 200
    assert client.post(reverse("accounts:locations"), {"name": "x"}).status_code == 403
