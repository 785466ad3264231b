"""Reads of contests, scoped by an explicit actor: the list, one contest, and its standings.

A contest counts what its participants did from the start of its first day to the end of its
last day, in the organization's time zone. Unique clicks, shares and conversions come from the
analytics rollups (``DailyRollup``: one row per day × content × advocate × network, days in
the organization's time zone), which count only human clicks and never the sharer's own; the
most likes on a single post come from each share's reactions (``ShareMetrics``, synced from the
network or entered by the person), for the shares made during the contest. A team's score is
the sum of its members' (for likes: its best post).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.selectors import public_name
from ouendan.analytics.models import DailyRollup
from ouendan.core.errors import NotFound
from ouendan.engagement.models import Contest, ContestParticipant, ContestTeam
from ouendan.engagement.periods import zone_of
from ouendan.sharing.models import ShareMetrics

Metric = Contest.Metric
PAST_SHOWN = 20


def local_today(organization: Organization, now: datetime | None = None) -> date:
    """Today in the organization's time zone."""
    return (now or timezone.now()).astimezone(zone_of(organization)).date()


def contest_bounds(contest: Contest) -> tuple[datetime, datetime]:
    """``[start, end)``: the first day's first instant and the day after the last, there."""
    zone = zone_of(contest.organization)
    start = datetime.combine(contest.starts_on, time.min, tzinfo=zone)
    end = datetime.combine(contest.ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


# --- Phase ----------------------------------------------------------------------------------------

UPCOMING, RUNNING, CLOSING, FINISHED, CANCELLED = (
    "upcoming",
    "running",
    "closing",
    "finished",
    "cancelled",
)


def contest_phase(contest: Contest, today: date) -> str:
    """``upcoming`` (join now), ``running``, ``closing`` (over, the results are being made),
    ``finished`` or ``cancelled``."""
    if contest.status == Contest.Status.CANCELLED:
        return CANCELLED
    if contest.status == Contest.Status.FINISHED:
        return FINISHED
    if today < contest.starts_on:
        return UPCOMING
    if today <= contest.ends_on:
        return RUNNING
    return CLOSING


def phase_label(phase: str) -> str:
    return {
        UPCOMING: _("Starts soon"),
        RUNNING: _("Running"),
        CLOSING: _("Over: results soon"),
        FINISHED: _("Finished"),
        CANCELLED: pgettext("contest status", "Cancelled"),
    }[phase]


def metric_unit(metric: str) -> str:
    """What a score counts, for a column heading."""
    units: dict[str, str] = {
        Metric.UNIQUE_CLICKS: _("People who clicked"),
        Metric.SHARES: _("Shares"),
        Metric.CONVERSIONS: _("Conversions"),
        Metric.TOP_POST_LIKES: _("Likes on the best post"),
    }
    return units.get(metric, "")


# --- Scores ---------------------------------------------------------------------------------------


def contest_scores(contest: Contest) -> dict[int, int]:
    """Each participant's score above 0 (membership id → figure), in one query."""
    who = ContestParticipant.objects.filter(contest=contest).values("membership_id")
    rows: Iterable[tuple[int, Any]]
    if contest.metric == Metric.TOP_POST_LIKES:
        start, end = contest_bounds(contest)
        rows = (
            ShareMetrics.objects.filter(
                organization_id=contest.organization_id,
                share__membership_id__in=who,
                share__created_at__gte=start,
                share__created_at__lt=end,
            )
            .values("share__membership_id")
            .annotate(score=Max("likes"))
            .values_list("share__membership_id", "score")
        )
    else:
        rows = (
            DailyRollup.objects.filter(
                organization_id=contest.organization_id,
                day__gte=contest.starts_on,
                day__lte=contest.ends_on,
                membership_id__in=who,
            )
            .values("membership_id")
            .annotate(score=Sum(contest.metric))
            .values_list("membership_id", "score")
        )
    return {membership_id: int(score) for membership_id, score in rows if score}


def team_score(contest: Contest, member_scores: list[int]) -> int:
    if not member_scores:
        return 0
    return max(member_scores) if contest.metric == Metric.TOP_POST_LIKES else sum(member_scores)


@dataclass(frozen=True)
class Results:
    best: int  # the winning score (0: nobody did anything, nobody wins)
    winners: list[tuple[int, int | None]]  # (membership id, team id)
    participants: int


def contest_results(contest: Contest) -> Results:
    """Who wins as things stand: the best score above 0, ties share it; in a team contest, every
    member of the best team (or teams)."""
    scores = contest_scores(contest)
    members: list[tuple[int, int | None]] = list(
        ContestParticipant.objects.filter(contest=contest).values_list("membership_id", "team_id")
    )
    if not contest.is_team:
        best = max((scores.get(m, 0) for m, _t in members), default=0)
        winners = [(m, t) for m, t in members if best and scores.get(m, 0) == best]
        return Results(best, winners, len(members))
    by_team: dict[int | None, list[int]] = defaultdict(list)
    for membership_id, team_id in members:
        by_team[team_id].append(scores.get(membership_id, 0))
    totals = {t: team_score(contest, s) for t, s in by_team.items() if t is not None}
    best = max(totals.values(), default=0)
    top = {t for t, total in totals.items() if best and total == best}
    return Results(best, [(m, t) for m, t in members if t in top], len(members))


# --- The list and one contest ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContestCard:
    contest: Contest
    phase: str
    participants: int
    joined: bool
    days_left: int  # until the end (running) or the start (upcoming); 0 otherwise

    @property
    def is_open(self) -> bool:
        """People may still join or leave."""
        return self.phase in (UPCOMING, RUNNING)

    @property
    def phase_label(self) -> str:
        return phase_label(self.phase)


def _with_counts(actor: Actor, contests: QuerySet[Contest]) -> QuerySet[Contest]:
    counted = contests.annotate(people=Count("participants", distinct=True))
    if actor.membership is None:
        return counted.annotate(mine=Value(False))
    mine = ContestParticipant.objects.filter(contest=OuterRef("pk"), membership=actor.membership)
    return counted.annotate(mine=Exists(mine))


def _card(contest: Contest, today: date) -> ContestCard:
    phase = contest_phase(contest, today)
    days = 0
    if phase == RUNNING:
        days = (contest.ends_on - today).days + 1
    elif phase == UPCOMING:
        days = (contest.starts_on - today).days
    return ContestCard(
        contest=contest,
        phase=phase,
        participants=contest.people,  # type: ignore[attr-defined]
        joined=contest.mine,  # type: ignore[attr-defined]
        days_left=days,
    )


def contests_open(*, actor: Actor) -> list[ContestCard]:
    """Contests one can still join or leave (upcoming and running), the soonest to end first."""
    require(actor, Action.ENGAGEMENT_VIEW)
    today = local_today(actor.organization)
    found = Contest.objects.filter(
        organization=actor.organization, status=Contest.Status.ACTIVE, ends_on__gte=today
    ).order_by("ends_on", "pk")
    return [_card(c, today) for c in _with_counts(actor, found)]


def contests_past(*, actor: Actor, limit: int = PAST_SHOWN) -> list[ContestCard]:
    """Contests that are over (closing, finished or cancelled), the latest first."""
    require(actor, Action.ENGAGEMENT_VIEW)
    today = local_today(actor.organization)
    found = (
        Contest.objects.filter(organization=actor.organization)
        .filter(~Q(status=Contest.Status.ACTIVE) | Q(ends_on__lt=today))
        .order_by("-ends_on", "-pk")
    )
    return [_card(c, today) for c in _with_counts(actor, found)[:limit]]


def contests_list(*, actor: Actor, state: str = "") -> QuerySet[Contest]:
    """Contests for the API: ``open`` (upcoming and running), ``past``, or all; newest first,
    with ``people`` and ``mine`` annotated."""
    require(actor, Action.ENGAGEMENT_VIEW)
    today = local_today(actor.organization)
    found = Contest.objects.filter(organization=actor.organization)
    if state == "open":
        found = found.filter(status=Contest.Status.ACTIVE, ends_on__gte=today)
    elif state == "past":
        found = found.filter(~Q(status=Contest.Status.ACTIVE) | Q(ends_on__lt=today))
    return _with_counts(actor, found).order_by("-starts_on", "-pk")


def contest_card(*, actor: Actor, contest_id: int) -> ContestCard:
    require(actor, Action.ENGAGEMENT_VIEW)
    found = _with_counts(
        actor, Contest.objects.filter(organization=actor.organization, pk=contest_id)
    ).first()
    if found is None:
        raise NotFound(_("That contest does not exist."))
    return _card(found, local_today(actor.organization))


def card_of(contest: Contest, actor: Actor) -> ContestCard:
    """The card of a contest annotated by ``contests_list``."""
    return _card(contest, local_today(actor.organization))


# --- Standings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonStanding:
    rank: int
    name: str
    score: int
    team: str | None
    is_me: bool


@dataclass(frozen=True)
class TeamStanding:
    rank: int
    name: str
    score: int
    members: int
    is_mine: bool


@dataclass(frozen=True)
class MyContestStanding:
    rank: int  # among everyone, shown or not
    score: int
    team: str | None
    hidden: bool  # the person does not appear to others


@dataclass(frozen=True)
class Standings:
    card: ContestCard
    people: list[PersonStanding]  # only people with a score who chose to appear
    teams: list[TeamStanding]  # every team (team contests)
    me: MyContestStanding | None  # None: not taking part
    winners: list[str]  # names of the winners who appear (finished contests)
    hidden_winners: int  # winners who chose not to appear


def team_name(team: ContestTeam | None) -> str | None:
    if team is None:
        return None
    if team.contest.teams == Contest.Teams.DEPARTMENT:
        return team.department.name if team.department else _("No department")
    return _("Team %(number)d") % {"number": team.number}


def _ranked(values: list[int]) -> list[int]:
    """Competition ranks ("1, 2, 2, 4") for scores sorted from the best."""
    ranks: list[int] = []
    for position, value in enumerate(values, start=1):
        ranks.append(ranks[-1] if ranks and values[position - 2] == value else position)
    return ranks


def contest_standings(*, actor: Actor, contest_id: int) -> Standings:
    """Where everyone stands now (the final results once closed), in four queries whatever
    the number of people."""
    card = contest_card(actor=actor, contest_id=contest_id)
    contest = card.contest
    organization = actor.organization
    contest.organization = organization
    participants = list(
        ContestParticipant.objects.filter(contest=contest)
        .select_related("membership", "membership__department", "team", "team__department")
        .order_by("membership__full_name_kana", "membership_id")
    )
    for participant in participants:
        if participant.team is not None:
            participant.team.contest = contest
    scores = contest_scores(contest)
    me_id = actor.membership.pk if actor.membership else None
    ordered = sorted(participants, key=lambda p: -scores.get(p.membership_id, 0))
    ranks = _ranked([scores.get(p.membership_id, 0) for p in ordered])
    people: list[PersonStanding] = []
    me: MyContestStanding | None = None
    shown = 0
    for participant, rank in zip(ordered, ranks, strict=True):
        score = scores.get(participant.membership_id, 0)
        name = public_name(participant.membership, organization)
        team = team_name(participant.team)
        if participant.membership_id == me_id:
            me = MyContestStanding(rank=rank, score=score, team=team, hidden=name is None)
        if name is None or score <= 0:
            continue
        shown += 1
        people.append(
            PersonStanding(
                rank=rank,
                name=name,
                score=score,
                team=team,
                is_me=participant.membership_id == me_id,
            )
        )
    teams: list[TeamStanding] = []
    if contest.is_team:
        groups: dict[int, list[ContestParticipant]] = defaultdict(list)
        by_id: dict[int, ContestTeam] = {}
        for participant in participants:
            if participant.team is not None:
                groups[participant.team.pk].append(participant)
                by_id[participant.team.pk] = participant.team
        totals = sorted(
            (
                (team_score(contest, [scores.get(p.membership_id, 0) for p in members]), team_id)
                for team_id, members in groups.items()
            ),
            key=lambda pair: (-pair[0], by_id[pair[1]].number),
        )
        for (total, team_id), rank in zip(totals, _ranked([t for t, _i in totals]), strict=True):
            members = groups[team_id]
            teams.append(
                TeamStanding(
                    rank=rank,
                    name=team_name(by_id[team_id]) or "",
                    score=total,
                    members=len(members),
                    is_mine=any(p.membership_id == me_id for p in members),
                )
            )
    winners, hidden = _winner_names(contest, organization)
    return Standings(card, people, teams, me, winners, hidden)


def _winner_names(contest: Contest, organization: Organization) -> tuple[list[str], int]:
    if contest.status != Contest.Status.FINISHED:
        return [], 0
    names, hidden = [], 0
    for winner in contest.winners.select_related("membership").order_by(
        "membership__full_name_kana", "pk"
    ):
        name = public_name(winner.membership, organization)
        if name is None:
            hidden += 1
        else:
            names.append(name)
    return names, hidden
