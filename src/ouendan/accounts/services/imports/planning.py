"""Planning: what each row would do to the directory as it is now (create, update, unchanged,
leave) and which rows have problems — from a handful of queries, whatever the file's size."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models.functions import Lower

from ouendan.accounts.models import (
    Department,
    Location,
    Membership,
    User,
)
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.roles import Role
from ouendan.accounts.services.imports.format import (
    ACTIONS,
    PATH_SEPARATORS,
    QUERY_CHUNK,
    name_key,
    problem,
)
from ouendan.accounts.services.imports.reading import RowInput
from ouendan.accounts.services.organizations import MAX_DEPARTMENT_DEPTH


class DepartmentIndex:
    """Finds a department by code, by name, or by path (``開発本部/第一開発部``, ``A > B``)."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self.by_id = {dept.pk: dept for dept in departments}
        self.paths: dict[int, tuple[str, ...]] = {}
        self.by_code: dict[str, int] = {}
        self.by_full_path: dict[tuple[str, ...], int] = {}
        self.by_suffix: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for dept in self.by_id.values():
            path = self._path(dept)
            self.paths[dept.pk] = path
            keys = tuple(name_key(name) for name in path)
            self.by_full_path[keys] = dept.pk
            for start in range(len(keys)):
                self.by_suffix[keys[start:]].append(dept.pk)
            if dept.code:
                self.by_code[name_key(dept.code)] = dept.pk

    def _path(self, dept: Department) -> tuple[str, ...]:
        names: list[str] = []
        seen: set[int] = set()
        current: Department | None = dept
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            names.append(current.name)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return tuple(reversed(names))

    def display(self, dept_id: int | None) -> str:
        return " / ".join(self.paths[dept_id]) if dept_id in self.paths else ""

    def find(self, segments: list[str]) -> tuple[int | None, bool]:
        """(department id, ambiguous) for a path written from the root or a unique tail of it."""
        keys = tuple(name_key(s) for s in segments)
        if keys in self.by_full_path:
            return self.by_full_path[keys], False
        matches = self.by_suffix.get(keys, [])
        if len(matches) == 1:
            return matches[0], False
        return None, len(matches) > 1

    def resolve(self, text: str) -> tuple[str, int | None, tuple[str, ...]]:
        """("found", id, ()), ("ambiguous", None, ()) or ("missing", parent id, new names)."""
        if name_key(text) in self.by_code:
            return "found", self.by_code[name_key(text)], ()
        whole, ambiguous = self.find([text])
        if whole is not None:
            return "found", whole, ()
        segments = [s for s in PATH_SEPARATORS.split(text) if s]
        if len(segments) > 1:
            found, ambiguous = self.find(segments)
            if found is not None:
                return "found", found, ()
        if ambiguous:
            return "ambiguous", None, ()
        segments = segments or [text]
        for cut in range(len(segments) - 1, 0, -1):
            parent, _ambiguous = self.find(segments[:cut])
            if parent is not None:
                return "missing", parent, tuple(segments[cut:])
        return "missing", None, tuple(segments)


@dataclass
class Directory:
    members_by_email: dict[str, Membership]
    members_by_number: dict[str, Membership]
    other_users: dict[str, User]  # sign-ins of addresses in the file that are not members here
    shared_user_ids: set[int]  # members' sign-ins that also belong to another organization
    departments: DepartmentIndex
    locations: dict[str, Location]
    admin_ids: set[int]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _load_directory(actor: Actor, rows: list[RowInput]) -> Directory:
    org = actor.organization
    members = list(
        Membership.objects.filter(organization=org)
        .select_related("user", "department", "location")
        .prefetch_related("role_grants")
    )
    by_email = {m.user.email.lower(): m for m in members}
    by_number = {m.employee_number: m for m in members if m.employee_number}
    wanted = sorted({r.email for r in rows if r.email and r.email not in by_email})
    other_users: dict[str, User] = {}
    for chunk in _chunks(wanted):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            other_users[user.email.lower()] = user
    shared = set(
        Membership.objects.filter(user__memberships__organization=org)
        .exclude(organization=org)
        .values_list("user_id", flat=True)
    )
    locations: dict[str, Location] = {}
    for location in Location.objects.filter(organization=org):
        locations[name_key(location.name)] = location
        if location.code:
            locations.setdefault(name_key(location.code), location)
    admin_ids = {
        m.pk
        for m in members
        if m.is_active and any(g.role == Role.ORG_ADMIN for g in m.role_grants.all())
    }
    return Directory(
        members_by_email=by_email,
        members_by_number=by_number,
        other_users=other_users,
        shared_user_ids=shared,
        departments=DepartmentIndex(Department.objects.filter(organization=org)),
        locations=locations,
        admin_ids=admin_ids,
    )


# --- Planning: what each row would do ------------------------------------------------------------


@dataclass
class RowPlan:
    input: RowInput
    action: str = ""  # create, update, unchanged, leave, error
    membership: Membership | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # membership fields to set
    department_id: int | None = None
    new_department: tuple[int | None, tuple[str, ...]] | None = None
    new_location: str = ""
    roles: set[str] | None = None
    user: User | None = None
    reinstate: bool = False

    def stored(self) -> dict[str, Any]:
        data = asdict(self.input)
        data.update(
            action=self.action,
            membership_id=self.membership.pk if self.membership else None,
            changes=self.changes,
            notes=self.notes,
        )
        return data


@dataclass
class Plan:
    rows: list[RowPlan]
    problems: list[dict[str, Any]]
    new_departments: list[str]
    new_locations: list[str]
    directory: Directory

    def summary(self, ignored_columns: list[str]) -> dict[str, Any]:
        counts = Counter(row.action for row in self.rows)
        return {
            "rows": len(self.rows),
            **{action: counts.get(action, 0) for action in ACTIONS},
            "errors": len(self.problems),
            "new_departments": self.new_departments,
            "new_locations": self.new_locations,
            "ignored_columns": ignored_columns,
        }


class _Planner:
    def __init__(self, actor: Actor, directory: Directory, create_missing: bool) -> None:
        self.actor = actor
        self.dir = directory
        self.create_missing = create_missing
        self.may_assign_roles = can(actor, Action.ROLES_ASSIGN)
        self.may_offboard = can(actor, Action.PEOPLE_OFFBOARD)
        self.problems: list[dict[str, Any]] = []
        self.new_departments: dict[tuple[str, ...], str] = {}
        self.new_locations: dict[str, str] = {}

    def fail(self, plan: RowPlan, code: str, where: str = "", **params: Any) -> None:
        plan.action = "error"
        self.problems.append(problem(plan.input.row, code, where, **params))

    def plan(self, rows: list[RowInput], problems: list[dict[str, Any]]) -> Plan:
        failed_rows = {p["row"] for p in problems}
        self.problems.extend(problems)
        self._duplicates(rows)
        failed_rows |= {p["row"] for p in self.problems}
        plans: list[RowPlan] = []
        claimed: dict[int, RowPlan] = {}
        for row in rows:
            plan = RowPlan(input=row)
            plans.append(plan)
            if row.row in failed_rows:
                continue
            self._plan_row(plan)
            member = plan.membership
            if member is not None and plan.action != "error":
                if member.pk in claimed:
                    self.fail(
                        plan,
                        "same_person_twice",
                        other=claimed[member.pk].input.row,
                        name=member.full_name,
                    )
                else:
                    claimed[member.pk] = plan
        self._keep_an_admin(plans)
        failed_rows = {p["row"] for p in self.problems}
        for plan in plans:
            if plan.input.row in failed_rows:
                plan.action = "error"
        return Plan(
            plans,
            sorted(self.problems, key=lambda p: p["row"]),
            sorted(self.new_departments.values()),
            sorted(self.new_locations.values()),
            self.dir,
        )

    def _duplicates(self, rows: list[RowInput]) -> None:
        # Per unique column: the problem code, and the row each value was first seen in.
        first_rows: dict[str, tuple[str, dict[str, int]]] = {
            "email": ("email_duplicate", {}),
            "employee_number": ("employee_number_duplicate", {}),
        }
        for row in rows:
            for column, (code, first_row) in first_rows.items():
                value = getattr(row, column)
                if not value:
                    continue
                if value in first_row:
                    self.problems.append(
                        problem(row.row, code, column, value=value, other=first_row[value])
                    )
                else:
                    first_row[value] = row.row

    def _plan_row(self, plan: RowPlan) -> None:
        row = plan.input
        member = self.dir.members_by_email.get(row.email) if row.email else None
        number_owner = (
            self.dir.members_by_number.get(row.employee_number) if row.employee_number else None
        )
        if member is None:
            member = number_owner
        elif number_owner is not None and number_owner.pk != member.pk:
            self.fail(
                plan,
                "employee_number_taken",
                "employee_number",
                value=row.employee_number,
                name=number_owner.full_name,
            )
            return
        if member is None:
            self._plan_new(plan)
        else:
            plan.membership = member
            self._plan_existing(plan, member)

    def _placement(self, plan: RowPlan) -> bool:
        """Find (or plan to create) the row's department and location; False on a problem."""
        row, ok = plan.input, True
        if row.department:
            outcome, dept_id, names = self.dir.departments.resolve(row.department)
            if outcome == "found":
                plan.department_id = dept_id
            elif outcome == "ambiguous":
                self.fail(plan, "department_ambiguous", "department", value=row.department)
                ok = False
            elif not self.create_missing:
                self.fail(plan, "department_unknown", "department", value=row.department)
                ok = False
            else:
                parent_path = self.dir.departments.paths.get(dept_id, ()) if dept_id else ()
                full = (*parent_path, *names)
                if len(full) > MAX_DEPARTMENT_DEPTH:
                    self.fail(
                        plan,
                        "department_too_deep",
                        "department",
                        value=row.department,
                        max=MAX_DEPARTMENT_DEPTH,
                    )
                    ok = False
                else:
                    plan.new_department = (dept_id, names)
                    display = " / ".join(full)
                    self.new_departments[tuple(name_key(n) for n in full)] = display
                    plan.notes.append({"code": "new_department", "params": {"value": display}})
        if row.location:
            location = self.dir.locations.get(name_key(row.location))
            if location is None and not self.create_missing:
                self.fail(plan, "location_unknown", "location", value=row.location)
                ok = False
            elif location is None:
                plan.new_location = row.location
                self.new_locations[name_key(row.location)] = row.location
                plan.notes.append({"code": "new_location", "params": {"value": row.location}})
        return ok

    def _department_display(self, plan: RowPlan) -> str:
        if plan.new_department is not None:
            parent_id, names = plan.new_department
            return " / ".join((*self.dir.departments.paths.get(parent_id or 0, ()), *names))
        return self.dir.departments.display(plan.department_id)

    def _plan_new(self, plan: RowPlan) -> None:
        row = plan.input
        if row.status == Membership.Status.LEFT:
            plan.action = "unchanged"
            plan.notes.append({"code": "left_not_member", "params": {}})
            return
        if not row.email:
            self.fail(plan, "email_required_new", "email", value=row.employee_number)
            return
        if not row.full_name:
            self.fail(plan, "full_name_required", "full_name")
            return
        roles = set(row.roles or [Role.ADVOCATE.value])
        if roles != {Role.ADVOCATE.value} and not self.may_assign_roles:
            self.fail(plan, "roles_not_allowed", "roles")
            return
        if not self._placement(plan):
            return
        plan.action = "create"
        plan.roles = roles
        plan.user = self.dir.other_users.get(row.email)
        if plan.user is not None:
            plan.notes.append({"code": "existing_sign_in", "params": {}})
        plan.fields = {
            "full_name": row.full_name,
            "full_name_kana": row.full_name_kana,
            "employee_number": row.employee_number,
            "title": row.title,
        }
        for name in ("email", "employee_number", "full_name", "full_name_kana", "title"):
            value = getattr(row, name)
            if value:
                plan.changes[name] = ["", value]
        if row.department:
            plan.changes["department"] = ["", self._department_display(plan)]
        if row.location:
            plan.changes["location"] = ["", row.location]
        plan.changes["roles"] = ["", ",".join(sorted(roles))]
        if row.language:
            plan.changes["language"] = ["", row.language]

    def _plan_existing(self, plan: RowPlan, member: Membership) -> None:
        row = plan.input
        user = member.user
        if row.email and row.email != user.email.lower():
            if row.email in self.dir.other_users:
                self.fail(plan, "email_in_use", "email", value=row.email, name=member.full_name)
                return
            if user.pk in self.dir.shared_user_ids:
                self.fail(plan, "email_change_not_allowed", "email", name=member.full_name)
                return
            plan.changes["email"] = [user.email, row.email]
        for name in ("employee_number", "full_name", "full_name_kana", "title"):
            value = getattr(row, name)
            if value and value != getattr(member, name):
                plan.changes[name] = [getattr(member, name), value]
                plan.fields[name] = value
        if not self._placement(plan):
            return
        if row.department and (
            plan.new_department is not None or plan.department_id != member.department_id
        ):
            plan.changes["department"] = [
                self.dir.departments.display(member.department_id),
                self._department_display(plan),
            ]
        if row.location:
            location = self.dir.locations.get(name_key(row.location))
            if location is None or location.pk != member.location_id:
                plan.changes["location"] = [
                    member.location.name if member.location else "",
                    location.name if location else row.location,
                ]
        if row.language and row.language != user.language:
            plan.changes["language"] = [user.language, row.language]
        if row.roles:
            current = {g.role for g in member.role_grants.all()}
            wanted = set(row.roles)
            if wanted != current:
                if (wanted ^ current) - {Role.ADVOCATE.value} and not self.may_assign_roles:
                    self.fail(plan, "roles_not_allowed", "roles")
                    return
                plan.roles = wanted
                plan.changes["roles"] = [",".join(sorted(current)), ",".join(sorted(wanted))]
        leaving = row.status == Membership.Status.LEFT and member.is_active
        returning = row.status == Membership.Status.ACTIVE and not member.is_active
        if leaving or returning:
            if not self.may_offboard:
                self.fail(plan, "offboard_not_allowed", "status")
                return
            if leaving and self.actor.membership and self.actor.membership.pk == member.pk:
                self.fail(plan, "self_offboard", "status")
                return
            plan.changes["status"] = [member.status, row.status]
            plan.reinstate = returning
        if leaving:
            plan.action = "leave"
        else:
            plan.action = "update" if plan.changes else "unchanged"

    def _keep_an_admin(self, plans: list[RowPlan]) -> None:
        admins = set(self.dir.admin_ids)
        removing: list[RowPlan] = []
        adds_admin = False
        for plan in plans:
            if plan.action == "error":
                continue
            member = plan.membership
            if plan.action == "create":
                adds_admin |= Role.ORG_ADMIN.value in (plan.roles or set())
                continue
            if member is None:
                continue
            will_be_active = (member.is_active or plan.reinstate) and plan.action != "leave"
            roles = (
                plan.roles if plan.roles is not None else {g.role for g in member.role_grants.all()}
            )
            is_admin_after = will_be_active and Role.ORG_ADMIN.value in roles
            if is_admin_after:
                admins.add(member.pk)
            elif member.pk in admins:
                admins.discard(member.pk)
                removing.append(plan)
        if removing and not admins and not adds_admin:
            for plan in removing:
                self.fail(plan, "last_admin", "roles")


def plan_rows(
    actor: Actor, rows: list[RowInput], problems: list[dict[str, Any]], create_missing: bool
) -> Plan:
    return _Planner(actor, _load_directory(actor, rows), create_missing).plan(rows, problems)
