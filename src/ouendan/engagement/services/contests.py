"""Contests: the program creates, changes and cancels them; people join and leave; the periodic
job draws random teams when a team contest starts and closes the contests that ended.

Joining is always the person's own act (nobody is enrolled by anyone else), and leaving is
possible until the last day is over. Random teams are drawn once, from the contest's seed and
the participants' ids (``teams_draw``: reproducible, sizes differ by at most one); whoever joins
after the draw goes to the smallest team, or starts a new one when every team is full (so no
team grows past its size). Department teams form as people join.

Closing (``contests_advance``) is idempotent: a contest is closed under its row lock only while
it is still ``active``, and every effect has its own unique key — one ``ContestWinner`` per
person, the badge once per person, the points under ``contest:<id>:winner:<membership>`` in the
ledger, one announcement per contest — so a second run, or two workers at once, award nothing
twice.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.engagement.badges import CONTEST_WINNER
from ouendan.engagement.models import (
    Announcement,
    Contest,
    ContestParticipant,
    ContestTeam,
    ContestWinner,
    PointEntry,
)
from ouendan.engagement.selectors_contests import contest_results, local_today
from ouendan.engagement.services.badges import badge_award
from ouendan.engagement.services.ledger import entries_add

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
REASON_MAX = 300
DAYS_MAX = 366
TEAM_SIZE_MIN, TEAM_SIZE_MAX = 2, 20
WINNER_POINTS_MAX = 100_000


@dataclass(frozen=True)
class ContestData:
    """What the program sets. For an individual contest ``teams`` and ``team_size`` are
    ignored; ``team_size`` only applies to random teams."""

    title: str
    metric: str
    starts_on: date
    ends_on: date
    kind: str = Contest.Kind.INDIVIDUAL
    teams: str = ""
    team_size: int | None = None
    description: str = ""
    winner_points: int = 100


# --- Checks ---------------------------------------------------------------------------------------


def _normalised(data: ContestData) -> ContestData:
    team = data.kind == Contest.Kind.TEAM
    random_teams = team and data.teams == Contest.Teams.RANDOM
    return ContestData(
        title=" ".join((data.title or "").split()),
        description=(data.description or "").strip(),
        kind=data.kind,
        teams=data.teams if team else "",
        team_size=data.team_size if random_teams else None,
        metric=data.metric,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        winner_points=data.winner_points,
    )


def _check(data: ContestData, *, today: date, existing: Contest | None) -> None:
    """Every rule at once, so a form can show all its problems; nothing is saved on any."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title:
        add("title", _("Give the contest a title."))
    elif len(data.title) > TITLE_MAX:
        add("title", _("At most %(max)d characters.") % {"max": TITLE_MAX})
    if len(data.description) > DESCRIPTION_MAX:
        add("description", _("At most %(max)d characters.") % {"max": DESCRIPTION_MAX})
    if data.kind not in Contest.Kind.values:
        add("kind", _("Choose individual or teams."))
    if data.metric not in Contest.Metric.values:
        add("metric", _("Choose what the contest counts."))
    if data.kind == Contest.Kind.TEAM:
        if data.teams not in Contest.Teams.values:
            add("teams", _("Choose how teams are formed."))
        elif data.teams == Contest.Teams.RANDOM and not (
            data.team_size is not None and TEAM_SIZE_MIN <= data.team_size <= TEAM_SIZE_MAX
        ):
            add(
                "team_size",
                _("Teams of %(min)d to %(max)d people.")
                % {"min": TEAM_SIZE_MIN, "max": TEAM_SIZE_MAX},
            )
    if data.ends_on < data.starts_on:
        add("ends_on", _("The last day cannot come before the first day."))
    elif (data.ends_on - data.starts_on).days + 1 > DAYS_MAX:
        add("ends_on", _("A contest lasts at most %(days)d days.") % {"days": DAYS_MAX})
    if not 0 <= data.winner_points <= WINNER_POINTS_MAX:
        add(
            "winner_points",
            _("From 0 to %(max)d points.") % {"max": WINNER_POINTS_MAX},
        )
    started = existing is not None and existing.starts_on <= today
    moved = existing is None or existing.starts_on != data.starts_on
    if moved and data.starts_on < today:
        add("starts_on", _("A contest cannot start in the past."))
    if started and existing is not None:
        # The rules of a running contest stay as people joined them; its end may move.
        for name in ("kind", "teams", "team_size", "metric", "starts_on"):
            if getattr(existing, name) != getattr(data, name):
                add(name, _("It cannot change once the contest has started."))
    if existing is not None and existing.ends_on != data.ends_on and data.ends_on < today:
        add("ends_on", _("The last day cannot be in the past."))
    if errors:
        raise DomainError(_("The contest was not saved: see the marked fields."), fields=errors)


def _contest_locked(actor: Actor, contest_id: int) -> Contest:
    contest = (
        Contest.objects.select_for_update()
        .filter(organization=actor.organization, pk=contest_id)
        .first()
    )
    if contest is None:
        raise NotFound(_("That contest does not exist."))
    return contest


def _closed_error(contest: Contest) -> Conflict:
    if contest.status == Contest.Status.CANCELLED:
        return Conflict(_("This contest was cancelled."), code="contest_closed")
    return Conflict(_("This contest is over."), code="contest_ended")


def _summary(contest: Contest) -> dict[str, object]:
    return {
        "title": contest.title,
        "kind": contest.kind,
        "teams": contest.teams,
        "team_size": contest.team_size,
        "metric": contest.metric,
        "starts_on": contest.starts_on.isoformat(),
        "ends_on": contest.ends_on.isoformat(),
        "winner_points": contest.winner_points,
    }


# --- The program ----------------------------------------------------------------------------------


def contest_create(*, actor: Actor, data: ContestData) -> Contest:
    require(actor, Action.CONTESTS_MANAGE)
    data = _normalised(data)
    _check(data, today=local_today(actor.organization), existing=None)
    with transaction.atomic():
        contest = Contest.objects.create(
            organization=actor.organization,
            title=data.title,
            description=data.description,
            kind=data.kind,
            teams=data.teams,
            team_size=data.team_size,
            metric=data.metric,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            winner_points=data.winner_points,
            seed=secrets.randbelow(2**62),
            created_by=actor.membership,
        )
        audit_record(actor=actor, action="contest.created", target=contest, data=_summary(contest))
    return contest


def contest_update(*, actor: Actor, contest_id: int, data: ContestData) -> Contest:
    """Change a contest. Before it starts everything may change; once it runs, only its title,
    description, prize and last day (not into the past)."""
    require(actor, Action.CONTESTS_MANAGE)
    data = _normalised(data)
    with transaction.atomic():
        contest = _contest_locked(actor, contest_id)
        if contest.status != Contest.Status.ACTIVE:
            raise _closed_error(contest)
        today = local_today(actor.organization)
        if contest.ends_on < today:
            raise _closed_error(contest)
        _check(data, today=today, existing=contest)
        before = _summary(contest)
        regroup = (contest.kind, contest.teams) != (data.kind, data.teams)
        for name in ("title", "description", "kind", "teams", "team_size", "metric"):
            setattr(contest, name, getattr(data, name))
        contest.starts_on, contest.ends_on = data.starts_on, data.ends_on
        contest.winner_points = data.winner_points
        contest.save()
        if regroup:  # only before the start (checked): the teams follow the new form
            _teams_reset(contest)
        after = _summary(contest)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            audit_record(actor=actor, action="contest.updated", target=contest, data=changed)
    return contest


def contest_cancel(*, actor: Actor, contest_id: int, reason: str) -> Contest:
    """Call a contest off before it is closed: nobody wins, nothing is awarded."""
    require(actor, Action.CONTESTS_MANAGE)
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        contest = _contest_locked(actor, contest_id)
        if contest.status != Contest.Status.ACTIVE:
            raise _closed_error(contest)
        if not reason or len(reason) > REASON_MAX:
            raise DomainError(
                _("Say why, in at most %(max)d characters: participants see it.")
                % {"max": REASON_MAX},
                fields={"reason": [_("Required.") if not reason else _("Too long.")]},
            )
        contest.status = Contest.Status.CANCELLED
        contest.cancelled_at = timezone.now()
        contest.cancel_reason = reason
        contest.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(
            actor=actor, action="contest.cancelled", target=contest, data={"reason": reason}
        )
    return contest


# --- People ---------------------------------------------------------------------------------------


def _person(actor: Actor) -> Membership:
    if actor.membership is None:
        raise DomainError(
            _("Contests are for people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    return actor.membership


def _open_for_people(contest: Contest, today: date) -> None:
    if contest.status != Contest.Status.ACTIVE or contest.ends_on < today:
        raise _closed_error(contest)


def contest_join(*, actor: Actor, contest_id: int) -> ContestParticipant:
    """Join a contest (oneself only), before or while it runs. Department contests put the
    person in their department's team; random teams, once drawn, take them in the smallest."""
    require(actor, Action.CONTESTS_JOIN)
    with transaction.atomic():
        contest = _contest_locked(actor, contest_id)
        person = _person(actor)
        today = local_today(actor.organization)
        _open_for_people(contest, today)
        if ContestParticipant.objects.filter(contest=contest, membership=person).exists():
            raise Conflict(_("You already take part in this contest."), code="already_joined")
        if _draw_due(contest, today):
            _teams_form(contest)
        team = _team_for_newcomer(contest, person)
        participant = ContestParticipant.objects.create(
            organization=actor.organization, contest=contest, membership=person, team=team
        )
        audit_record(
            actor=actor,
            action="contest.joined",
            target=contest,
            data={"team": team.number if team else None},
        )
    return participant


def contest_leave(*, actor: Actor, contest_id: int) -> None:
    """Leave a contest one joined, until its last day is over."""
    require(actor, Action.CONTESTS_JOIN)
    with transaction.atomic():
        contest = _contest_locked(actor, contest_id)
        person = _person(actor)
        _open_for_people(contest, local_today(actor.organization))
        deleted, _rows = ContestParticipant.objects.filter(
            contest=contest, membership=person
        ).delete()
        if not deleted:
            raise Conflict(_("You do not take part in this contest."), code="not_joined")
        audit_record(actor=actor, action="contest.left", target=contest)


def _teams_reset(contest: Contest) -> None:
    """Drop the teams of a contest that has not started (locked by the caller) and put its
    participants in department teams again if that is its form now."""
    contest.team_set.all().delete()  # participants keep their place, without a team
    contest.teams_formed_at = None
    contest.save(update_fields=["teams_formed_at", "updated_at"])
    if contest.is_team and contest.teams == Contest.Teams.DEPARTMENT:
        for participant in ContestParticipant.objects.filter(contest=contest).select_related(
            "membership"
        ):
            participant.team = _team_for_newcomer(contest, participant.membership)
            participant.save(update_fields=["team"])


def _draw_due(contest: Contest, today: date) -> bool:
    """Whether the random teams of a contest should be drawn now (it started, not drawn yet)."""
    return (
        contest.is_team
        and contest.teams == Contest.Teams.RANDOM
        and contest.teams_formed_at is None
        and contest.starts_on <= today
    )


def _team_for_newcomer(contest: Contest, person: Membership) -> ContestTeam | None:
    """Call with the contest locked."""
    if not contest.is_team:
        return None
    if contest.teams == Contest.Teams.DEPARTMENT:
        teams = ContestTeam.objects.filter(contest=contest)
        team = (
            teams.filter(department_id=person.department_id)
            if person.department_id is not None
            else teams.filter(department__isnull=True)
        ).first()
        if team is None:
            last = contest.team_set.order_by("-number").values_list("number", flat=True).first()
            team = ContestTeam.objects.create(
                organization_id=contest.organization_id,
                contest=contest,
                number=(last or 0) + 1,
                department_id=person.department_id,
            )
        return team
    if contest.teams_formed_at is None:
        return None
    smallest = contest.team_set.annotate(size=Count("members")).order_by("size", "number").first()
    if smallest is not None and smallest.size < (contest.team_size or 0):
        return smallest
    # Every team is full (or nobody had joined when they were drawn): a new team begins.
    last = contest.team_set.order_by("-number").values_list("number", flat=True).first()
    return ContestTeam.objects.create(
        organization_id=contest.organization_id, contest=contest, number=(last or 0) + 1
    )


# --- Random teams ---------------------------------------------------------------------------------


def teams_draw(seed: int, member_ids: list[int], size: int) -> dict[int, int]:
    """Membership id → team number (from 1): the ids shuffled by the seed, then dealt round the
    teams like cards, so sizes differ by at most one and none exceeds ``size``. The same seed
    and people always give the same teams."""
    if not member_ids:
        return {}
    order = sorted(member_ids)
    random.Random(seed).shuffle(order)  # noqa: S311 - a fair draw, not a secret
    count = max(1, math.ceil(len(order) / size))
    return {member: index % count + 1 for index, member in enumerate(order)}


def _teams_form(contest: Contest) -> int:
    """Draw the random teams of a contest (locked by the caller); returns how many."""
    participants = list(ContestParticipant.objects.filter(contest=contest))
    assert contest.team_size is not None  # random teams always have a size (checked)
    draw = teams_draw(contest.seed, [p.membership_id for p in participants], contest.team_size)
    numbers = sorted(set(draw.values()))
    ContestTeam.objects.bulk_create(
        [
            ContestTeam(organization_id=contest.organization_id, contest=contest, number=n)
            for n in numbers
        ]
    )
    teams = {t.number: t for t in contest.team_set.all()}
    for participant in participants:
        participant.team = teams[draw[participant.membership_id]]
    ContestParticipant.objects.bulk_update(participants, ["team"], batch_size=500)
    contest.teams_formed_at = timezone.now()
    contest.save(update_fields=["teams_formed_at", "updated_at"])
    audit_record(
        actor=system_actor(contest.organization),
        action="contest.teams_formed",
        target=contest,
        data={"teams": len(numbers), "participants": len(participants)},
    )
    return len(numbers)


# --- The periodic job -----------------------------------------------------------------------------


@dataclass
class AdvanceSummary:
    teams_formed: int = 0
    closed: int = 0
    winners: int = 0


def contests_advance(*, now: datetime | None = None) -> AdvanceSummary:
    """Draw the teams of random-team contests that started, and close every contest whose last
    day is over (in its organization's time zone). Safe to run twice or at once."""
    now = now or timezone.now()
    summary = AdvanceSummary()
    # Every zone's today is within a day of UTC's: narrow in SQL, decide per organization.
    horizon = now.date() + timedelta(days=1)
    starting = Contest.objects.filter(
        status=Contest.Status.ACTIVE,
        kind=Contest.Kind.TEAM,
        teams=Contest.Teams.RANDOM,
        teams_formed_at__isnull=True,
        starts_on__lte=horizon,
    ).values_list("pk", flat=True)
    for contest_id in list(starting):
        summary.teams_formed += _form_if_due(contest_id, now)
    ending = Contest.objects.filter(status=Contest.Status.ACTIVE, ends_on__lte=horizon)
    for contest_id in list(ending.values_list("pk", flat=True)):
        winners = contest_close(contest_id=contest_id, now=now)
        if winners is not None:
            summary.closed += 1
            summary.winners += winners
    return summary


def _form_if_due(contest_id: int, now: datetime) -> int:
    with transaction.atomic():
        contest = (
            Contest.objects.select_for_update()
            .select_related("organization")
            .filter(pk=contest_id, status=Contest.Status.ACTIVE, teams_formed_at__isnull=True)
            .first()
        )
        if contest is None or contest.starts_on > local_today(contest.organization, now):
            return 0
        return _teams_form(contest)


def contest_close(*, contest_id: int, now: datetime | None = None) -> int | None:
    """Close one contest whose last day is over: its winners (the top score, ties share it;
    in a team contest every member of the top team) get the badge and ``winner_points``
    through the ledger, and the community an announcement. Returns the number of winners, or
    ``None`` when there was nothing to close (not over yet, closed already, cancelled)."""
    now = now or timezone.now()
    with transaction.atomic():
        contest = (
            Contest.objects.select_for_update()
            .select_related("organization")
            .filter(pk=contest_id, status=Contest.Status.ACTIVE)
            .first()
        )
        if contest is None or contest.ends_on >= local_today(contest.organization, now):
            return None
        if _draw_due(contest, today=contest.ends_on):
            _teams_form(contest)
        results = contest_results(contest)
        winners = [
            ContestWinner(
                organization_id=contest.organization_id,
                contest=contest,
                membership_id=membership_id,
                team_id=team_id,
                score=results.best,
                points=contest.winner_points,
            )
            for membership_id, team_id in results.winners
        ]
        ContestWinner.objects.bulk_create(winners, ignore_conflicts=True)
        people = Membership.objects.in_bulk([w.membership_id for w in winners])
        for winner in winners:
            badge_award(
                membership=people[winner.membership_id],
                badge_key=CONTEST_WINNER,
                source_key=f"contest:{contest.pk}",
            )
        if contest.winner_points:
            entries_add(
                PointEntry(
                    organization_id=contest.organization_id,
                    membership_id=winner.membership_id,
                    points=contest.winner_points,
                    reason=PointEntry.Reason.CONTEST,
                    params={"contest": contest.pk, "title": contest.title, "score": results.best},
                    source_key=f"contest:{contest.pk}:winner:{winner.membership_id}",
                    status=PointEntry.Status.CONFIRMED,
                    occurred_at=now,
                )
                for winner in winners
            )
        Announcement.objects.get_or_create(
            organization_id=contest.organization_id,
            kind=Announcement.Kind.CONTEST_RESULT,
            contest=contest,
        )
        contest.status = Contest.Status.FINISHED
        contest.finished_at = now
        contest.save(update_fields=["status", "finished_at", "updated_at"])
        audit_record(
            actor=system_actor(contest.organization),
            action="contest.finished",
            target=contest,
            data={
                "score": results.best,
                "winners": sorted(people),
                "participants": results.participants,
            },
        )
    return len(winners)
