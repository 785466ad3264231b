"""KPI goals: the baseline measured once over the period before and kept, entered baselines, the
progress arithmetic (on track, behind, achieved, missed), values equal to ``summary`` over each
goal's scope in a fixed number of queries, who sees which goal, the API and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouendan.accounts.models import AuditEvent, Department, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.analytics.models import DailyRollup, DailyTotal, KpiGoal
from ouendan.analytics.selectors import Filters, summary
from ouendan.analytics.selectors.goals import (
    Status,
    goal_progress_list,
    goal_units,
    goals_progress,
    progress_of,
    subtrees,
)
from ouendan.analytics.services.goals import (
    GoalData,
    goal_baselines_settle,
    goal_create,
    goal_delete,
    goal_update,
)
from ouendan.content.models import ContentItem
from ouendan.core.errors import DomainError, NotFound
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, actor, make_person

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
# A fiscal quarter (April–June) and the 91 days before it.
Q_START, Q_END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)
BEFORE = dt.date(2026, 3, 15)
MID = dt.date(2026, 5, 15)  # day 45 of 91


# --- Rollup rows written directly (the goals only read them) ------------------------------------


def record(
    org: Organization,
    *,
    day: dt.date,
    person: Membership,
    network: str = "x",
    reach: int = 0,
    **figures: int | Decimal,
) -> None:
    """One advocate's figures on one day, in ``DailyRollup`` and the day's ``DailyTotal``."""
    item = ContentItem.objects.create(
        organization=org,
        title=f"記事 {ContentItem.objects.count()}",
        slug=f"goal-item-{ContentItem.objects.count()}",
        status=ContentItem.Status.PUBLISHED,
    )
    DailyRollup.objects.create(
        organization=org,
        day=day,
        content=item,
        membership=person,
        network=network,
        department_id=person.department_id,
        reach=reach,
        **figures,
    )
    total, _ = DailyTotal.objects.get_or_create(
        organization=org, day=day, department_id=person.department_id, network=network
    )
    for name, value in figures.items():
        setattr(total, name, getattr(total, name) + value)
    total.save()


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


@pytest.fixture
def pm_actor(pm: Membership) -> Actor:
    return actor(pm)


@pytest.fixture
def sales(org: Organization) -> Department:
    return DepartmentFactory(organization=org, name="営業本部")


@pytest.fixture
def dev(org: Organization) -> Department:
    return DepartmentFactory(organization=org, name="開発部")


def data(**fields: object) -> GoalData:
    values: dict[str, object] = {
        "name": "応募数 +10 %",
        "metric": "clicks",
        "kind": KpiGoal.Kind.CHANGE,
        "target": Decimal(10),
        "starts_on": Q_START,
        "ends_on": Q_END,
    }
    values.update(fields)
    return GoalData(**values)  # type: ignore[arg-type]


def progress(goal: KpiGoal, who: Actor, today: dt.date = MID):
    return goals_progress(actor=who, goals=[goal], today=today)[0]


# --- The baseline --------------------------------------------------------------------------------


def test_the_baseline_is_measured_over_the_period_before_and_kept(org, pm_actor, sales):
    person = make_person(org, department=sales)
    record(org, day=BEFORE, person=person, shares=2, clicks=100)
    record(org, day=Q_START - dt.timedelta(days=92), person=person, clicks=999)  # before that
    goal = goal_create(actor=pm_actor, data=data())
    assert goal.baseline == Decimal(100) and goal.baseline_computed
    assert progress(goal, pm_actor).target_value == Decimal(110)
    # Late events of the period before do not move the goal…
    record(org, day=BEFORE, person=person, clicks=50)
    goal.refresh_from_db()
    assert goal.baseline == Decimal(100)
    assert progress(goal, pm_actor).target_value == Decimal(110)
    # …nor does renaming it or changing its target…
    goal = goal_update(
        actor=pm_actor, goal_id=goal.pk, data=GoalData(name="応募数", target=Decimal(20))
    )
    assert goal.baseline == Decimal(100)
    assert progress(goal, pm_actor).target_value == Decimal(120)
    # …but a new period is measured again, over the period before it (now with the late ones).
    goal = goal_update(
        actor=pm_actor, goal_id=goal.pk, data=GoalData(starts_on=dt.date(2026, 4, 16))
    )
    assert (goal.baseline, goal.baseline_computed) == (Decimal(150), True)
    assert progress(goal, pm_actor).target_value == Decimal(180)


def test_a_baseline_measured_before_its_period_ended_is_measured_once_more(org, pm_actor):
    """Next quarter's goal set during this one: the rest of this quarter counts too."""
    today = dt.datetime.now(TOKYO).date()
    starts, ends = today + dt.timedelta(days=10), today + dt.timedelta(days=39)  # 30 days
    person = make_person(org)
    record(org, day=today - dt.timedelta(days=5), person=person, shares=1, clicks=30)
    goal = goal_create(
        actor=pm_actor, data=data(starts_on=starts, ends_on=ends, target=Decimal(10))
    )
    assert (goal.baseline, goal.baseline_measured_on) == (Decimal(30), today)
    assert not progress(goal, pm_actor, today).baseline_final
    record(org, day=today + dt.timedelta(days=3), person=person, shares=1, clicks=20)
    record(org, day=starts - dt.timedelta(days=1), person=person, shares=1, clicks=10)

    def settle(day: dt.date) -> int:
        return goal_baselines_settle(now=dt.datetime.combine(day, dt.time(1), tzinfo=TOKYO))

    assert settle(starts) == 0  # a day for late events first
    goal.refresh_from_db()
    assert goal.baseline == Decimal(30)
    assert settle(starts + dt.timedelta(days=1)) == 1
    goal.refresh_from_db()
    assert goal.baseline == Decimal(60)
    assert goal.baseline_measured_on == starts + dt.timedelta(days=1)
    assert progress(goal, pm_actor, starts + dt.timedelta(days=1)).baseline_final
    assert progress(goal, pm_actor, starts + dt.timedelta(days=1)).target_value == Decimal(66)
    record(org, day=starts - dt.timedelta(days=2), person=person, clicks=500)  # late: kept out
    assert settle(starts + dt.timedelta(days=5)) == 0
    goal.refresh_from_db()
    assert goal.baseline == Decimal(60)
    event = AuditEvent.objects.get(action="analytics.goal_baseline_settled")
    assert event.data == {"before": "30.00", "after": "60.00"}


def test_a_change_goal_needs_a_baseline_above_zero(org, pm_actor):
    with pytest.raises(DomainError) as raised:
        goal_create(actor=pm_actor, data=data())
    assert raised.value.code == "baseline_zero"
    assert "baseline" in raised.value.fields
    assert not KpiGoal.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="analytics.goal").exists()


def test_an_entered_baseline_is_used_and_kept(org, pm_actor):
    goal = goal_create(actor=pm_actor, data=data(baseline=Decimal(80)))
    assert (goal.baseline, goal.baseline_computed) == (Decimal(80), False)
    goal = goal_update(actor=pm_actor, goal_id=goal.pk, data=GoalData(ends_on=dt.date(2026, 5, 31)))
    assert (goal.baseline, goal.baseline_computed) == (Decimal(80), False)
    assert progress(goal, pm_actor).target_value == Decimal(88)
    # Clearing it goes back to a measured one.
    person = make_person(org)
    record(org, day=BEFORE, person=person, clicks=40)
    goal = goal_update(
        actor=pm_actor, goal_id=goal.pk, data=GoalData(clear=frozenset({"baseline"}))
    )
    assert (goal.baseline, goal.baseline_computed) == (Decimal(40), True)


def test_a_percentage_baseline_is_in_points(org, pm_actor):
    people = [make_person(org) for _ in range(4)]
    record(org, day=BEFORE, person=people[0], shares=1)
    goal = goal_create(
        actor=pm_actor,
        data=data(metric="participation_rate", kind=KpiGoal.Kind.CHANGE, target=Decimal(50)),
    )
    assert goal.baseline == Decimal("25.0")  # 1 of 4 advocates
    assert progress(goal, pm_actor).target_value == Decimal("37.5")
    with pytest.raises(DomainError) as raised:
        goal_update(actor=pm_actor, goal_id=goal.pk, data=GoalData(target=Decimal(400)))
    assert "target" in raised.value.fields  # 125 %: above 100 % once applied


# --- Validation and audit ------------------------------------------------------------------------


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(org, pm_actor, other_org):
    elsewhere = DepartmentFactory(organization=other_org)
    with pytest.raises(DomainError) as raised:
        goal_create(
            actor=pm_actor,
            data=GoalData(
                name=" ",
                metric="followers",
                kind="sometimes",
                target=Decimal(-5),
                starts_on=Q_END,
                ends_on=Q_START,
                department_id=elsewhere.pk,
                baseline=Decimal(-1),
            ),
        )
    # (the target is checked once the kind is known)
    assert set(raised.value.fields) == {
        "name", "metric", "kind", "ends_on", "department", "baseline",
    }  # fmt: skip
    assert raised.value.message
    with pytest.raises(DomainError) as raised:
        goal_create(
            actor=pm_actor,
            data=data(metric="participation_rate", kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(130)),
        )
    assert set(raised.value.fields) == {"target"}
    with pytest.raises(DomainError) as raised:
        goal_create(actor=pm_actor, data=data(ends_on=Q_START + dt.timedelta(days=400)))
    assert set(raised.value.fields) == {"ends_on"}
    assert not KpiGoal.objects.exists()


def test_every_change_is_audited(org, pm_actor):
    goal = goal_create(
        actor=pm_actor,
        data=data(kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(500), name="クリック 500"),
    )
    goal_update(actor=pm_actor, goal_id=goal.pk, data=GoalData(target=Decimal(600)))
    goal_update(actor=pm_actor, goal_id=goal.pk, data=GoalData(target=Decimal(600)))  # no-op
    goal_delete(actor=pm_actor, goal_id=goal.pk)
    events = list(AuditEvent.objects.filter(action__startswith="analytics.goal").order_by("seq"))
    assert [e.action for e in events] == [
        "analytics.goal_created",
        "analytics.goal_updated",
        "analytics.goal_deleted",
    ]
    assert events[1].data["changed"] == {"target": "600.00"}
    assert events[1].data["before"] == {"target": "500.00"}
    assert not KpiGoal.objects.exists()


def test_only_the_program_may_set_goals(org, advocate):
    manager = make_person(org, roles=[Role.MANAGER])
    for who in (manager, advocate):
        with pytest.raises(Exception) as raised:
            goal_create(actor=actor(who), data=data(baseline=Decimal(1)))
        assert type(raised.value).__name__ == "PermissionDenied"


# --- Progress arithmetic -------------------------------------------------------------------------


def _goal(target: str = "100", kind: str = KpiGoal.Kind.ABSOLUTE, baseline: str | None = None):
    return KpiGoal(
        name="g",
        metric="clicks",
        kind=kind,
        target=Decimal(target),
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 10),  # 10 days
        baseline=None if baseline is None else Decimal(baseline),
    )


@pytest.mark.parametrize(
    ("today", "current", "status", "expected", "elapsed"),
    [
        (dt.date(2026, 3, 31), "0", Status.UPCOMING, "0", 0),
        (dt.date(2026, 4, 4), "40", Status.ON_TRACK, "40", 4),  # exactly on pace
        (dt.date(2026, 4, 4), "39", Status.BEHIND, "40", 4),
        (dt.date(2026, 4, 6), "100", Status.ACHIEVED, "60", 6),  # early
        (dt.date(2026, 4, 10), "99", Status.BEHIND, "100", 10),  # last day, not yet missed
        (dt.date(2026, 4, 11), "99", Status.MISSED, "100", 10),
        (dt.date(2026, 5, 1), "120", Status.ACHIEVED, "100", 10),
    ],
)
def test_progress(today, current, status, expected, elapsed):
    found = progress_of(_goal(), Decimal(current), today)
    assert found["status"] == status
    assert found["expected"] == Decimal(expected)
    assert (found["days_elapsed"], found["days_total"]) == (elapsed, 10)
    assert found["target_value"] == Decimal(100)


def test_a_change_aims_at_the_baseline_changed_by_the_target():
    assert progress_of(_goal("10", KpiGoal.Kind.CHANGE, "250"), Decimal(0), dt.date(2026, 4, 1))[
        "target_value"
    ] == Decimal(275)
    assert progress_of(_goal("-20", KpiGoal.Kind.CHANGE, "50"), Decimal(0), dt.date(2026, 4, 1))[
        "target_value"
    ] == Decimal(40)


def test_percent_of_target_and_texts(org, pm_actor):
    person = make_person(org)
    record(org, day=MID, person=person, shares=3, clicks=55)
    goal = goal_create(actor=pm_actor, data=data(kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(220)))
    found = progress(goal, pm_actor)
    assert found.current == Decimal(55)
    assert found.percent_of_target == 25.0
    assert found.expected == Decimal("108.79")  # 220 × 45 / 91
    assert found.status == Status.BEHIND
    assert found.measured_until == MID


# --- Values equal summary, in a fixed number of queries -----------------------------------------


def test_each_goal_is_measured_like_summary_over_its_own_scope(org, pm_actor, sales, dev):
    child = DepartmentFactory(organization=org, name="営業一課", parent=sales)
    people = {
        "a": make_person(org, department=child),
        "b": make_person(org, department=sales),
        "c": make_person(org, department=dev),
        "d": make_person(org, department=dev),
    }
    record(org, day=Q_START, person=people["a"], shares=2, clicks=10, unique_clicks=8,
           reactions=4, impressions=2000, reach=300, conversions=1,
           conversion_value=Decimal(5000))  # fmt: skip
    record(org, day=MID, person=people["a"], network="linkedin", shares=1, clicks=3, reach=90)
    record(org, day=MID, person=people["b"], shares=1, clicks=7, reactions=2, reach=50)
    record(org, day=MID, person=people["c"], shares=1, clicks=1, reach=20)
    record(org, day=Q_END, person=people["d"], shares=1, clicks=100)  # after "today"
    goals = [
        goal_create(
            actor=pm_actor,
            data=data(
                name=f"{metric} {department}",
                metric=metric,
                kind=KpiGoal.Kind.ABSOLUTE,
                target=Decimal(50),
                department_id=department,
            ),
        )
        for metric in ("clicks", "emv", "potential_reach", "participation_rate", "engagement",
                       "conversion_value", "active_advocates")
        for department in (None, sales.pk, dev.pk)
    ]  # fmt: skip
    found = goals_progress(actor=pm_actor, goals=goals, today=MID)
    trees = subtrees(pm_actor)
    for item in found:
        goal = item.goal
        expected = summary(
            actor=pm_actor,
            filters=Filters(
                start=goal.starts_on,
                end=MID,
                departments=trees[goal.department_id] if goal.department_id else None,
            ),
        )
        assert item.current == goal_units(goal.metric, expected), goal.name
    by_name = {item.goal.name: item.current for item in found}
    assert by_name["clicks None"] == Decimal(21)
    assert by_name[f"clicks {sales.pk}"] == Decimal(20)
    assert by_name[f"potential_reach {sales.pk}"] == Decimal(300 + 90 + 50)
    assert by_name[f"participation_rate {dev.pk}"] == Decimal("50.0")


def test_the_number_of_queries_does_not_grow_with_the_goals(org, pm_actor, sales):
    person = make_person(org, department=sales)
    record(org, day=MID, person=person, shares=1, clicks=5, reach=10)

    def goals(n: int) -> list[KpiGoal]:
        KpiGoal.objects.all().delete()
        for i in range(n):
            KpiGoal.objects.create(
                organization=org,
                name=f"goal {i}",
                metric=("clicks", "participation_rate", "potential_reach")[i % 3],
                kind=KpiGoal.Kind.ABSOLUTE,
                target=Decimal(10),
                starts_on=Q_START + dt.timedelta(days=i),
                ends_on=Q_END,
                department=sales if i % 2 else None,
            )
        return list(KpiGoal.objects.all())

    counts = []
    for n in (3, 30):
        wanted = goals(n)
        with CaptureQueriesContext(connection) as captured:
            assert len(goals_progress(actor=pm_actor, goals=wanted, today=MID)) == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


# --- Who sees which goal -------------------------------------------------------------------------


def test_managers_see_the_organizations_goals_and_their_departments(org, pm_actor, sales, dev):
    child = DepartmentFactory(organization=org, name="営業一課", parent=sales)
    manager = actor(make_person(org, roles=[Role.MANAGER], department=sales))
    executive = actor(make_person(org, roles=[Role.EXECUTIVE_VIEWER]))
    made = {
        name: goal_create(
            actor=pm_actor,
            data=data(
                name=name, kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(5), department_id=department
            ),
        )
        for name, department in (
            ("org", None),
            ("sales", sales.pk),
            ("child", child.pk),
            ("dev", dev.pk),
        )
    }
    names = lambda who: {p.goal.name for p in goal_progress_list(actor=who, today=MID)}  # noqa: E731
    assert names(manager) == {"org", "sales", "child"}
    assert names(executive) == names(pm_actor) == {"org", "sales", "child", "dev"}
    from ouendan.analytics.selectors.goals import goal_get

    with pytest.raises(NotFound):
        goal_get(actor=manager, goal_id=made["dev"].pk)


def test_the_overview_shows_goals_under_way_and_just_ended(org, pm_actor):
    for name, start, end in (
        ("now", Q_START, Q_END),
        ("later", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("just ended", dt.date(2026, 1, 1), dt.date(2026, 5, 1)),
        ("long ago", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ):
        goal_create(
            actor=pm_actor,
            data=data(name=name, kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(1),
                      starts_on=start, ends_on=end),
        )  # fmt: skip
    current = goal_progress_list(actor=pm_actor, today=MID, current_only=True)
    assert [p.goal.name for p in current] == ["just ended", "now"]
    assert len(goal_progress_list(actor=pm_actor, today=MID)) == 4


# --- The API -------------------------------------------------------------------------------------


def test_the_api_sets_lists_changes_and_removes_goals(org, pm, sales):
    person = make_person(org, department=sales)
    record(org, day=BEFORE, person=person, shares=1, clicks=40)
    api = Api(token_for(pm))
    created = api.post(
        "/analytics/goals",
        {"name": "クリック +25 %", "metric": "clicks", "kind": "change", "target": 25,
         "starts_on": "2026-04-01", "ends_on": "2026-06-30", "department_id": sales.pk},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["baseline"] == 40 and body["baseline_computed"] is True
    assert (body["baseline_from"], body["baseline_to"]) == ("2025-12-31", "2026-03-31")
    assert body["progress"]["target_value"] == 50
    assert body["department"] == "営業本部"
    assert body["progress"]["status"] in {"behind", "missed", "achieved", "on_track", "upcoming"}

    listed = api.get("/analytics/goals")
    assert listed.status_code == 200
    assert [g["id"] for g in listed.json()["items"]] == [body["id"]]
    assert listed.json()["count"] == 1

    changed = api.patch(f"/analytics/goals/{body['id']}", {"baseline": 100, "department_id": None})
    assert changed.status_code == 200, changed.content
    assert changed.json()["baseline"] == 100 and changed.json()["baseline_computed"] is False
    assert changed.json()["department_id"] is None
    again = api.patch(f"/analytics/goals/{body['id']}", {"baseline": None})
    assert again.json()["baseline"] == 40 and again.json()["baseline_computed"] is True

    assert api.get(f"/analytics/goals/{body['id']}").status_code == 200
    assert api.delete(f"/analytics/goals/{body['id']}").status_code == 204
    assert_error(api.get(f"/analytics/goals/{body['id']}"), 404, "not_found")


def test_the_api_takes_a_quarter_preset(org, pm):
    api = Api(token_for(pm))
    made = api.post(
        "/analytics/goals",
        {"name": "参加率 30 %", "metric": "participation_rate", "kind": "absolute",
         "target": 30, "period": "next_quarter"},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    starts = dt.date.fromisoformat(made.json()["starts_on"])
    ends = dt.date.fromisoformat(made.json()["ends_on"])
    assert starts.day == 1 and starts.month in {1, 4, 7, 10}
    assert (ends - starts).days in range(89, 92)
    both = api.post(
        "/analytics/goals",
        {"name": "x", "metric": "clicks", "kind": "absolute", "target": 3,
         "period": "this_quarter", "starts_on": "2026-04-01"},
    )  # fmt: skip
    assert "period" in assert_error(both, 400, "invalid")["fields"]


def test_quarters_follow_the_fiscal_year(org, pm_actor):
    from ouendan.analytics.selectors.goals import period_presets
    from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update

    def presets() -> list[tuple[dt.date, dt.date]]:
        return [(p.start, p.end) for p in period_presets(actor=pm_actor, today=MID)]

    assert presets() == [(Q_START, Q_END), (dt.date(2026, 7, 1), dt.date(2026, 9, 30))]
    analytics_settings_update(actor=pm_actor, changes=SettingsChanges(fiscal_year_start=1))
    assert presets() == [(Q_START, Q_END), (dt.date(2026, 7, 1), dt.date(2026, 9, 30))]
    analytics_settings_update(actor=pm_actor, changes=SettingsChanges(fiscal_year_start=2))
    assert presets() == [
        (dt.date(2026, 5, 1), dt.date(2026, 7, 31)),
        (dt.date(2026, 8, 1), dt.date(2026, 10, 31)),
    ]


def test_the_api_explains_bad_goals(org, pm):
    api = Api(token_for(pm))
    error = assert_error(
        api.post(
            "/analytics/goals",
            {
                "name": "",
                "metric": "likes",
                "kind": "absolute",
                "target": -1,
                "starts_on": "2026-06-30",
                "ends_on": "2026-04-01",
                "department_id": 999999,
            },
        ),
        400,
        "invalid",
    )
    assert set(error["fields"]) >= {"name", "metric", "target", "ends_on", "department"}
    assert_error(api.post("/analytics/goals", {"name": "x"}), 422, "invalid")
    assert not KpiGoal.objects.exists()


def test_roles_in_the_api(org, pm, advocate, other_admin):
    goal = goal_create(actor=actor(pm), data=data(kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(3)))
    manager = make_person(org, roles=[Role.MANAGER])
    executive = make_person(org, roles=[Role.EXECUTIVE_VIEWER])
    body = {"name": "x", "metric": "clicks", "kind": "absolute", "target": 3,
            "starts_on": "2026-04-01", "ends_on": "2026-06-30"}  # fmt: skip
    for reader in (manager, executive):
        api = Api(token_for(reader))
        assert api.get("/analytics/goals").status_code == 200
        assert api.get(f"/analytics/goals/{goal.pk}").status_code == 200
        assert_error(api.post("/analytics/goals", body), 403, "permission_denied")
        assert_error(api.patch(f"/analytics/goals/{goal.pk}", {"target": 4}), 403)
        assert_error(api.delete(f"/analytics/goals/{goal.pk}"), 403)
    api = Api(token_for(advocate))
    assert_error(api.get("/analytics/goals"), 403, "permission_denied")
    assert_error(api.get(f"/analytics/goals/{goal.pk}"), 403, "permission_denied")
    stranger = Api(token_for(other_admin))
    assert stranger.get("/analytics/goals").json()["items"] == []
    assert_error(stranger.get(f"/analytics/goals/{goal.pk}"), 404, "not_found")
    assert_error(stranger.patch(f"/analytics/goals/{goal.pk}", {"target": 9}), 404)
    assert_error(stranger.delete(f"/analytics/goals/{goal.pk}"), 404)
    goal.refresh_from_db()
    assert goal.target == Decimal(3)
    read_only = Api(token_for(pm, scopes=("read",)))
    assert read_only.get("/analytics/goals").status_code == 200
    assert_error(read_only.post("/analytics/goals", body), 403, "permission_denied")


# --- Pages ---------------------------------------------------------------------------------------


def _goals(org: Organization, n: int, department: Department | None) -> None:
    KpiGoal.objects.filter(organization=org).delete()
    today = dt.date.today()
    for i in range(n):
        KpiGoal.objects.create(
            organization=org,
            name=f"目標 {i}",
            metric=("clicks", "participation_rate", "emv", "potential_reach")[i % 4],
            kind=(KpiGoal.Kind.ABSOLUTE, KpiGoal.Kind.CHANGE)[i % 2],
            target=Decimal(10),
            baseline=Decimal(100),
            baseline_computed=bool(i % 3),
            starts_on=today - dt.timedelta(days=i),
            ends_on=today + dt.timedelta(days=30 - i),
            department=department if i % 2 else None,
        )


def test_the_goals_page_makes_the_same_queries_for_3_or_30_goals(org, pm, sales):
    client = signed_in(pm)
    record(org, day=dt.date.today(), person=make_person(org, department=sales), shares=1,
           clicks=4, reach=10)  # fmt: skip
    counts = []
    for n in (3, 30):
        _goals(org, n, sales)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("analytics:goals"))
        assert response.status_code == 200
        assert response.content.decode().count('class="panel goal-card"') == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_program_sets_a_goal_on_the_page(org, pm):
    client = signed_in(pm)
    page = client.get(reverse("analytics:goal_create"))
    assert page.status_code == 200
    assert 'value="this_quarter"' in page.content.decode()
    refused = client.post(
        reverse("analytics:goal_create"),
        {"name": "", "metric": "clicks", "kind": "absolute", "target": "-3",
         "period": "custom", "starts_on": "", "ends_on": ""},
    )  # fmt: skip
    assert refused.status_code == 400
    assert 'class="errorlist"' in refused.content.decode()
    assert not KpiGoal.objects.exists()
    made = client.post(
        reverse("analytics:goal_create"),
        {"name": "クリック 500", "metric": "clicks", "kind": "absolute", "target": "500",
         "period": "this_quarter", "department": "", "baseline": ""},
    )  # fmt: skip
    assert made.status_code == 302, made.content.decode()
    goal = KpiGoal.objects.get()
    assert (goal.name, goal.target, goal.baseline_computed) == ("クリック 500", 500, True)
    listing = client.get(reverse("analytics:goals")).content.decode()
    assert "クリック 500" in listing and f"goal-{goal.pk}" in listing
    edit = client.get(reverse("analytics:goal_edit", args=[goal.pk]))
    assert edit.status_code == 200
    client.post(
        reverse("analytics:goal_edit", args=[goal.pk]),
        {"name": "クリック 600", "metric": "clicks", "kind": "absolute", "target": "600",
         "period": "this_quarter", "department": "", "baseline": ""},
    )  # fmt: skip
    goal.refresh_from_db()
    assert (goal.name, goal.target) == ("クリック 600", 600)
    assert client.post(reverse("analytics:goal_delete", args=[goal.pk])).status_code == 302
    assert not KpiGoal.objects.exists()


def test_readers_see_goals_without_controls_and_advocates_are_refused(org, pm, advocate):
    goal = goal_create(actor=actor(pm), data=data(kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(3)))
    executive = make_person(org, roles=[Role.EXECUTIVE_VIEWER])
    client = signed_in(executive)
    html = client.get(reverse("analytics:goals")).content.decode()
    assert goal.name in html
    assert reverse("analytics:goal_edit", args=[goal.pk]) not in html
    assert reverse("analytics:goal_create") not in html
    assert client.get(reverse("analytics:goal_create")).status_code == 403
    assert client.post(reverse("analytics:goal_delete", args=[goal.pk])).status_code == 403
    assert signed_in(advocate).get(reverse("analytics:goals")).status_code == 403
    panel = client.get(reverse("analytics:goals_panel"), headers={"HX-Request": "true"})
    assert panel.status_code == 200 and 'id="goals-panel"' in panel.content.decode()
    assert goal.name in panel.content.decode() or "goal-list" not in panel.content.decode()
    assert client.get(reverse("analytics:goals_panel"))["Location"] == reverse("analytics:goals")


def test_the_page_in_english(org, pm):
    goal_create(actor=actor(pm), data=data(kind=KpiGoal.Kind.ABSOLUTE, target=Decimal(3),
                                           ends_on=dt.date(2026, 4, 30)))  # fmt: skip
    html = signed_in(pm, language="en").get(reverse("analytics:goals")).content.decode()
    assert "KPI goals" in html and "Target" in html
    assert "Missed" in html or "Achieved" in html  # the goal ended before today
