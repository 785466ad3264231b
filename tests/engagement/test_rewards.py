"""Rewards: the catalog's checks; asking (points held, stock, per-person limits); approval
through the ledger (and refusals that change nothing: balance, stock, budget); declining and
withdrawing give the points back; two approvals at once for one person whose balance covers
only one; the pages and the API, with a role that may not use them."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.core.errors import Conflict, DomainError
from ouendan.engagement.models import PointEntry, Redemption, Reward
from ouendan.engagement.selectors import leaderboard, points_balance
from ouendan.engagement.selectors_contests import local_today
from ouendan.engagement.selectors_rewards import points_spendable, reward_budgets
from ouendan.engagement.services.ledger import points_adjust
from ouendan.engagement.services.rewards import (
    BudgetData,
    RewardData,
    redemption_approve,
    redemption_cancel,
    redemption_reject,
    reward_budget_create,
    reward_budget_update,
    reward_create,
    reward_redeem,
    reward_update,
)
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


def give(pm: Membership, person: Membership, points: int) -> None:
    points_adjust(actor=actor(pm), membership_id=person.pk, points=points, reason="テスト")


def reward(pm: Membership, name: str = "社食ランチ券", **fields: object) -> Reward:
    values: dict[str, object] = {"points_cost": 60, "yen_value": 1000, **fields}
    return reward_create(actor=actor(pm), data=RewardData(name=name, **values))  # type: ignore[arg-type]


def ask(person: Membership, item: Reward, note: str = "") -> Redemption:
    return reward_redeem(actor=actor(person), reward_id=item.pk, note=note)


def balance(person: Membership) -> int:
    return points_balance(actor=actor(person)).balance


# --- The catalog ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"points_cost": 0}, "points_cost"),
        ({"yen_value": -1}, "yen_value"),
        ({"stock": -1}, "stock"),
        ({"per_person_limit": 0}, "per_person_limit"),
    ],
)
def test_a_reward_that_breaks_a_rule_is_refused(pm: Membership, fields: dict, field: str):
    values = {"name": "QUOカード", "points_cost": 50, **fields}
    with pytest.raises(DomainError) as refused:
        reward_create(actor=actor(pm), data=RewardData(**values))
    assert field in refused.value.fields
    assert not Reward.objects.exists()


def test_only_the_program_keeps_the_catalog(pm: Membership, advocate: Membership):
    with pytest.raises(PermissionDenied):
        reward_create(actor=actor(advocate), data=RewardData(name="x", points_cost=1))
    item = reward(pm)
    with pytest.raises(PermissionDenied):
        reward_update(actor=actor(advocate), reward_id=item.pk, data=RewardData("x", 1))


# --- Asking ---------------------------------------------------------------------------------------


def test_asking_holds_the_points_and_waiting_requests_count_against_the_balance(
    pm: Membership, advocate: Membership
):
    give(pm, advocate, 100)
    item = reward(pm)
    first = ask(advocate, item, note="Mサイズ")
    assert (first.status, first.points, first.note) == ("pending", 60, "Mサイズ")
    assert balance(advocate) == 100  # nothing is taken before the approval
    spendable = points_spendable(actor=actor(advocate))
    assert (spendable.balance, spendable.held, spendable.available) == (100, 60, 40)
    with pytest.raises(Conflict) as short:
        ask(advocate, item)
    assert short.value.code == "insufficient_points"
    assert "40" in short.value.message and "60" in short.value.message
    assert Redemption.objects.count() == 1


def test_stock_and_the_per_person_limit(pm: Membership, advocate: Membership, org):
    colleague = make_person(org)
    give(pm, advocate, 500)
    give(pm, colleague, 500)
    one_left = reward(pm, "限定グッズ", stock=1)
    ask(advocate, one_left)
    with pytest.raises(Conflict) as gone:
        ask(colleague, one_left)  # the waiting request holds the last one
    assert gone.value.code == "out_of_stock"
    once = reward(pm, "記念品", per_person_limit=1, points_cost=10)
    request = ask(advocate, once)
    with pytest.raises(Conflict) as limit:
        ask(advocate, once)
    assert limit.value.code == "limit_reached"
    redemption_reject(actor=actor(pm), redemption_id=request.pk, reason="在庫確認中")
    ask(advocate, once)  # a declined request does not count


def test_a_withdrawn_reward_cannot_be_asked_for(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    item = reward(pm, active=False)
    with pytest.raises(Conflict) as withdrawn:
        ask(advocate, item)
    assert withdrawn.value.code == "reward_withdrawn"


def test_an_organization_token_cannot_ask(pm: Membership, org: Organization):
    from ouendan.accounts.permissions import system_actor

    item = reward(pm)
    with pytest.raises(DomainError) as nobody:
        reward_redeem(actor=system_actor(org), reward_id=item.pk)
    assert nobody.value.code == "not_a_person"


# --- Deciding -------------------------------------------------------------------------------------


def test_approval_takes_the_points_through_the_ledger(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    item = reward(pm, stock=5)
    request = ask(advocate, item)
    approved = redemption_approve(actor=actor(pm), redemption_id=request.pk, note="来週お渡し")
    assert approved.status == "approved" and approved.yen_value == 1000
    assert approved.approved_on == local_today(advocate.organization)
    entry = approved.point_entry
    assert entry is not None
    assert (entry.points, entry.status, entry.reason, entry.source_key) == (
        -60,
        "confirmed",
        "redemption",
        f"redemption:{request.pk}",
    )
    assert balance(advocate) == 40
    assert Reward.objects.get(pk=item.pk).stock == 4
    assert AuditEvent.objects.filter(action="reward.approved").count() == 1
    with pytest.raises(Conflict) as twice:
        redemption_approve(actor=actor(pm), redemption_id=request.pk)
    assert twice.value.code == "already_decided"
    assert PointEntry.objects.filter(reason="redemption").count() == 1
    # Spending points does not lower anyone on the leaderboard.
    (row,) = leaderboard(actor=actor(pm), period="all").entries
    assert row.points == 100


def test_declining_and_withdrawing_give_the_points_back(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    item = reward(pm, points_cost=40)
    declined, withdrawn = ask(advocate, item), ask(advocate, item)
    assert points_spendable(actor=actor(advocate)).available == 20
    with pytest.raises(DomainError) as no_reason:
        redemption_reject(actor=actor(pm), redemption_id=declined.pk, reason="")
    assert "reason" in no_reason.value.fields
    redemption_reject(actor=actor(pm), redemption_id=declined.pk, reason="今期は終了しました")
    redemption_cancel(actor=actor(advocate), redemption_id=withdrawn.pk)
    spendable = points_spendable(actor=actor(advocate))
    assert (spendable.balance, spendable.held, spendable.available) == (100, 0, 100)
    assert not PointEntry.objects.filter(reason="redemption").exists()
    assert Redemption.objects.get(pk=declined.pk).decision_note == "今期は終了しました"
    with pytest.raises(Conflict):
        redemption_cancel(actor=actor(advocate), redemption_id=declined.pk)


def test_nobody_decides_their_own_request_and_people_cannot_decide(
    pm: Membership, advocate: Membership, org: Organization
):
    other_pm = make_person(org, roles=[Role.PROGRAM_MANAGER])
    give(other_pm, pm, 100)
    own = ask(pm, reward(pm))
    with pytest.raises(DomainError) as mine:
        redemption_approve(actor=actor(pm), redemption_id=own.pk)
    assert mine.value.code == "own_request"
    with pytest.raises(PermissionDenied):
        redemption_approve(actor=actor(advocate), redemption_id=own.pk)
    redemption_approve(actor=actor(other_pm), redemption_id=own.pk)
    with pytest.raises(DomainError) as theirs:
        redemption_cancel(actor=actor(advocate), redemption_id=own.pk)
    assert theirs.value.code == "not_found"


def test_approval_is_refused_when_the_balance_no_longer_covers_it(
    pm: Membership, advocate: Membership
):
    give(pm, advocate, 100)
    request = ask(advocate, reward(pm))
    give(pm, advocate, -70)  # a correction after the request
    with pytest.raises(Conflict) as short:
        redemption_approve(actor=actor(pm), redemption_id=request.pk)
    assert short.value.code == "insufficient_points"
    assert Redemption.objects.get(pk=request.pk).status == "pending"
    assert balance(advocate) == 30


def test_approval_is_refused_out_of_stock(pm: Membership, advocate: Membership):
    give(pm, advocate, 200)
    item = reward(pm, stock=2)
    first, second = ask(advocate, item), ask(advocate, item)
    reward_update(actor=actor(pm), reward_id=item.pk, data=RewardData("社食ランチ券", 60, stock=1))
    redemption_approve(actor=actor(pm), redemption_id=first.pk)
    with pytest.raises(Conflict) as gone:
        redemption_approve(actor=actor(pm), redemption_id=second.pk)
    assert gone.value.code == "out_of_stock"
    assert balance(advocate) == 140


# --- Budgets --------------------------------------------------------------------------------------


def test_approvals_beyond_the_budget_are_refused_with_a_clear_message(
    pm: Membership, advocate: Membership, org: Organization
):
    day = local_today(org)
    budget = reward_budget_create(
        actor=actor(pm),
        data=BudgetData(starts_on=day.replace(day=1), ends_on=day + dt.timedelta(days=31),
                        amount_yen=1500),
    )  # fmt: skip
    give(pm, advocate, 500)
    item = reward(pm, yen_value=1000, points_cost=10)
    first, second = ask(advocate, item), ask(advocate, item)
    redemption_approve(actor=actor(pm), redemption_id=first.pk)
    with pytest.raises(Conflict) as over:
        redemption_approve(actor=actor(pm), redemption_id=second.pk)
    assert over.value.code == "budget_exceeded"
    assert "¥1,500" in over.value.message and "¥1,000" in over.value.message
    assert Redemption.objects.get(pk=second.pk).status == "pending"
    assert balance(advocate) == 490
    [view] = reward_budgets(actor=actor(pm))
    assert (view.spent, view.remaining, view.current) == (1000, 500, True)
    with pytest.raises(DomainError) as below:
        reward_budget_update(
            actor=actor(pm),
            budget_id=budget.pk,
            data=BudgetData(budget.starts_on, budget.ends_on, amount_yen=900),
        )
    assert below.value.code == "budget_below_spent"
    reward_budget_update(
        actor=actor(pm),
        budget_id=budget.pk,
        data=BudgetData(budget.starts_on, budget.ends_on, amount_yen=2000),
    )
    redemption_approve(actor=actor(pm), redemption_id=second.pk)


def test_budgets_do_not_overlap(pm: Membership, org: Organization):
    day = local_today(org)
    reward_budget_create(
        actor=actor(pm), data=BudgetData(day, day + dt.timedelta(days=29), amount_yen=10_000)
    )
    with pytest.raises(Conflict) as overlap:
        reward_budget_create(
            actor=actor(pm),
            data=BudgetData(day + dt.timedelta(days=29), day + dt.timedelta(days=60), 5000),
        )
    assert overlap.value.code == "budget_overlap"
    with pytest.raises(DomainError) as backwards:
        reward_budget_create(actor=actor(pm), data=BudgetData(day, day - dt.timedelta(days=1), 1))
    assert "ends_on" in backwards.value.fields


# --- Two approvals at once ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_cannot_spend_the_same_points(org: Organization):
    """Two program managers approve, at the same moment, two requests of one person whose
    balance covers only one: exactly one succeeds, and the ledger stays consistent."""
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 一")
    other_pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 二")
    advocate = make_person(org, full_name="応援 一郎")
    give(pm, advocate, 120)
    # Two different rewards, so that only the person's lock can keep the approvals apart.
    lunch, book = reward(pm, points_cost=60), reward(pm, "図書カード", points_cost=60)
    requests = [ask(advocate, lunch), ask(advocate, book)]
    give(pm, advocate, -40)  # now 80: enough for one of them only
    deciders = [actor(pm), actor(other_pm)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(index: int) -> None:
        try:
            start.wait()
            while True:
                try:
                    redemption_approve(actor=deciders[index], redemption_id=requests[index].pk)
                except OperationalError as error:
                    # SQLite in memory (the test database) answers "table is locked" at once
                    # where a database file waits for the writer (busy_timeout): wait here.
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.01)
                    continue
                outcomes.append("approved")
                break
        except Conflict as refused:
            outcomes.append(refused.code)
        except BaseException as error:  # anything else is a failure of the test
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "insufficient_points"]
    assert balance(advocate) == 20
    assert PointEntry.objects.filter(reason="redemption").count() == 1
    assert sorted(Redemption.objects.values_list("status", flat=True)) == ["approved", "pending"]


# --- Pages ----------------------------------------------------------------------------------------


def test_the_rewards_page_in_japanese_and_english(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    item = reward(pm, description="お昼ごはんをどうぞ")
    ask(advocate, item)
    reward(pm, "高級ヘッドホン", points_cost=5000)
    japanese = signed_in(advocate).get("/engagement/rewards/").content.decode()
    assert '<html lang="ja">' in japanese and "社食ランチ券" in japanese
    english = signed_in(advocate, language="en").get("/engagement/rewards/").content.decode()
    assert 'id="balance">100<' in english and 'id="held">60<' in english
    assert 'id="available">40<' in english
    assert "Not enough points yet" in english and "Waiting for approval" in english
    assert "Manage rewards" not in english  # nor the yen, which is the program's:
    assert not re.search(r"\b1,?000\b", english)


def test_asking_and_deciding_on_the_pages(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    item = reward(pm)
    person = signed_in(advocate, language="en")
    response = person.post(f"/engagement/rewards/{item.pk}/redeem/", {"note": "自宅に郵送"})
    assert response.status_code == 302
    request = Redemption.objects.get()
    program = signed_in(pm, language="en")
    page = program.get("/engagement/rewards/program/").content.decode()
    assert "自宅に郵送" in page and advocate.full_name in page
    refused = program.post(f"/engagement/rewards/requests/{request.pk}/decline/", {"reason": ""})
    assert refused.status_code == 302 and Redemption.objects.get().status == "pending"
    program.post(f"/engagement/rewards/requests/{request.pk}/approve/", {"note": ""})
    assert Redemption.objects.get().status == "approved"
    assert balance(advocate) == 40
    history = person.get("/engagement/rewards/").content.decode()
    assert "Approved" in history and 'id="balance">40<' in history
    points = person.get("/engagement/").content.decode()
    assert "Exchanged for the reward “社食ランチ券”" in points


def test_an_advocate_cannot_open_the_program_pages(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    request = ask(advocate, reward(pm))
    client = signed_in(advocate)
    for path in ("/engagement/rewards/program/", "/engagement/rewards/new/",
                 "/engagement/rewards/budgets/new/"):  # fmt: skip
        assert client.get(path).status_code == 403
    assert client.post(f"/engagement/rewards/requests/{request.pk}/approve/").status_code == 403
    assert Redemption.objects.get().status == "pending"


@pytest.mark.parametrize(
    "path", ["/engagement/rewards/", "/engagement/rewards/program/?tab=history"]
)
def test_reward_pages_cost_the_same_for_3_and_30_rows(
    path: str, pm: Membership, advocate: Membership, org: Organization
):
    give(pm, advocate, 100_000)
    client = signed_in(pm if "program" in path else advocate, language="en")
    counts = []
    for n in (3, 27):
        for _ in range(n):
            item = reward(pm, points_cost=1)
            someone = make_person(org)
            give(pm, someone, 5)
            redemption_approve(actor=actor(pm), redemption_id=ask(someone, item).pk)
            ask(advocate, item)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_program_adds_a_reward_and_a_budget_on_the_pages(pm: Membership, org: Organization):
    client = signed_in(pm, language="en")
    bad = client.post("/engagement/rewards/new/", {"name": "x", "points_cost": 0, "yen_value": 0})
    assert bad.status_code == 400 and not Reward.objects.exists()
    good = client.post(
        "/engagement/rewards/new/",
        {"name": "図書カード", "points_cost": 300, "yen_value": 1000, "stock": 10, "active": "on"},
    )
    assert good.status_code == 302 and Reward.objects.get().name == "図書カード"
    day = local_today(org)
    budget = client.post(
        "/engagement/rewards/budgets/new/",
        {"starts_on": day, "ends_on": day + dt.timedelta(days=30), "amount_yen": 50000},
    )
    assert budget.status_code == 302
    page = client.get("/engagement/rewards/program/").content.decode()
    assert "¥0 of ¥50,000 spent" in page and "図書カード" in page


# --- API ------------------------------------------------------------------------------------------


def test_the_rewards_api(pm: Membership, advocate: Membership):
    give(pm, advocate, 100)
    program, person = Api(token_for(pm)), Api(token_for(advocate))
    created = program.post(
        "/rewards", {"name": "社食ランチ券", "points_cost": 60, "yen_value": 800, "stock": 3}
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["stock"], item["yen_value"], item["left"]) == (3, 800, 3)
    assert_error(person.post("/rewards", {"name": "x", "points_cost": 1}), 403)
    seen = person.get("/rewards").json()["items"][0]
    assert (seen["yen_value"], seen["stock"], seen["left"], seen["can_ask"]) == (
        None,
        None,
        3,
        True,
    )
    asked = person.post(f"/rewards/{item['id']}/redeem", {"note": "昼に"})
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert_error(person.post(f"/rewards/{item['id']}/redeem"), 409, "insufficient_points")
    mine = person.get("/me/redemptions").json()
    assert (mine["balance"], mine["held"], mine["available"], mine["count"]) == (100, 60, 40, 1)
    assert_error(person.get("/redemptions"), 403, "permission_denied")
    waiting = program.get("/redemptions", status="pending").json()
    assert waiting["count"] == 1 and waiting["items"][0]["person"] == advocate.full_name
    redemption_id = waiting["items"][0]["id"]
    assert_error(person.post(f"/redemptions/{redemption_id}/approve", {}), 403)
    approved = program.post(f"/redemptions/{redemption_id}/approve", {"note": "OK"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["yen_value"] == 800
    assert_error(program.post(f"/redemptions/{redemption_id}/reject", {"reason": "x"}), 409)
    points = person.get("/me/points").json()
    assert points["balance"] == 40
    assert points["entries"][0]["reason"] == "redemption"
    assert points["entries"][0]["explanation"] == "Exchanged for the reward “社食ランチ券”"
    patched = program.patch(f"/rewards/{item['id']}", {"stock": None, "active": False})
    assert (patched.json()["stock"], patched.json()["active"]) == (None, False)
    assert_error(person.get(f"/rewards/{item['id']}"), 404)  # withdrawn: the program's only
    assert person.get("/rewards").json()["count"] == 0


def test_the_budget_api(pm: Membership, advocate: Membership, org: Organization):
    program = Api(token_for(pm))
    day = local_today(org)
    body = {"starts_on": day.isoformat(), "ends_on": (day + dt.timedelta(days=30)).isoformat(),
            "amount_yen": 30000, "note": "12月"}  # fmt: skip
    created = program.post("/reward-budgets", body)
    assert created.status_code == 201, created.content
    budget = created.json()
    assert (budget["spent_yen"], budget["remaining_yen"], budget["current"]) == (0, 30000, True)
    assert_error(program.post("/reward-budgets", body), 409, "budget_overlap")
    changed = program.patch(f"/reward-budgets/{budget['id']}", {"amount_yen": 40000})
    assert changed.json()["amount_yen"] == 40000
    assert program.get("/reward-budgets").json()["count"] == 1
    assert_error(Api(token_for(advocate)).get("/reward-budgets"), 403)
