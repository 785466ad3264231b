"""Contests: the program's checks, joining of one's own accord, random teams (balanced and
reproducible) or by department, scores counted only inside the contest's days from the
rollups (never bots or the sharer), closing once however often the job runs (badges, points
through the ledger, the announcement), standings as people chose to appear, the pages and the
API with a role that may not use them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.permissions import Actor, system_actor
from ouendan.accounts.roles import Role
from ouendan.analytics.models import DailyRollup
from ouendan.analytics.services.rollups import rollups_build
from ouendan.content.models import ContentItem
from ouendan.core.errors import Conflict, DomainError
from ouendan.engagement.models import (
    Announcement,
    BadgeAward,
    Contest,
    ContestParticipant,
    ContestWinner,
    PointEntry,
)
from ouendan.engagement.selectors import points_balance
from ouendan.engagement.selectors_contests import contest_scores, contest_standings, local_today
from ouendan.engagement.services.contests import (
    ContestData,
    contest_cancel,
    contest_create,
    contest_join,
    contest_leave,
    contest_update,
    contests_advance,
    teams_draw,
)
from ouendan.sharing.models import ShareMetrics
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.engagement.conftest import click, posted
from tests.factories import DepartmentFactory, actor, make_person

pytestmark = pytest.mark.django_db

_networks = count()
NETWORKS = ("x", "linkedin", "facebook", "bluesky", "mastodon", "threads", "line", "instagram")


def today(org: Organization) -> dt.date:
    return local_today(org)


def later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def new_contest(pm: Membership, *, days: int = 7, start_in: int = 0, **fields: object) -> Contest:
    start = today(pm.organization) + dt.timedelta(days=start_in)
    values: dict[str, object] = {
        "title": "新卒採用チャレンジ",
        "metric": Contest.Metric.UNIQUE_CLICKS,
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=days - 1),
        "winner_points": 100,
        **fields,
    }
    return contest_create(actor=actor(pm), data=ContestData(**values))  # type: ignore[arg-type]


def record(person: Membership, item: ContentItem, day: dt.date, **figures: int) -> DailyRollup:
    """A rollup row as analytics leaves it (for reading tests; see the real-events test)."""
    network = NETWORKS[next(_networks) % len(NETWORKS)]
    DailyRollup.objects.filter(
        organization=person.organization, day=day, content=item, membership=person, network=network
    ).delete()
    return DailyRollup.objects.create(
        organization=person.organization,
        day=day,
        content=item,
        membership=person,
        network=network,
        department_id=person.department_id,
        **figures,
    )


def end_contest(contest: Contest) -> dt.datetime:
    """A moment after the contest's last day (its organization's time zone)."""
    return timezone.now() + dt.timedelta(
        days=(contest.ends_on - today(contest.organization)).days + 1
    )


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


@pytest.fixture
def people(org: Organization) -> list[Membership]:
    return [
        make_person(org, full_name=f"参加 {n}さん", full_name_kana=f"サンカ {n}") for n in range(4)
    ]


# --- The program's checks -------------------------------------------------------------------------


def test_the_program_creates_a_contest_and_the_audit_log_has_it(pm: Membership):
    contest = new_contest(pm, kind="team", teams="random", team_size=3)
    assert (contest.kind, contest.teams, contest.team_size, contest.status) == (
        "team",
        "random",
        3,
        "active",
    )
    assert AuditEvent.objects.filter(action="contest.created", target_id=str(contest.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": -1}, "ends_on"),  # the last day before the first
        ({"start_in": -1}, "starts_on"),  # in the past
        ({"kind": "team", "teams": "random", "team_size": 1}, "team_size"),
        ({"kind": "team", "teams": "random", "team_size": 21}, "team_size"),
        ({"kind": "team", "teams": "random", "team_size": None}, "team_size"),
        ({"kind": "team", "teams": ""}, "teams"),
        ({"title": "   "}, "title"),
        ({"metric": "followers"}, "metric"),
        ({"days": 400}, "ends_on"),
        ({"winner_points": 100_001}, "winner_points"),
    ],
)
def test_a_contest_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    pm: Membership, changes: dict[str, object], field: str
):
    changes = dict(changes)
    start = today(pm.organization) + dt.timedelta(days=int(changes.pop("start_in", 0)))  # type: ignore[call-overload]
    end_offset = changes.pop("ends_on", None)
    days = int(changes.pop("days", 7))  # type: ignore[call-overload]
    values: dict[str, object] = {
        "title": "挑戦",
        "metric": "shares",
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=days - 1 if end_offset is None else int(end_offset)),  # type: ignore[call-overload]
        **changes,
    }
    with pytest.raises(DomainError) as refused:
        contest_create(actor=actor(pm), data=ContestData(**values))  # type: ignore[arg-type]
    assert field in refused.value.fields, refused.value.fields
    assert not Contest.objects.exists()


def test_only_the_program_creates_changes_and_cancels(pm: Membership, advocate: Membership):
    contest = new_contest(pm)
    data = ContestData(
        title="x", metric="shares", starts_on=contest.starts_on, ends_on=contest.ends_on
    )
    with pytest.raises(PermissionDenied):
        contest_create(actor=actor(advocate), data=data)
    with pytest.raises(PermissionDenied):
        contest_update(actor=actor(advocate), contest_id=contest.pk, data=data)
    with pytest.raises(PermissionDenied):
        contest_cancel(actor=actor(advocate), contest_id=contest.pk, reason="x")


def test_a_running_contest_keeps_its_rules_but_its_end_may_move(pm: Membership):
    contest = new_contest(pm)
    current = ContestData(
        title="新しい題名",
        metric=contest.metric,
        starts_on=contest.starts_on,
        ends_on=contest.ends_on + dt.timedelta(days=7),
        winner_points=200,
    )
    contest_update(actor=actor(pm), contest_id=contest.pk, data=current)
    contest.refresh_from_db()
    assert (contest.title, contest.winner_points) == ("新しい題名", 200)
    assert contest.ends_on == today(pm.organization) + dt.timedelta(days=13)
    changed = ContestData(**{**current.__dict__, "metric": "shares"})
    with pytest.raises(DomainError) as refused:
        contest_update(actor=actor(pm), contest_id=contest.pk, data=changed)
    assert "metric" in refused.value.fields
    contest.refresh_from_db()
    assert contest.metric == "unique_clicks"


def test_a_cancelled_contest_cannot_be_joined_changed_or_closed(
    pm: Membership, advocate: Membership
):
    contest = new_contest(pm)
    with pytest.raises(DomainError) as no_reason:
        contest_cancel(actor=actor(pm), contest_id=contest.pk, reason=" ")
    assert "reason" in no_reason.value.fields
    contest_cancel(actor=actor(pm), contest_id=contest.pk, reason="台風のため")
    with pytest.raises(Conflict) as closed:
        contest_join(actor=actor(advocate), contest_id=contest.pk)
    assert closed.value.code == "contest_closed"
    with pytest.raises(Conflict):
        contest_cancel(actor=actor(pm), contest_id=contest.pk, reason="again")
    assert contests_advance(now=end_contest(contest)).closed == 0
    assert not Announcement.objects.exists()


# --- Joining --------------------------------------------------------------------------------------


def test_people_join_and_leave_of_their_own_accord(pm: Membership, advocate: Membership):
    contest = new_contest(pm, start_in=2)
    contest_join(actor=actor(advocate), contest_id=contest.pk)
    with pytest.raises(Conflict) as twice:
        contest_join(actor=actor(advocate), contest_id=contest.pk)
    assert twice.value.code == "already_joined"
    assert ContestParticipant.objects.filter(contest=contest).count() == 1
    contest_leave(actor=actor(advocate), contest_id=contest.pk)
    with pytest.raises(Conflict) as again:
        contest_leave(actor=actor(advocate), contest_id=contest.pk)
    assert again.value.code == "not_joined"
    assert not ContestParticipant.objects.exists()
    actions = list(
        AuditEvent.objects.filter(target_id=str(contest.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["contest.created", "contest.joined", "contest.left"]


def test_nobody_is_enrolled_by_creating_a_contest(pm: Membership, people: list[Membership]):
    contest = new_contest(pm)
    assert not ContestParticipant.objects.filter(contest=contest).exists()
    with pytest.raises(DomainError) as organization_token:
        contest_join(actor=system_actor(pm.organization), contest_id=contest.pk)
    assert organization_token.value.code == "not_a_person"


def test_after_the_last_day_nobody_joins_or_leaves(pm: Membership, advocate: Membership):
    contest = new_contest(pm)
    contest_join(actor=actor(advocate), contest_id=contest.pk)
    yesterday = today(pm.organization) - dt.timedelta(days=1)
    Contest.objects.filter(pk=contest.pk).update(
        starts_on=yesterday - dt.timedelta(days=3), ends_on=yesterday
    )
    for move in (contest_leave, contest_join):
        with pytest.raises(Conflict) as over:
            move(actor=actor(advocate), contest_id=contest.pk)
        assert over.value.code == "contest_ended"
    assert ContestParticipant.objects.filter(contest=contest).count() == 1


def test_another_organizations_contest_is_not_found(pm: Membership, other_admin: Membership):
    contest = new_contest(pm)
    with pytest.raises(DomainError) as missing:
        contest_join(actor=actor(other_admin), contest_id=contest.pk)
    assert missing.value.code == "not_found"


# --- Teams ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 3, 4, 7, 20])
def test_random_teams_are_balanced_and_reproducible(size: int):
    for people in range(1, 45):
        ids = list(range(100, 100 + people))
        draw = teams_draw(42, ids, size)
        assert set(draw) == set(ids)
        sizes = Counter(draw.values())
        assert max(sizes.values()) - min(sizes.values()) <= 1
        assert max(sizes.values()) <= size
        assert sorted(sizes) == list(range(1, len(sizes) + 1))
        assert teams_draw(42, list(reversed(ids)), size) == draw  # the same people, any order
    many = list(range(1, 41))
    assert teams_draw(1, many, 4) != teams_draw(2, many, 4)  # another seed, another draw


def test_random_teams_are_drawn_when_the_contest_starts(pm: Membership, org: Organization):
    contest = new_contest(pm, start_in=1, kind="team", teams="random", team_size=3)
    joined = [make_person(org) for _ in range(7)]
    for person in joined:
        contest_join(actor=actor(person), contest_id=contest.pk)
    assert contests_advance().teams_formed == 0  # not started yet
    assert not ContestParticipant.objects.filter(team__isnull=False).exists()
    summary = contests_advance(now=later(1))
    assert summary.teams_formed == 3
    assert contests_advance(now=later(1)).teams_formed == 0  # once
    sizes = Counter(ContestParticipant.objects.values_list("team__number", flat=True))
    assert sorted(sizes.values()) == [2, 2, 3]
    expected = teams_draw(Contest.objects.get().seed, [p.pk for p in joined], 3)
    assert {
        p.membership_id: p.team.number for p in ContestParticipant.objects.select_related("team")
    } == expected
    # Someone joining later goes to the smallest team.
    Contest.objects.filter(pk=contest.pk).update(starts_on=today(org))
    late = make_person(org)
    contest_join(actor=actor(late), contest_id=contest.pk)
    sizes = Counter(ContestParticipant.objects.values_list("team__number", flat=True))
    assert sorted(sizes.values()) == [2, 3, 3]


def test_department_teams_form_as_people_join(pm: Membership, org: Organization):
    sales, dev = (
        DepartmentFactory(organization=org, name="営業部"),
        DepartmentFactory(organization=org, name="開発部"),
    )
    contest = new_contest(pm, kind="team", teams="department")
    joined = [
        make_person(org, department=sales),
        make_person(org, department=dev),
        make_person(org, department=sales),
        make_person(org),
    ]
    for person in joined:
        contest_join(actor=actor(person), contest_id=contest.pk)
    teams = {
        p.membership_id: (p.team.department.name if p.team.department else None)
        for p in ContestParticipant.objects.select_related("team__department")
    }
    assert [teams[p.pk] for p in joined] == ["営業部", "開発部", "営業部", None]
    assert contest.team_set.count() == 3


def test_changing_how_teams_form_before_the_start_regroups_everyone(
    pm: Membership, org: Organization
):
    sales = DepartmentFactory(organization=org, name="営業部")
    contest = new_contest(pm, start_in=3, kind="team", teams="department")
    people = [make_person(org, department=sales), make_person(org)]
    for person in people:
        contest_join(actor=actor(person), contest_id=contest.pk)
    assert contest.team_set.count() == 2
    data = ContestData(
        title=contest.title,
        metric=contest.metric,
        starts_on=contest.starts_on,
        ends_on=contest.ends_on,
        kind="team",
        teams="random",
        team_size=2,
    )
    contest_update(actor=actor(pm), contest_id=contest.pk, data=data)
    assert not contest.team_set.exists()
    assert not ContestParticipant.objects.filter(team__isnull=False).exists()
    contest_update(
        actor=actor(pm),
        contest_id=contest.pk,
        data=ContestData(**{**data.__dict__, "teams": "department", "team_size": None}),
    )
    assert ContestParticipant.objects.filter(team__isnull=False).count() == 2


def test_when_every_team_is_full_a_late_joiner_starts_a_new_one(pm: Membership, org):
    contest = new_contest(pm, start_in=1, kind="team", teams="random", team_size=2)
    for _ in range(4):
        contest_join(actor=actor(make_person(org)), contest_id=contest.pk)
    contests_advance(now=later(1))
    Contest.objects.filter(pk=contest.pk).update(starts_on=today(org))
    contest_join(actor=actor(make_person(org)), contest_id=contest.pk)
    sizes = Counter(ContestParticipant.objects.values_list("team__number", flat=True))
    assert sorted(sizes.values()) == [1, 2, 2] and max(sizes) == 3


# --- Scores ---------------------------------------------------------------------------------------


def test_only_human_clicks_inside_the_contest_count(
    pm: Membership, sharer: Actor, advocate: Membership, item: ContentItem, org: Organization
):
    """Real events: a share clicked by three people, a crawler and the sharer, plus a click the
    day before the contest; the rollups are built as the worker builds them."""
    contest = new_contest(pm)
    contest_join(actor=sharer, contest_id=contest.pk)
    now = timezone.now()
    share = posted(sharer, item, at=now - dt.timedelta(days=1))
    click(share, at=now - dt.timedelta(days=1), visitor="before")
    for n in range(3):
        click(share, at=now - dt.timedelta(minutes=n), visitor=f"person-{n}")
    click(share, at=now, visitor="person-0", unique=False)  # the same person again
    click(share, at=now, bot=True)
    click(share, at=now, is_self=True)
    rollups_build()
    assert contest_scores(contest) == {advocate.pk: 3}
    shares = new_contest(pm, title="投稿数", metric="shares")
    contest_join(actor=sharer, contest_id=shares.pk)
    assert contest_scores(shares) == {}  # shared the day before it began


def test_the_most_likes_on_a_single_post_counts_the_best_post_of_the_contest(
    pm: Membership, sharer: Actor, advocate: Membership, item: ContentItem, promo: ContentItem
):
    contest = new_contest(pm, metric="top_post_likes")
    contest_join(actor=sharer, contest_id=contest.pk)
    old = posted(sharer, item, at=timezone.now() - dt.timedelta(days=2))
    ShareMetrics.objects.create(organization=old.organization, share=old, likes=99, source="manual")
    for share, likes in ((posted(sharer, item), 12), (posted(sharer, promo), 30)):
        ShareMetrics.objects.create(
            organization=share.organization, share=share, likes=likes, source="manual"
        )
    assert contest_scores(contest) == {advocate.pk: 30}


# --- Closing --------------------------------------------------------------------------------------


def test_the_winner_gets_the_badge_and_the_points_once_however_often_the_job_runs(
    pm: Membership, people: list[Membership], item: ContentItem
):
    contest = new_contest(pm, days=3)
    first, second, idle, _ = people
    for person in (first, second, idle):
        contest_join(actor=actor(person), contest_id=contest.pk)
    record(first, item, contest.starts_on, unique_clicks=5)
    record(first, item, contest.ends_on, unique_clicks=4)
    record(second, item, contest.starts_on, unique_clicks=8)
    record(first, item, contest.ends_on + dt.timedelta(days=1), unique_clicks=50)  # after
    record(people[3], item, contest.starts_on, unique_clicks=90)  # did not join
    assert contests_advance().closed == 0  # still running
    moment = end_contest(contest)
    summary = contests_advance(now=moment)
    assert (summary.closed, summary.winners) == (1, 1)
    for _ in range(2):
        assert contests_advance(now=moment).closed == 0
    contest.refresh_from_db()
    assert contest.status == "finished"
    assert list(ContestWinner.objects.values_list("membership_id", "score", "points")) == [
        (first.pk, 9, 100)
    ]
    entry = PointEntry.objects.get(reason="contest")
    assert (entry.membership_id, entry.points, entry.status, entry.source_key) == (
        first.pk,
        100,
        "confirmed",
        f"contest:{contest.pk}:winner:{first.pk}",
    )
    assert points_balance(actor=actor(first)).balance == 100
    assert list(BadgeAward.objects.values_list("membership_id", "badge")) == [
        (first.pk, "contest_winner")
    ]
    assert Announcement.objects.filter(contest=contest).count() == 1
    assert AuditEvent.objects.filter(action="contest.finished").count() == 1


def test_the_periodic_job_closes_contests(
    pm: Membership, people: list[Membership], item: ContentItem, immediate_tasks: None
):
    from ouendan.engagement.tasks_contests import contests_advance_task

    contest = new_contest(pm, days=1)
    contest_join(actor=actor(people[0]), contest_id=contest.pk)
    record(people[0], item, contest.starts_on, unique_clicks=2)
    Contest.objects.filter(pk=contest.pk).update(
        starts_on=contest.starts_on - dt.timedelta(days=2),
        ends_on=contest.ends_on - dt.timedelta(days=1),
    )
    record(people[0], item, contest.starts_on - dt.timedelta(days=1), unique_clicks=1)
    result = contests_advance_task.enqueue()
    assert result.return_value == {"teams_formed": 0, "closed": 1, "winners": 1}
    assert ContestWinner.objects.get().score == 1  # the day of the contest that had passed
    assert contests_advance_task.enqueue().return_value["closed"] == 0


def test_ties_share_the_win_and_nobody_wins_with_nothing(
    pm: Membership, people: list[Membership], item: ContentItem
):
    tied = new_contest(pm, title="同点", days=1, metric="shares")
    empty = new_contest(pm, title="誰も", days=1, metric="conversions")
    for person in people[:3]:
        contest_join(actor=actor(person), contest_id=tied.pk)
        contest_join(actor=actor(person), contest_id=empty.pk)
    record(people[0], item, tied.starts_on, shares=2)
    record(people[1], item, tied.starts_on, shares=2)
    record(people[2], item, tied.starts_on, shares=1)
    contests_advance(now=end_contest(tied))
    assert set(
        ContestWinner.objects.filter(contest=tied).values_list("membership_id", flat=True)
    ) == {
        people[0].pk,
        people[1].pk,
    }
    assert not ContestWinner.objects.filter(contest=empty).exists()
    assert Contest.objects.get(pk=empty.pk).status == "finished"
    assert PointEntry.objects.filter(reason="contest").count() == 2


def test_every_member_of_the_best_team_wins(pm: Membership, org: Organization, item: ContentItem):
    sales, dev = (DepartmentFactory(organization=org, name=n) for n in ("営業部", "開発部"))
    contest = new_contest(pm, kind="team", teams="department", metric="unique_clicks", days=2)
    members = {
        "sales_a": make_person(org, department=sales),
        "sales_b": make_person(org, department=sales),
        "dev_a": make_person(org, department=dev),
    }
    for person in members.values():
        contest_join(actor=actor(person), contest_id=contest.pk)
    record(members["sales_a"], item, contest.starts_on, unique_clicks=3)
    record(members["sales_b"], item, contest.starts_on, unique_clicks=4)
    record(members["dev_a"], item, contest.starts_on, unique_clicks=6)
    contests_advance(now=end_contest(contest))
    winners = set(ContestWinner.objects.values_list("membership_id", "score"))
    assert winners == {(members["sales_a"].pk, 7), (members["sales_b"].pk, 7)}


# --- Standings ------------------------------------------------------------------------------------


def test_standings_name_people_only_as_they_chose(
    pm: Membership, people: list[Membership], item: ContentItem, org: Organization
):
    contest = new_contest(pm)
    named, nicknamed, hidden, idle = people
    Membership.objects.filter(pk=nicknamed.pk).update(appear_as="nickname", nickname="ミライ")
    Membership.objects.filter(pk=hidden.pk).update(appear_as="hidden")
    for person in people:
        contest_join(actor=actor(person), contest_id=contest.pk)
    record(named, item, contest.starts_on, unique_clicks=5)
    record(nicknamed, item, contest.starts_on, unique_clicks=7)
    record(hidden, item, contest.starts_on, unique_clicks=9)
    standings = contest_standings(actor=actor(hidden), contest_id=contest.pk)
    assert [(p.rank, p.name, p.score) for p in standings.people] == [
        (2, "ミライ", 7),
        (3, named.full_name, 5),
    ]
    assert standings.me is not None and (standings.me.rank, standings.me.hidden) == (1, True)
    idle_view = contest_standings(actor=actor(idle), contest_id=contest.pk)
    assert idle_view.me is not None and idle_view.me.score == 0
    assert idle.full_name not in [p.name for p in idle_view.people]  # did nothing: not listed
    assert contest_standings(actor=actor(pm), contest_id=contest.pk).me is None


def test_the_standings_page_costs_the_same_for_3_and_30_people(
    pm: Membership, org: Organization, item: ContentItem
):
    contest = new_contest(pm, kind="team", teams="department")
    departments = [DepartmentFactory(organization=org) for _ in range(3)]
    client = signed_in(pm, language="en")
    counts = []
    for n in (3, 27):
        for i in range(n):
            person = make_person(org, department=departments[i % 3])
            contest_join(actor=actor(person), contest_id=contest.pk)
            record(person, item, contest.starts_on, unique_clicks=i + 1)
        for path in (
            f"/engagement/contests/{contest.pk}/",
            f"/engagement/contests/{contest.pk}/standings/",
        ):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers={"HX-Request": "true"})
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:], counts


# --- Pages ----------------------------------------------------------------------------------------


def test_the_contests_page_in_japanese_and_english(pm: Membership, advocate: Membership):
    contest = new_contest(pm, title="説明会チャレンジ")
    japanese = signed_in(advocate).get("/engagement/contests/").content.decode()
    assert '<html lang="ja">' in japanese and "説明会チャレンジ" in japanese
    english = signed_in(advocate, language="en").get("/engagement/contests/").content.decode()
    assert "Open to join" in english and f"/engagement/contests/{contest.pk}/join/" in english
    assert "New contest" not in english  # not the program
    assert (
        "New contest" in signed_in(pm, language="en").get("/engagement/contests/").content.decode()
    )


def test_joining_from_the_page(pm: Membership, advocate: Membership):
    contest = new_contest(pm)
    client = signed_in(advocate, language="en")
    response = client.post(f"/engagement/contests/{contest.pk}/join/")
    assert response.status_code == 302
    page = client.get(f"/engagement/contests/{contest.pk}/").content.decode()
    assert "You take part" in page and 'id="participants">1<' in page
    again = client.post(f"/engagement/contests/{contest.pk}/join/", follow=True).content.decode()
    assert "You already take part in this contest." in again


def test_the_program_creates_a_contest_on_the_page(pm: Membership):
    client = signed_in(pm, language="en")
    start = today(pm.organization)
    bad = client.post(
        "/engagement/contests/new/",
        {"title": "x", "metric": "shares", "kind": "team", "teams": "random", "team_size": 3,
         "starts_on": start, "ends_on": start - dt.timedelta(days=1), "winner_points": 10},
    )  # fmt: skip
    assert bad.status_code == 400 and not Contest.objects.exists()
    assert "The last day cannot come before the first day." in bad.content.decode()
    good = client.post(
        "/engagement/contests/new/",
        {"title": "週間チャレンジ", "metric": "shares", "kind": "individual", "starts_on": start,
         "ends_on": start + dt.timedelta(days=6), "winner_points": 50},
    )  # fmt: skip
    contest = Contest.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/engagement/contests/{contest.pk}/"
    assert signed_in(pm).get("/engagement/contests/new/").status_code == 200


def test_the_contests_list_costs_the_same_for_3_and_30_contests(pm: Membership, advocate):
    client = signed_in(advocate, language="en")
    counts = []
    for n in (3, 27):
        for _ in range(n):
            contest = new_contest(pm)
            contest_join(actor=actor(advocate), contest_id=contest.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/engagement/contests/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_advocate_cannot_open_the_program_forms(pm: Membership, advocate: Membership):
    contest = new_contest(pm)
    client = signed_in(advocate)
    assert client.get("/engagement/contests/new/").status_code == 403
    assert client.get(f"/engagement/contests/{contest.pk}/edit/").status_code == 403
    assert (
        client.post(f"/engagement/contests/{contest.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    assert Contest.objects.get().status == "active"


# --- API ------------------------------------------------------------------------------------------


def test_the_contest_api(pm: Membership, advocate: Membership, item: ContentItem):
    program, person = Api(token_for(pm)), Api(token_for(advocate))
    start = today(pm.organization)
    body = {
        "title": "API チャレンジ",
        "metric": "unique_clicks",
        "kind": "team",
        "teams": "random",
        "team_size": 25,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=3)).isoformat(),
    }
    refused = assert_error(program.post("/contests", body), 400, "invalid")
    assert "team_size" in refused["fields"]
    assert_error(person.post("/contests", {**body, "team_size": 4}), 403, "permission_denied")
    created = program.post("/contests", {**body, "team_size": 4})
    assert created.status_code == 201, created.content
    contest = created.json()
    assert (contest["phase"], contest["participants"], contest["joined"]) == ("running", 0, False)
    joined = person.post(f"/contests/{contest['id']}/join")
    assert joined.status_code == 200 and joined.json()["joined"] is True
    assert_error(person.post(f"/contests/{contest['id']}/join"), 409, "already_joined")
    assert person.get("/contests", state="open").json()["count"] == 1
    assert person.get("/contests", state="past").json()["count"] == 0
    record(advocate, item, start, unique_clicks=4)
    standings = person.get(f"/contests/{contest['id']}/standings").json()
    assert standings["me"] == {"rank": 1, "score": 4, "team": "Team 1", "hidden": False}
    assert standings["teams"] == [
        {"rank": 1, "name": "Team 1", "score": 4, "members": 1, "mine": True}
    ]
    assert [p["name"] for p in standings["people"]] == [advocate.full_name]
    patched = program.patch(f"/contests/{contest['id']}", {"metric": "shares"})
    assert_error(patched, 400, "invalid")
    assert program.patch(f"/contests/{contest['id']}", {"title": "改題"}).json()["title"] == "改題"
    assert_error(person.patch(f"/contests/{contest['id']}", {"title": "x"}), 403)
    left = person.post(f"/contests/{contest['id']}/leave")
    assert left.json()["joined"] is False
    cancelled = program.post(f"/contests/{contest['id']}/cancel", {"reason": "延期"})
    assert (cancelled.json()["phase"], cancelled.json()["cancel_reason"]) == ("cancelled", "延期")
    assert_error(person.post(f"/contests/{contest['id']}/join"), 409, "contest_closed")
    assert_error(person.get("/contests/999999/standings"), 404, "not_found")


def test_a_read_token_cannot_join(pm: Membership, advocate: Membership):
    contest = new_contest(pm)
    reader = Api(token_for(advocate, scopes=("read",)))
    assert reader.get(f"/contests/{contest.pk}").status_code == 200
    assert_error(reader.post(f"/contests/{contest.pk}/join"), 403, "permission_denied")
    assert not ContestParticipant.objects.exists()
