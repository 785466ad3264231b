"""Departments and locations: the tree, moves without cycles, and their pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from ouendan.accounts.audit import audit_verify
from ouendan.accounts.models import AuditEvent, Department, Invitation, Location, Membership
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import department_paths, department_tree
from ouendan.accounts.services.organizations import (
    MAX_DEPARTMENT_DEPTH,
    department_create,
    department_delete,
    department_update,
    location_create,
    location_delete,
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


# --- deleting departments and locations ----------------------------------------------------------


def _invitation(org, department, *, status=Invitation.Status.PENDING, days=7):
    return Invitation.objects.create(
        organization=org,
        email=f"invitee-{status}-{days}@example.com",
        department=department,
        token_hash=f"{status}-{days}-{department.pk}".ljust(64, "0"),
        status=status,
        expires_at=timezone.now() + timedelta(days=days),
    )


def test_an_unused_department_is_deleted_and_audited(admin_actor, org, tree):
    unused = DepartmentFactory(organization=org, name="廃止課", code="OLD", parent=tree["sales"])
    deleted = department_delete(actor=admin_actor, department_id=unused.pk)
    assert deleted.name == "廃止課"
    assert not Department.objects.filter(pk=unused.pk).exists()
    event = AuditEvent.objects.get(action="department.deleted")
    assert event.target_id == str(unused.pk) and event.target_label == "廃止課"
    assert event.data == {"name": "廃止課", "code": "OLD", "path": "営業部 > 廃止課"}
    assert audit_verify(org) is None


@pytest.mark.parametrize("use", ["sub-department", "member", "leaver", "invitation"])
def test_a_department_in_use_is_kept(admin_actor, org, tree, use):
    dept = tree["first"]
    if use == "sub-department":
        DepartmentFactory(organization=org, name="第一製造課", parent=dept)
    elif use == "member":
        person = make_person(org, department=dept)
    elif use == "leaver":
        person = make_person(org, department=dept, status=Membership.Status.LEFT)
    else:
        _invitation(org, dept)
    with pytest.raises(Conflict) as refused:
        department_delete(actor=admin_actor, department_id=dept.pk)
    assert refused.value.code == "department_not_empty"
    assert "第一製造部" in refused.value.message
    assert Department.objects.filter(pk=dept.pk).exists()
    if use in ("member", "leaver"):
        person.refresh_from_db()
        assert person.department_id == dept.pk  # history stays intact
    assert not AuditEvent.objects.filter(action="department.deleted").exists()


def test_the_refusal_names_what_still_uses_the_department(admin_actor, org, tree):
    dept = tree["manufacturing"]  # 第一製造部 is under it
    DepartmentFactory(organization=org, parent=dept)
    for _ in range(3):
        make_person(org, department=dept)
    make_person(org, department=dept, status=Membership.Status.LEFT)
    _invitation(org, dept)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        department_delete(actor=admin_actor, department_id=dept.pk)
    message = refused.value.message
    assert message.startswith("製造本部 cannot be deleted yet.")
    assert "It has 2 sub-departments: move or delete them first." in message
    assert "3 people are placed in it: move them elsewhere first." in message
    assert "1 person who has left is still recorded in it" in message
    assert "1 pending invitation places someone in it: revoke it first." in message


def test_invitations_that_can_no_longer_be_accepted_do_not_keep_a_department(
    admin_actor, org, tree
):
    dept = tree["sales"]
    revoked = _invitation(org, dept, status=Invitation.Status.REVOKED)
    past = _invitation(org, dept, days=-1)  # pending, but expired
    department_delete(actor=admin_actor, department_id=dept.pk)
    revoked.refresh_from_db()
    past.refresh_from_db()
    assert revoked.department_id is None and past.department_id is None


def test_another_organizations_department_or_location_is_not_found(admin_actor, other_org):
    foreign_dept = DepartmentFactory(organization=other_org)
    foreign_loc = LocationFactory(organization=other_org)
    with pytest.raises(NotFound):
        department_delete(actor=admin_actor, department_id=foreign_dept.pk)
    with pytest.raises(NotFound):
        location_delete(actor=admin_actor, location_id=foreign_loc.pk)
    assert Department.objects.filter(pk=foreign_dept.pk).exists()
    assert Location.objects.filter(pk=foreign_loc.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.PROGRAM_MANAGER, True), (Role.MANAGER, False), (Role.ADVOCATE, False)],
)
def test_who_may_delete_follows_the_matrix(org, role, allowed):
    who = actor(make_person(org, roles=[role]))
    dept = DepartmentFactory(organization=org)
    loc = LocationFactory(organization=org)
    if allowed:
        department_delete(actor=who, department_id=dept.pk)
        location_delete(actor=who, location_id=loc.pk)
    else:
        with pytest.raises(PermissionDenied):
            department_delete(actor=who, department_id=dept.pk)
        with pytest.raises(PermissionDenied):
            location_delete(actor=who, location_id=loc.pk)
    assert Department.objects.filter(pk=dept.pk).exists() is not allowed
    assert Location.objects.filter(pk=loc.pk).exists() is not allowed


def test_an_unused_location_is_deleted_and_audited(admin_actor, org):
    loc = LocationFactory(organization=org, name="旧倉庫", code="WH")
    deleted = location_delete(actor=admin_actor, location_id=loc.pk)
    assert deleted.name == "旧倉庫"
    assert not Location.objects.filter(pk=loc.pk).exists()
    event = AuditEvent.objects.get(action="location.deleted")
    assert event.target_id == str(loc.pk)
    assert event.data == {"name": "旧倉庫", "code": "WH"}


@pytest.mark.parametrize("status", [Membership.Status.ACTIVE, Membership.Status.LEFT])
def test_a_location_with_people_is_kept(admin_actor, org, status):
    loc = LocationFactory(organization=org, name="大阪工場")
    person = make_person(org, location=loc, status=status)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        location_delete(actor=admin_actor, location_id=loc.pk)
    assert refused.value.code == "location_not_empty"
    assert refused.value.message.startswith("大阪工場 cannot be deleted yet.")
    assert "1 person" in refused.value.message
    person.refresh_from_db()
    assert person.location_id == loc.pk
    assert not AuditEvent.objects.filter(action="location.deleted").exists()


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


# --- deleting from the pages ---------------------------------------------------------------------


def test_the_edit_page_offers_deleting_an_unused_department(admin_client, tree):
    sales = tree["sales"]
    html = admin_client.get(reverse("accounts:department_edit", args=[sales.pk])).text
    assert f'action="{reverse("accounts:department_delete", args=[sales.pk])}"' in html
    assert "data-confirm=" in html


def test_the_edit_page_says_why_a_department_in_use_stays(org, admin, tree):
    make_person(org, department=tree["head"], status=Membership.Status.LEFT)
    client = signed_in(admin, language="en")
    html = client.get(reverse("accounts:department_edit", args=[tree["head"].pk])).text
    assert reverse("accounts:department_delete", args=[tree["head"].pk]) not in html
    assert "It has 1 sub-department: move or delete it first." in html
    assert "1 person who has left is still recorded in it" in html


def test_deleting_a_department_from_the_page(admin_client, tree):
    url = reverse("accounts:department_delete", args=[tree["sales"].pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:departments")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert not Department.objects.filter(pk=tree["sales"].pk).exists()


def test_deleting_a_department_in_use_from_the_page_explains_and_keeps_it(admin_client, tree):
    head = tree["head"]
    response = admin_client.post(reverse("accounts:department_delete", args=[head.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:department_edit", args=[head.pk])
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Department.objects.filter(pk=head.pk).exists()


@pytest.mark.parametrize(("role", "status"), [(Role.PROGRAM_MANAGER, 302), (Role.MANAGER, 403)])
def test_deleting_from_the_pages_follows_the_matrix(org, role, status):
    client = signed_in(make_person(org, roles=[role]))
    dept = DepartmentFactory(organization=org)
    loc = LocationFactory(organization=org)
    assert client.post(reverse("accounts:department_delete", args=[dept.pk])).status_code == status
    assert client.post(reverse("accounts:location_delete", args=[loc.pk])).status_code == status
    kept = status != 302
    assert Department.objects.filter(pk=dept.pk).exists() is kept
    assert Location.objects.filter(pk=loc.pk).exists() is kept


def test_advocates_cannot_delete_from_the_pages(org, advocate, tree):
    client = signed_in(advocate)
    loc = LocationFactory(organization=org)
    url = reverse("accounts:department_delete", args=[tree["sales"].pk])
    assert client.post(url).status_code == 403
    assert client.post(reverse("accounts:location_delete", args=[loc.pk])).status_code == 403
    assert Department.objects.filter(pk=tree["sales"].pk).exists()
    assert Location.objects.filter(pk=loc.pk).exists()


def test_another_organizations_department_or_location_is_404_on_the_pages(admin_client, other_org):
    dept = DepartmentFactory(organization=other_org)
    loc = LocationFactory(organization=other_org)
    assert (
        admin_client.post(reverse("accounts:department_delete", args=[dept.pk])).status_code == 404
    )
    assert admin_client.post(reverse("accounts:location_delete", args=[loc.pk])).status_code == 404
    assert Department.objects.filter(pk=dept.pk).exists()
    assert Location.objects.filter(pk=loc.pk).exists()


def test_the_locations_page_offers_deleting_only_unused_locations(admin_client, org):
    unused = LocationFactory(organization=org, name="旧倉庫")
    busy = LocationFactory(organization=org, name="本社")
    former = LocationFactory(organization=org, name="閉鎖工場")
    make_person(org, location=busy)
    make_person(org, location=former, status=Membership.Status.LEFT)
    html = admin_client.get(reverse("accounts:locations")).text
    assert reverse("accounts:location_delete", args=[unused.pk]) in html
    assert reverse("accounts:location_delete", args=[busy.pk]) not in html
    assert reverse("accounts:location_delete", args=[former.pk]) not in html

    response = admin_client.post(reverse("accounts:location_delete", args=[unused.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:locations")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert not Location.objects.filter(pk=unused.pk).exists()

    admin_client.get(response["Location"])  # shows (and so uses up) the success message
    response = admin_client.post(reverse("accounts:location_delete", args=[former.pk]))
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Location.objects.filter(pk=former.pk).exists()
    assert admin_client.get(reverse("accounts:location_delete", args=[busy.pk])).status_code == 405


def test_the_audit_log_no_longer_links_to_a_deleted_department(admin_client, admin_actor, tree):
    sales = tree["sales"]
    department_update(actor=admin_actor, department_id=sales.pk, code="S1")
    edit_url = reverse("accounts:department_edit", args=[sales.pk])
    assert edit_url in admin_client.get(reverse("accounts:audit")).text
    department_delete(actor=admin_actor, department_id=sales.pk)
    html = admin_client.get(reverse("accounts:audit")).text
    assert "department.deleted" in html
    assert edit_url not in html
