"""List pages and API lists cost the same number of queries for 3 rows as for 30 (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouendan.accounts.models import ApiToken, Invitation, Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.services.invitations import invitation_create
from ouendan.accounts.services.organizations import department_create, location_create
from ouendan.accounts.services.tokens import api_token_create
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, LocationFactory, make_person


def add_invitations(actor: Actor, start: int, count: int) -> None:
    dept = DepartmentFactory(organization=actor.organization)
    for i in range(start, start + count):
        invitation_create(
            actor=actor,
            email=f"invitee{i}@example.com",
            full_name=f"招待 {i}",
            department_id=dept.pk,
        )


def add_personal_tokens(actor: Actor, start: int, count: int) -> None:
    for i in range(start, start + count):
        api_token_create(actor=actor, kind="personal", name=f"token {i}", scopes=["read"])


def add_org_tokens(actor: Actor, start: int, count: int) -> None:
    for i in range(start, start + count):
        api_token_create(
            actor=actor, kind="organization", name=f"org {i}", scopes=["read"], roles=["curator"]
        )


def add_departments(actor: Actor, start: int, count: int) -> None:
    parent = department_create(actor=actor, name=f"本部 {start}")
    for i in range(start, start + count):
        dept = department_create(actor=actor, name=f"部 {i}", parent_id=parent.pk)
        make_person(actor.organization, department=dept)


def add_locations(actor: Actor, start: int, count: int) -> None:
    for i in range(start, start + count):
        location = location_create(actor=actor, name=f"拠点 {i}")
        make_person(actor.organization, location=location)


def add_people(actor: Actor, start: int, count: int) -> None:
    dept = DepartmentFactory(organization=actor.organization)
    location = LocationFactory(organization=actor.organization)
    for i in range(start, start + count):
        make_person(
            actor.organization,
            roles=[Role.ADVOCATE, Role.CURATOR],
            department=dept,
            location=location,
            employee_number=f"E{i:04}",
        )


LISTS: dict[str, tuple[str, Callable[[Actor, int, int], None]]] = {
    "invitations page": ("/accounts/invitations/", add_invitations),
    "invitations API": ("/api/v1/invitations", add_invitations),
    "personal tokens page": ("/accounts/tokens/", add_personal_tokens),
    "personal tokens API": ("/api/v1/tokens", add_personal_tokens),
    "organization tokens page": ("/accounts/organization/tokens/", add_org_tokens),
    "organization tokens API": ("/api/v1/organization/tokens", add_org_tokens),
    "departments page": ("/accounts/organization/departments/", add_departments),
    "departments API": ("/api/v1/departments", add_departments),
    "locations page": ("/accounts/organization/locations/", add_locations),
    "locations API": ("/api/v1/locations", add_locations),
    "people API": ("/api/v1/people", add_people),
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_costs_the_same_for_few_and_many_rows(name, admin, admin_actor):
    url, add = LISTS[name]
    client = signed_in(admin)
    add(admin_actor, 0, 3)
    few = queries_for(client, url)
    add(admin_actor, 3, 27)
    many = queries_for(client, url)
    assert many == few, f"{name}: {few} queries for 3 rows, {many} for 30"


def test_the_rows_were_really_there(admin_actor):
    add_invitations(admin_actor, 0, 2)
    add_personal_tokens(admin_actor, 0, 2)
    assert Invitation.objects.count() == 2
    assert ApiToken.objects.count() == 2
    assert Membership.objects.count() == 1
