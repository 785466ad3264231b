"""Reads of organizations, people and departments, always scoped by an explicit actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from ouendan.accounts.models import Department, Location, Membership, RoleGrant
from ouendan.accounts.permissions import Action, Actor, actor_for_membership, require
from ouendan.accounts.roles import Role
from ouendan.accounts.sessions import ORGANIZATION as ORGANIZATION_SESSION_KEY


def memberships_with_roles() -> QuerySet[Membership]:
    return Membership.objects.select_related(
        "organization", "user", "department", "location"
    ).prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))


def active_memberships_of(user_id: int) -> QuerySet[Membership]:
    return (
        memberships_with_roles()
        .filter(user_id=user_id, status=Membership.Status.ACTIVE)
        .order_by("organization__name")
    )


def actor_for_request(request: HttpRequest) -> Actor | None:
    """The signed-in person in the organization chosen in their session (or their only one)."""
    if not request.user.is_authenticated:
        return None
    memberships = list(active_memberships_of(request.user.pk))
    if not memberships:
        return None
    chosen = request.session.get(ORGANIZATION_SESSION_KEY)
    membership = next((m for m in memberships if m.organization_id == chosen), memberships[0])
    return actor_for_membership(membership)


@dataclass(frozen=True)
class PeopleFilter:
    query: str = ""
    department_id: int | None = None
    location_id: int | None = None
    role: Role | None = None
    status: str = Membership.Status.ACTIVE
    include_subdepartments: bool = True


def department_descendant_ids(*, actor: Actor, department_id: int) -> set[int]:
    """The department and everything below it, from one query."""
    rows = Department.objects.filter(organization=actor.organization).values_list("id", "parent_id")
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in rows:
        children.setdefault(parent_id, []).append(dept_id)
    found, stack = set(), [department_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def people_list(*, actor: Actor, filters: PeopleFilter | None = None) -> QuerySet[Membership]:
    require(actor, Action.PEOPLE_VIEW)
    filters = filters or PeopleFilter()
    people = memberships_with_roles().filter(organization=actor.organization)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.query:
        q = filters.query.strip()
        people = people.filter(
            Q(full_name__icontains=q)
            | Q(full_name_kana__icontains=q)
            | Q(user__email__icontains=q)
            | Q(employee_number__iexact=q)
            | Q(title__icontains=q)
        )
    if filters.department_id:
        ids = (
            department_descendant_ids(actor=actor, department_id=filters.department_id)
            if filters.include_subdepartments
            else {filters.department_id}
        )
        people = people.filter(department_id__in=ids)
    if filters.location_id:
        people = people.filter(location_id=filters.location_id)
    if filters.role:
        people = people.filter(role_grants__role=filters.role)
    return people.order_by("full_name_kana", "full_name", "pk")


def person_get(*, actor: Actor, membership_id: int) -> Membership:
    """One person of the actor's organization; another organization's id is simply not found."""
    require(actor, Action.PEOPLE_VIEW)
    return memberships_with_roles().get(organization=actor.organization, pk=membership_id)


def department_list(*, actor: Actor) -> QuerySet[Department]:
    require(actor, Action.DEPARTMENTS_VIEW)
    return Department.objects.filter(organization=actor.organization).order_by("name", "pk")


@dataclass(frozen=True)
class DepartmentNode:
    department: Department
    depth: int
    member_count: int


def department_tree(*, actor: Actor) -> list[DepartmentNode]:
    """Departments in tree order (parents before children) with active member counts."""
    from django.db.models import Count

    departments = list(
        department_list(actor=actor).annotate(
            member_count=Count("members", filter=Q(members__status=Membership.Status.ACTIVE))
        )
    )
    children: dict[int | None, list[Department]] = {}
    for dept in departments:
        children.setdefault(dept.parent_id, []).append(dept)
    ordered: list[DepartmentNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for dept in children.get(parent_id, []):
            ordered.append(DepartmentNode(dept, depth, dept.member_count))  # type: ignore[attr-defined]
            walk(dept.pk, depth + 1)

    walk(None, 0)
    return ordered


def location_list(*, actor: Actor) -> QuerySet[Location]:
    require(actor, Action.DEPARTMENTS_VIEW)
    return Location.objects.filter(organization=actor.organization).order_by("name", "pk")
