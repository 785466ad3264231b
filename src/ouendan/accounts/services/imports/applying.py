"""Applying a plan: bulk writes for the many (new people, updated fields, roles), the services
for the few (new departments and locations, leavers, people coming back), an audit event for each
person who changed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from ouendan.accounts.audit import AuditEntry, audit_record_many
from ouendan.accounts.models import (
    ImportBatch,
    Location,
    Membership,
    RoleGrant,
    User,
)
from ouendan.accounts.permissions import Actor
from ouendan.accounts.services.imports.format import QUERY_CHUNK, name_key
from ouendan.accounts.services.imports.planning import DepartmentIndex, Plan, RowPlan
from ouendan.accounts.services.organizations import department_create, location_create
from ouendan.accounts.services.people import person_offboard, person_reinstate


def _ensure_departments(actor: Actor, plan: Plan, index: DepartmentIndex) -> dict[int, int]:
    """Create the planned departments (parents first); map row number → department id."""
    created: dict[tuple[str, ...], int] = {}
    placed: dict[int, int] = {}
    for row in plan.rows:
        if row.new_department is None or row.action == "error":
            continue
        parent_id, names = row.new_department
        path = tuple(name_key(n) for n in index.paths.get(parent_id or 0, ()))
        for name in names:
            path = (*path, name_key(name))
            existing = created.get(path) or index.by_full_path.get(path)
            if existing is None:
                existing = department_create(actor=actor, name=name, parent_id=parent_id).pk
                created[path] = existing
            parent_id = existing
        assert parent_id is not None
        placed[row.input.row] = parent_id
    return placed


def _ensure_locations(actor: Actor, plan: Plan, locations: dict[str, Location]) -> dict[str, int]:
    ids = {key: location.pk for key, location in locations.items()}
    for row in plan.rows:
        if row.new_location and name_key(row.new_location) not in ids:
            ids[name_key(row.new_location)] = location_create(actor=actor, name=row.new_location).pk
    return ids


def execute(actor: Actor, batch: ImportBatch, plan: Plan) -> dict[str, int]:
    new_departments = _ensure_departments(actor, plan, plan.directory.departments)
    location_ids = _ensure_locations(actor, plan, plan.directory.locations)

    def placement(row: RowPlan) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if row.input.department:
            fields["department_id"] = new_departments.get(row.input.row, row.department_id)
        if row.input.location:
            fields["location_id"] = location_ids[name_key(row.input.location)]
        return fields

    creates = [row for row in plan.rows if row.action == "create"]
    changes = [row for row in plan.rows if row.action in ("update", "leave")]
    source = {"source": "import", "batch": batch.pk}

    # New sign-ins, in bulk; they choose a password through the password reset or SSO.
    new_users = [
        User(email=row.input.email, language=row.input.language, password=make_password(None))
        for row in creates
        if row.user is None
    ]
    User.objects.bulk_create(new_users, batch_size=QUERY_CHUNK)
    users = {user.email: user for user in new_users}
    returning = [row.user for row in creates if row.user is not None and not row.user.is_active]
    if returning:
        User.objects.filter(pk__in=[u.pk for u in returning]).update(is_active=True)
    memberships = [
        Membership(
            organization=actor.organization,
            user=row.user or users[row.input.email],
            **row.fields,
            **placement(row),
        )
        for row in creates
    ]
    Membership.objects.bulk_create(memberships, batch_size=QUERY_CHUNK)
    RoleGrant.objects.bulk_create(
        (
            RoleGrant(membership=membership, role=role)
            for row, membership in zip(creates, memberships, strict=True)
            for role in sorted(row.roles or ())
        ),
        batch_size=QUERY_CHUNK,
    )
    for row, membership in zip(creates, memberships, strict=True):
        row.membership = membership
    audit_record_many(
        actor=actor,
        entries=[
            AuditEntry(
                "person.created",
                row.membership,
                {"email": row.input.email, "roles": sorted(row.roles or ()), **source},
            )
            for row in creates
        ],
    )

    # Updates: fields in bulk, sign-in changes in bulk, roles per role.
    changed_members: list[Membership] = []
    member_fields: set[str] = set()
    changed_users: list[User] = []
    user_fields: set[str] = set()
    for row in changes:
        member = row.membership
        assert member is not None
        values = {**row.fields, **placement(row)}
        values = {k: v for k, v in values.items() if getattr(member, k) != v}
        if values:
            for key, value in values.items():
                setattr(member, key, value)
            changed_members.append(member)
            member_fields |= set(values)
        user_values = {}
        if "email" in row.changes:
            user_values["email"] = row.input.email
        if "language" in row.changes:
            user_values["language"] = row.input.language
        if user_values:
            for key, value in user_values.items():
                setattr(member.user, key, value)
            changed_users.append(member.user)
            user_fields |= set(user_values)
    if changed_members:
        Membership.objects.bulk_update(
            changed_members, sorted(member_fields), batch_size=QUERY_CHUNK
        )
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(user_fields), batch_size=QUERY_CHUNK)
    _apply_roles(changes)
    reason = _("CSV import #%(id)d (%(file)s)") % {"id": batch.pk, "file": batch.file_name}
    updated = []
    for row in changes:
        other = {k: v for k, v in row.changes.items() if k != "status"}
        if other:
            data = {**{k: v[1] for k, v in other.items()}, **source}
            updated.append(AuditEntry("person.updated", row.membership, data))
    audit_record_many(actor=actor, entries=updated)
    # Leavers and returners go through their services (sessions, tokens, invitations).
    for row in changes:
        assert row.membership is not None
        if row.action == "leave":
            person_offboard(actor=actor, membership_id=row.membership.pk, reason=reason)
        elif row.reinstate:
            person_reinstate(actor=actor, membership_id=row.membership.pk)
    return {
        "departments_created": len(plan.new_departments),
        "locations_created": len(plan.new_locations),
    }


def _apply_roles(rows: list[RowPlan]) -> None:
    removals: dict[str, list[int]] = defaultdict(list)
    additions: list[RoleGrant] = []
    for row in rows:
        if row.roles is None or row.membership is None:
            continue
        current = {g.role for g in row.membership.role_grants.all()}
        for role in current - row.roles:
            removals[role].append(row.membership.pk)
        additions += [
            RoleGrant(membership=row.membership, role=r) for r in sorted(row.roles - current)
        ]
    for role, ids in removals.items():
        RoleGrant.objects.filter(role=role, membership_id__in=ids).delete()
    RoleGrant.objects.bulk_create(additions, batch_size=QUERY_CHUNK)
