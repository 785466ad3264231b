"""Reads of recognition, always scoped by an explicit actor: one's points, badges and streak,
the leaderboards, the rules, and the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.models import AppearAs, Membership, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.selectors import department_descendant_ids, department_paths, public_name
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.badges import BADGES, Badge
from ouendan.engagement.models import BadgeAward, PointEntry, PointRules
from ouendan.engagement.periods import PERIODS, period_start, week_of, zone_of
from ouendan.engagement.services.badges import counted_entries
from ouendan.engagement.streaks import StreakStatus, streak_status

Status = PointEntry.Status
LEADERBOARD_MAX = 200


def _person(actor: Actor) -> Membership:
    if actor.membership is None:
        raise DomainError(
            _("Points belong to people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    return actor.membership


def person_of(actor: Actor) -> Membership:
    """The acting person as stored now (their appearance may have changed this request)."""
    return Membership.objects.get(pk=_person(actor).pk)


# --- One's own points -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    balance: int  # confirmed points
    pending: int  # waiting for their hold or a review


def points_balance(*, actor: Actor) -> Balance:
    require(actor, Action.POINTS_VIEW_OWN)
    sums = PointEntry.objects.filter(membership=_person(actor)).aggregate(
        balance=Coalesce(Sum("points", filter=Q(status=Status.CONFIRMED)), 0),
        pending=Coalesce(Sum("points", filter=Q(status=Status.PENDING)), 0),
    )
    return Balance(balance=sums["balance"], pending=sums["pending"])


def points_mine(*, actor: Actor) -> QuerySet[PointEntry]:
    """The person's entries, newest first, each with the reversal that undid it (if any)."""
    require(actor, Action.POINTS_VIEW_OWN)
    return (
        PointEntry.objects.filter(membership=_person(actor))
        .select_related("reversed_by")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class BadgeShown:
    badge: Badge
    award: BadgeAward | None  # None: not earned yet


def badges_mine(*, actor: Actor) -> list[BadgeShown]:
    """Every badge, earned ones first (in the order earned), then the ones still to earn."""
    require(actor, Action.POINTS_VIEW_OWN)
    awards = {a.badge: a for a in BadgeAward.objects.filter(membership=_person(actor))}
    earned = sorted(
        (BadgeShown(BADGES[k], a) for k, a in awards.items() if k in BADGES),
        key=lambda shown: (shown.award.awarded_at, shown.award.pk) if shown.award else (0, 0),
    )
    rest = [BadgeShown(badge, None) for key, badge in BADGES.items() if key not in awards]
    return earned + rest


def streak_mine(*, actor: Actor, now: datetime | None = None) -> StreakStatus:
    """Which of the last weeks (the rules' window, the current week last) had a share."""
    require(actor, Action.POINTS_VIEW_OWN)
    person = _person(actor)
    rules = point_rules_current(actor=actor)
    zone = zone_of(actor.organization)
    now = now or timezone.now()
    current = week_of(now, zone)
    since = now - timedelta(weeks=rules.streak_window + 1)  # the window's weeks, and a margin
    shared = PointEntry.objects.filter(
        counted_entries(), membership=person, reason="share", occurred_at__gte=since
    ).values_list("occurred_at", flat=True)
    weeks = {week_of(at, zone) for at in shared}
    return streak_status(weeks, current, weeks=rules.streak_weeks, size=rules.streak_window)


# --- Rules ----------------------------------------------------------------------------------------


def point_rules_current(*, actor: Actor) -> PointRules:
    """The rules in force now; the defaults (unsaved) while the organization has none."""
    require(actor, Action.ENGAGEMENT_VIEW)
    found = PointRules.objects.filter(organization=actor.organization).order_by("-version").first()
    if found is None:
        found = PointRules(
            organization=actor.organization, version=1, effective_from=actor.organization.created_at
        )
    return found


def point_rules_versions(*, actor: Actor) -> QuerySet[PointRules]:
    require(actor, Action.ENGAGEMENT_MANAGE)
    return (
        PointRules.objects.filter(organization=actor.organization)
        .select_related("created_by")
        .order_by("-version")
    )


# --- The review queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryFilter:
    status: str = ""  # pending, confirmed, reversed; "" for all
    flagged: bool | None = None  # True: waiting for a review; False: not
    membership_id: int | None = None


def point_entries(*, actor: Actor, filters: EntryFilter) -> QuerySet[PointEntry]:
    """The organization's entries for the program (the review queue: pending and flagged),
    oldest first."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    entries = PointEntry.objects.filter(organization=actor.organization)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.flagged is True:
        entries = entries.exclude(flag="")
    elif filters.flagged is False:
        entries = entries.filter(flag="")
    if filters.membership_id is not None:
        entries = entries.filter(membership_id=filters.membership_id)
    return entries.select_related("membership", "membership__department", "reviewer").order_by(
        "created_at", "pk"
    )


def review_counts(*, actor: Actor) -> dict[str, int]:
    """How many entries wait for a review, and how many wait out their hold."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    return PointEntry.objects.filter(
        organization=actor.organization, status=Status.PENDING
    ).aggregate(
        flagged=Count("pk", filter=~Q(flag="")),
        held=Count("pk", filter=Q(flag="")),
    )


# --- Leaderboards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    rank: int
    name: str
    points: int
    department: str | None
    membership_id: int


@dataclass(frozen=True)
class MyStanding:
    rank: int  # among the people shown (where one would be, when hidden)
    points: int
    hidden: bool  # the person does not appear to others
    name: str | None


@dataclass(frozen=True)
class Leaderboard:
    period: str
    since: datetime | None
    department_id: int | None
    entries: list[Standing]
    me: MyStanding | None  # None: no points in the period (or not a person)


def _visible(organization: Organization) -> Q:
    """People who appear to others (see ``accounts.selectors.public_name``), as a filter on
    entries."""
    by_name = Q(membership__appear_as=AppearAs.NAME)
    by_nickname = Q(membership__appear_as=AppearAs.NICKNAME) & ~Q(membership__nickname="")
    default = Q(membership__appear_as__isnull=True)
    if organization.default_appear_as == AppearAs.NAME:
        return by_name | by_nickname | default
    if organization.default_appear_as == AppearAs.NICKNAME:
        return by_name | by_nickname | (default & ~Q(membership__nickname=""))
    return by_name | by_nickname


def leaderboard(
    *,
    actor: Actor,
    period: str,
    department_id: int | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> Leaderboard:
    """People ranked by their confirmed points in the month, the quarter (calendar, in the
    organization's time zone) or all time, in the organization or a department (with the
    departments under it). Only people with points in the period, and only as they chose to
    appear; the actor's own standing even when they do not appear ("you are 12th")."""
    require(actor, Action.ENGAGEMENT_VIEW)
    if period not in PERIODS:
        raise DomainError(
            _("The period is month, quarter or all."),
            code="invalid_period",
            fields={"period": [_("Choose month, quarter or all.")]},
        )
    if not 1 <= limit <= LEADERBOARD_MAX:
        raise DomainError(
            _("Show from 1 to %(max)d people.") % {"max": LEADERBOARD_MAX},
            fields={"limit": [_("Out of range.")]},
        )
    organization = actor.organization
    since = period_start(period, now or timezone.now(), zone_of(organization))
    # Points earned rank people; spending them on a reward does not lower anyone's rank.
    entries = PointEntry.objects.filter(
        organization=organization,
        status=Status.CONFIRMED,
        membership__status=Membership.Status.ACTIVE,
    ).exclude(reason=PointEntry.Reason.REDEMPTION)
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if department_id is not None:
        if department_id not in department_paths(actor=actor):
            raise NotFound(_("That department does not exist."))
        subtree = department_descendant_ids(actor=actor, department_id=department_id)
        entries = entries.filter(membership__department_id__in=subtree)
    totals = entries.values("membership_id").annotate(total=Sum("points")).filter(total__gt=0)
    shown = (
        totals.filter(_visible(organization))
        .values(
            "membership_id",
            "total",
            "membership__full_name",
            "membership__nickname",
            "membership__appear_as",
            "membership__department__name",
        )
        .order_by("-total", "membership__full_name_kana", "membership_id")
    )
    standings: list[Standing] = []
    for position, row in enumerate(shown[:limit], start=1):
        person = Membership(
            full_name=row["membership__full_name"],
            nickname=row["membership__nickname"],
            appear_as=row["membership__appear_as"],
        )
        name = public_name(person, organization)
        if name is None:  # pragma: no cover - the filter above and public_name agree
            continue
        tied = standings and standings[-1].points == row["total"]
        by_name = name == person.full_name
        standings.append(
            Standing(
                rank=standings[-1].rank if tied else position,
                name=name,
                points=row["total"],
                # A nickname with a department could name the person in a small team.
                department=row["membership__department__name"] if by_name else None,
                membership_id=row["membership_id"],
            )
        )
    return Leaderboard(
        period=period,
        since=since,
        department_id=department_id,
        entries=standings,
        me=_my_standing(actor, entries, shown),
    )


def _my_standing(actor: Actor, entries: QuerySet[PointEntry], shown: Any) -> MyStanding | None:
    person = actor.membership
    if person is None:
        return None
    mine = entries.filter(membership=person).aggregate(
        total=Coalesce(Sum("points"), 0, output_field=IntegerField())
    )["total"]
    if mine <= 0:
        return None
    ahead = shown.filter(total__gt=mine).count()
    name = public_name(person, actor.organization)
    return MyStanding(rank=ahead + 1, points=mine, hidden=name is None, name=name)


def person_by_handle(*, actor: Actor, handle: str) -> Membership:
    """A person of the organization named by employee number or e-mail address (for the
    program's corrections)."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    handle = handle.strip()
    found = (
        Membership.objects.filter(organization=actor.organization)
        .filter(Q(employee_number=handle) | Q(user__email__iexact=handle))
        .first()
        if handle
        else None
    )
    if found is None:
        raise NotFound(
            _("Nobody here has that employee number or e-mail address."),
            fields={"person": [_("Not found.")]},
        )
    return found


def conversion_types_for_rules(*, actor: Actor, rules: PointRules) -> list[tuple[str, str]]:
    """(key, label) of every conversion type the rules may give points for: the built-in
    ones, the organization's own, and any the rules already name."""
    from ouendan.tracking.models import BUILT_IN_TYPES, ConversionType

    require(actor, Action.ENGAGEMENT_VIEW)
    labels = {key: str(label) for key, label in BUILT_IN_TYPES.items()}
    for found in ConversionType.objects.filter(organization=actor.organization):
        labels[found.key] = found.display_label
    for key in rules.conversion_points or {}:
        labels.setdefault(key, key)
    return list(labels.items())
