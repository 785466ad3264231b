"""Reads of organizations, people and departments, always scoped by an explicit actor."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouendan.accounts.crypto import secret_hash
from ouendan.accounts.models import (
    ApiToken,
    AuditEvent,
    Department,
    ImportBatch,
    Invitation,
    Location,
    Membership,
    Organization,
    RoleGrant,
    TotpDevice,
    User,
)
from ouendan.accounts.permissions import Action, Actor, actor_for_membership, require
from ouendan.accounts.roles import Role
from ouendan.accounts.sessions import ORGANIZATION as ORGANIZATION_SESSION_KEY
from ouendan.core.errors import NotFound


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


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA_TO_HIRAGANA = {code + 0x60: code for code in range(0x3041, 0x3097)}


def _term_query(term: str) -> Q:
    """One search word against every searchable field; kana matches in hiragana or katakana."""
    kana = {term, term.translate(_HIRAGANA_TO_KATAKANA), term.translate(_KATAKANA_TO_HIRAGANA)}
    query = (
        Q(full_name__icontains=term)
        | Q(user__email__icontains=term)
        | Q(employee_number__istartswith=term)
        | Q(title__icontains=term)
    )
    for variant in kana:
        query |= Q(full_name_kana__icontains=variant)
    return query


def people_list(*, actor: Actor, filters: PeopleFilter | None = None) -> QuerySet[Membership]:
    """The directory: every word of the query must match some field; sorted by reading (kana)."""
    require(actor, Action.PEOPLE_VIEW)
    filters = filters or PeopleFilter()
    people = memberships_with_roles().filter(organization=actor.organization)
    if filters.status:
        people = people.filter(status=filters.status)
    # str.split() also splits on the ideographic space (U+3000) people type in Japanese names.
    for term in filters.query.split():
        people = people.filter(_term_query(term))
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
    # People without a reading sort by their name instead of all landing first.
    reading = Coalesce(NullIf(F("full_name_kana"), Value("")), F("full_name"))
    return people.order_by(reading.asc(), "full_name", "pk")


def person_get(*, actor: Actor, membership_id: int) -> Membership:
    """One person of the actor's organization; another organization's id is simply not found."""
    require(actor, Action.PEOPLE_VIEW)
    return memberships_with_roles().get(organization=actor.organization, pk=membership_id)


def person_find(*, actor: Actor, membership_id: int) -> Membership:
    """Like ``person_get`` but raises ``NotFound`` (a translated ``DomainError``)."""
    try:
        return person_get(actor=actor, membership_id=membership_id)
    except Membership.DoesNotExist as exc:
        raise NotFound(_("That person does not exist.")) from exc


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


@dataclass(frozen=True)
class OrganizationSummary:
    active_people: int
    advocates: int
    departments: int
    pending_invitations: int

    @property
    def advocate_share(self) -> int:
        """Enrolled advocates as a whole percentage of active people."""
        return round(100 * self.advocates / self.active_people) if self.active_people else 0


def organization_summary(*, actor: Actor) -> OrganizationSummary:
    """The organization at a glance, for people who may see the directory (four counts)."""
    require(actor, Action.PEOPLE_VIEW)
    active = Membership.objects.filter(
        organization=actor.organization, status=Membership.Status.ACTIVE
    )
    return OrganizationSummary(
        active_people=active.count(),
        advocates=active.filter(role_grants__role=Role.ADVOCATE).count(),
        departments=Department.objects.filter(organization=actor.organization).count(),
        pending_invitations=Invitation.objects.filter(
            organization=actor.organization, status=Invitation.Status.PENDING
        ).count(),
    )


def location_list(*, actor: Actor) -> QuerySet[Location]:
    require(actor, Action.DEPARTMENTS_VIEW)
    return Location.objects.filter(organization=actor.organization).order_by("name", "pk")


# --- Directory, organization, departments, locations, audit (pages and API) ----------------------

PATH_SEPARATOR = " > "


def department_paths(*, actor: Actor) -> dict[int, str]:
    """Every department's full path ("本社 > 製造本部 > 第一製造部"), from one query."""
    require(actor, Action.DEPARTMENTS_VIEW)
    rows = {
        dept_id: (parent_id, name)
        for dept_id, parent_id, name in Department.objects.filter(
            organization=actor.organization
        ).values_list("id", "parent_id", "name")
    }
    paths: dict[int, str] = {}

    def path_of(dept_id: int) -> str:
        if dept_id not in paths:
            names, seen, current = [], set(), dept_id
            while current is not None and current in rows and current not in seen:
                seen.add(current)
                parent_id, name = rows[current]
                names.append(name)
                current = parent_id
            paths[dept_id] = PATH_SEPARATOR.join(reversed(names))
        return paths[dept_id]

    for dept_id in rows:
        path_of(dept_id)
    return paths


def department_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """(id, full path) in tree order, for selects."""
    paths = department_paths(actor=actor)
    return sorted(paths.items(), key=lambda item: (item[1], item[0]))


def department_get(*, actor: Actor, department_id: int) -> Department:
    require(actor, Action.DEPARTMENTS_VIEW)
    dept = (
        Department.objects.filter(organization=actor.organization, pk=department_id)
        .select_related("parent")
        .annotate(member_count=Count("members", filter=Q(members__status=Membership.Status.ACTIVE)))
        .first()
    )
    if dept is None:
        raise NotFound(_("That department does not exist."))
    return dept


def departments_existing(*, actor: Actor, ids: set[int]) -> set[int]:
    """Which of these department ids still exist in the organization (no query for none)."""
    if not ids:
        return set()
    return set(department_list(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))


def departments_with_counts(*, actor: Actor) -> QuerySet[Department]:
    """Departments by name with their active member counts (the API's flat list)."""
    return department_list(actor=actor).annotate(
        member_count=Count("members", filter=Q(members__status=Membership.Status.ACTIVE))
    )


def locations_with_counts(*, actor: Actor) -> QuerySet[Location]:
    """Locations by name with their active member counts, and ``recorded_count``: everyone
    placed there, people who have left included (a location is deletable only at zero)."""
    return location_list(actor=actor).annotate(
        member_count=Count("members", filter=Q(members__status=Membership.Status.ACTIVE)),
        recorded_count=Count("members"),
    )


@dataclass(frozen=True)
class UnitUsage:
    """What still points at a department or a location: while anything does, it stays.

    People who have left count too: their history keeps the department and location they had.
    """

    sub_departments: int = 0
    members: int = 0
    former_members: int = 0
    pending_invitations: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.sub_departments or self.members or self.former_members or self.pending_invitations
        )

    def reasons(self) -> list[str]:
        """One sentence per kind of use, saying what to do about it (empty when unused)."""
        reasons = []
        if self.sub_departments:
            reasons.append(
                ngettext(
                    "It has %(count)d sub-department: move or delete it first.",
                    "It has %(count)d sub-departments: move or delete them first.",
                    self.sub_departments,
                )
                % {"count": self.sub_departments}
            )
        if self.members:
            reasons.append(
                ngettext(
                    "%(count)d person is placed in it: move them elsewhere first.",
                    "%(count)d people are placed in it: move them elsewhere first.",
                    self.members,
                )
                % {"count": self.members}
            )
        if self.former_members:
            reasons.append(
                ngettext(
                    "%(count)d person who has left is still recorded in it, so it stays for "
                    "their history; rename it instead if it no longer exists.",
                    "%(count)d people who have left are still recorded in it, so it stays for "
                    "their history; rename it instead if it no longer exists.",
                    self.former_members,
                )
                % {"count": self.former_members}
            )
        if self.pending_invitations:
            reasons.append(
                ngettext(
                    "%(count)d pending invitation places someone in it: revoke it first.",
                    "%(count)d pending invitations place people in it: revoke them first.",
                    self.pending_invitations,
                )
                % {"count": self.pending_invitations}
            )
        return reasons


def _member_counts(members: QuerySet[Membership]) -> tuple[int, int]:
    counts = members.aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        left=Count("pk", filter=~Q(status=Membership.Status.ACTIVE)),
    )
    return counts["active"], counts["left"]


def department_usage(*, actor: Actor, department_id: int) -> UnitUsage:
    """Sub-departments, people (active and left) and pending invitations in a department."""
    require(actor, Action.DEPARTMENTS_VIEW)
    org = actor.organization
    active, left = _member_counts(
        Membership.objects.filter(organization=org, department_id=department_id)
    )
    return UnitUsage(
        sub_departments=Department.objects.filter(
            organization=org, parent_id=department_id
        ).count(),
        members=active,
        former_members=left,
        pending_invitations=Invitation.objects.filter(
            organization=org,
            department_id=department_id,
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        ).count(),
    )


def location_usage(*, actor: Actor, location_id: int) -> UnitUsage:
    """People (active and left) at a location."""
    require(actor, Action.DEPARTMENTS_VIEW)
    active, left = _member_counts(
        Membership.objects.filter(organization=actor.organization, location_id=location_id)
    )
    return UnitUsage(members=active, former_members=left)


def organization_get(*, actor: Actor) -> Organization:
    require(actor, Action.ORG_VIEW)
    return Organization.objects.get(pk=actor.organization.pk)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_label: str = ""
    target_type: str = ""
    target_id: str = ""
    # Whole days in the organization's time zone, both ends included.
    date_from: date | None = None
    date_to: date | None = None
    # Exact instants (the API); naive values are read in the organization's time zone.
    since: datetime | None = None
    until: datetime | None = None


def _aware(actor: Actor, value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zoneinfo.ZoneInfo(actor.organization.time_zone))
    return value


def audit_list(*, actor: Actor, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """The organization's audit events, newest first."""
    require(actor, Action.AUDIT_VIEW)
    filters = filters or AuditFilter()
    events = AuditEvent.objects.filter(organization=actor.organization)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_label.strip():
        events = events.filter(actor_label__icontains=filters.actor_label.strip())
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    zone = zoneinfo.ZoneInfo(actor.organization.time_zone)
    if filters.date_from:
        events = events.filter(created_at__gte=datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, zone)
        events = events.filter(created_at__lt=end)
    if filters.since:
        events = events.filter(created_at__gte=_aware(actor, filters.since))
    if filters.until:
        events = events.filter(created_at__lt=_aware(actor, filters.until))
    return events.order_by("-seq")


def audit_facets(*, actor: Actor) -> tuple[list[str], list[str]]:
    """The distinct actions and target types recorded so far (for the filter selects)."""
    require(actor, Action.AUDIT_VIEW)
    events = AuditEvent.objects.filter(organization=actor.organization)
    actions = events.order_by("action").values_list("action", flat=True).distinct()
    targets = (
        events.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )
    return list(actions), list(targets)


def person_active_token_count(*, actor: Actor, membership: Membership) -> int:
    """How many API tokens of this person still work (what offboarding will revoke)."""
    require(actor, Action.PEOPLE_VIEW)
    return ApiToken.objects.filter(
        organization=actor.organization, membership=membership, revoked_at__isnull=True
    ).count()


def person_two_factor_since(*, actor: Actor, membership: Membership) -> datetime | None:
    """When the person turned two-factor authentication on; None when it is not set up.

    Only for those who may reset it: whether someone uses a second factor is security detail.
    """
    require(actor, Action.PEOPLE_SECURITY_RESET)
    if membership.organization_id != actor.organization.pk:
        raise NotFound(_("That person does not exist."))
    return (
        TotpDevice.objects.filter(user_id=membership.user_id, confirmed_at__isnull=False)
        .values_list("confirmed_at", flat=True)
        .first()
    )


def person_other_organization_count(*, actor: Actor, membership: Membership) -> int:
    """In how many other organizations the person is an active member (a sign-in is shared)."""
    require(actor, Action.PEOPLE_SECURITY_RESET)
    return (
        Membership.objects.filter(user_id=membership.user_id, status=Membership.Status.ACTIVE)
        .exclude(organization=actor.organization)
        .count()
    )


def person_audit_events(
    *, actor: Actor, membership: Membership, limit: int = 10
) -> list[AuditEvent]:
    """The latest events whose target is this person."""
    require(actor, Action.AUDIT_VIEW)
    return list(
        audit_list(
            actor=actor,
            filters=AuditFilter(
                target_type=Membership._meta.label_lower, target_id=str(membership.pk)
            ),
        )[:limit]
    )


# --- Invitations and imports ---


INVITATION_FILTERS = ("pending", "accepted", "revoked", "expired")


def invitation_list(*, actor: Actor, status: str = "") -> QuerySet[Invitation]:
    """The organization's invitations, newest first; ``status`` as people see it (a pending
    invitation past its expiry counts as expired before the periodic job marks it)."""
    require(actor, Action.INVITATIONS_MANAGE)
    invitations = Invitation.objects.filter(organization=actor.organization).select_related(
        "invited_by", "department"
    )
    now = timezone.now()
    if status == Invitation.Status.PENDING:
        invitations = invitations.filter(status=status, expires_at__gt=now)
    elif status == Invitation.Status.EXPIRED:
        invitations = invitations.filter(
            Q(status=status) | Q(status=Invitation.Status.PENDING, expires_at__lte=now)
        )
    elif status:
        invitations = invitations.filter(status=status)
    return invitations.order_by("-created_at", "-pk")


def invitation_get(*, actor: Actor, invitation_id: int) -> Invitation:
    """One invitation of the actor's organization; another organization's id is not found."""
    require(actor, Action.INVITATIONS_MANAGE)
    return Invitation.objects.select_related("invited_by", "department").get(
        organization=actor.organization, pk=invitation_id
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points to, whatever its state (the accept page explains it)."""
    return (
        Invitation.objects.select_related("organization", "invited_by", "department")
        .filter(token_hash=secret_hash(token))
        .first()
    )


def import_batch_list(*, actor: Actor) -> QuerySet[ImportBatch]:
    require(actor, Action.PEOPLE_IMPORT)
    return (
        ImportBatch.objects.filter(organization=actor.organization)
        .select_related("created_by")
        .defer("rows", "errors")
        .order_by("-created_at", "-pk")
    )


def import_batch_get(*, actor: Actor, batch_id: int) -> ImportBatch:
    """One uploaded file of the actor's organization; another organization's id is not found."""
    require(actor, Action.PEOPLE_IMPORT)
    return ImportBatch.objects.select_related("created_by", "applied_by").get(
        organization=actor.organization, pk=batch_id
    )


def invitation_has_sign_in(*, invitation: Invitation) -> bool:
    """Whether the invited address already has an Ouendan sign-in (then no password is set)."""
    return User.objects.filter(email__iexact=invitation.email).exists()


def appear_as_of(membership: Membership, organization: Organization) -> str:
    """How the person appears to colleagues: their own choice, else the organization's."""
    return membership.appear_as or organization.default_appear_as


def public_name(membership: Membership, organization: Organization) -> str | None:
    """The name colleagues see for the person where people are ranked or named (leaderboards,
    highlights): their name, their nickname, or ``None`` when they are not to appear at all.

    Reads no database (pass the membership's organization, already loaded). Someone set to
    appear by nickname without having one does not appear: their real name is never the
    fallback of a choice not to show it.
    """
    choice = appear_as_of(membership, organization)
    if choice == "name":
        return membership.full_name
    if choice == "nickname" and membership.nickname.strip():
        return membership.nickname.strip()
    return None
