"""Rewards: the program keeps the catalog and the budgets and decides requests; people ask for
rewards with their points and may withdraw a request while it waits.

Points and the ledger (see ``models.rewards`` for why): a request holds its points — a new
request may use the confirmed balance minus what the person's waiting requests hold — and
writes nothing to the ledger; the approval writes one confirmed entry of minus the cost
(``redemption:<id>``); declining or withdrawing ends the hold, which gives the points back.

Locks, always in this order: the person's membership row (balance and per-person limit), the
request, the reward (stock), the budget. Every check is made under them, never before, so two
approvals for one person whose balance covers only one cannot both pass, and two approvals
against the last yen of a budget or the last item in stock cannot either.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.engagement.models import PointEntry, Redemption, Reward, RewardBudget
from ouendan.engagement.selectors_contests import local_today
from ouendan.engagement.selectors_rewards import TAKEN, budget_spent, spendable_of

Status = Redemption.Status
NAME_MAX = 120
DESCRIPTION_MAX = 1000
NOTE_MAX = 300
REASON_MAX = 500
POINTS_MAX = 1_000_000
YEN_MAX = 10_000_000
STOCK_MAX = 1_000_000
LIMIT_MAX = 1000
BUDGET_MAX = 1_000_000_000_000
BUDGET_DAYS_MAX = 2 * 366


def _text(value: str) -> str:
    return " ".join((value or "").split())


# --- The catalog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardData:
    name: str
    points_cost: int
    yen_value: int = 0
    description: str = ""
    stock: int | None = None  # None: unlimited
    per_person_limit: int | None = None  # None: no limit
    active: bool = True


def _reward_check(data: RewardData) -> RewardData:
    data = RewardData(
        name=_text(data.name),
        points_cost=data.points_cost,
        yen_value=data.yen_value,
        description=(data.description or "").strip(),
        stock=data.stock,
        per_person_limit=data.per_person_limit,
        active=bool(data.active),
    )
    errors: dict[str, list[str]] = {}
    if not data.name:
        errors["name"] = [_("Give the reward a name.")]
    elif len(data.name) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.") % {"max": NAME_MAX}]
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = [_("At most %(max)d characters.") % {"max": DESCRIPTION_MAX}]
    if not 1 <= data.points_cost <= POINTS_MAX:
        errors["points_cost"] = [_("From 1 to %(max)d points.") % {"max": POINTS_MAX}]
    if not 0 <= data.yen_value <= YEN_MAX:
        errors["yen_value"] = [_("From 0 to %(max)d yen.") % {"max": YEN_MAX}]
    if data.stock is not None and not 0 <= data.stock <= STOCK_MAX:
        errors["stock"] = [_("From 0 to %(max)d, or empty for no limit.") % {"max": STOCK_MAX}]
    if data.per_person_limit is not None and not 1 <= data.per_person_limit <= LIMIT_MAX:
        errors["per_person_limit"] = [
            _("From 1 to %(max)d, or empty for no limit.") % {"max": LIMIT_MAX}
        ]
    if errors:
        raise DomainError(_("The reward was not saved: see the marked fields."), fields=errors)
    return data


def _reward_summary(reward: Reward) -> dict[str, object]:
    return {f.name: getattr(reward, f.name) for f in fields(RewardData)}


def reward_create(*, actor: Actor, data: RewardData) -> Reward:
    require(actor, Action.REWARDS_MANAGE)
    data = _reward_check(data)
    with transaction.atomic():
        reward = Reward.objects.create(
            organization=actor.organization,
            created_by=actor.membership,
            **{f.name: getattr(data, f.name) for f in fields(RewardData)},
        )
        audit_record(
            actor=actor, action="reward.created", target=reward, data=_reward_summary(reward)
        )
    return reward


def reward_update(*, actor: Actor, reward_id: int, data: RewardData) -> Reward:
    """Change a reward; requests already made keep the cost they were made at."""
    require(actor, Action.REWARDS_MANAGE)
    data = _reward_check(data)
    with transaction.atomic():
        reward = (
            Reward.objects.select_for_update()
            .filter(organization=actor.organization, pk=reward_id)
            .first()
        )
        if reward is None:
            raise NotFound(_("That reward does not exist."))
        before = _reward_summary(reward)
        for f in fields(RewardData):
            setattr(reward, f.name, getattr(data, f.name))
        reward.save()
        after = _reward_summary(reward)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            audit_record(actor=actor, action="reward.updated", target=reward, data=changed)
    return reward


# --- Requests -------------------------------------------------------------------------------------


def _person(actor: Actor) -> Membership:
    if actor.membership is None:
        raise DomainError(
            _("Rewards are for people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    return actor.membership


def _lock_person(membership_id: int) -> Membership:
    return Membership.objects.select_for_update().get(pk=membership_id)


def reward_redeem(*, actor: Actor, reward_id: int, note: str = "") -> Redemption:
    """Ask for a reward: the points it costs are held until the program decides."""
    require(actor, Action.REWARDS_REDEEM)
    if not Reward.objects.filter(organization=actor.organization, pk=reward_id).exists():
        raise NotFound(_("That reward does not exist."))
    person = _person(actor)
    note = _text(note)
    if len(note) > NOTE_MAX:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": NOTE_MAX},
            fields={"note": [_("Too long.")]},
        )
    with transaction.atomic():
        _lock_person(person.pk)
        reward = (
            Reward.objects.select_for_update()
            .filter(organization=actor.organization, pk=reward_id)
            .first()
        )
        if reward is None:
            raise NotFound(_("That reward does not exist."))
        if not reward.active:
            raise Conflict(_("This reward is not offered any more."), code="reward_withdrawn")
        spendable = spendable_of(person.pk)
        if spendable.available < reward.points_cost:
            values = {
                "available": spendable.available,
                "held": spendable.held,
                "cost": reward.points_cost,
            }
            message = (
                _(
                    "You have %(available)d points to spend (%(held)d more are held by "
                    "requests waiting for approval); this reward costs %(cost)d."
                )
                if spendable.held
                else _("You have %(available)d points to spend; this reward costs %(cost)d.")
            )
            raise Conflict(message % values, code="insufficient_points")
        requests = Redemption.objects.filter(reward=reward)
        if reward.stock is not None:
            waiting = requests.filter(status=Status.PENDING).count()
            if reward.stock - waiting < 1:
                raise Conflict(_("This reward is out of stock."), code="out_of_stock")
        if reward.per_person_limit is not None:
            mine = requests.filter(membership=person, status__in=TAKEN).count()
            if mine >= reward.per_person_limit:
                raise Conflict(
                    _("You may have this reward %(limit)d times at most.")
                    % {"limit": reward.per_person_limit},
                    code="limit_reached",
                )
        redemption = Redemption.objects.create(
            organization=actor.organization,
            reward=reward,
            membership=person,
            points=reward.points_cost,
            note=note,
        )
        audit_record(
            actor=actor,
            action="reward.requested",
            target=redemption,
            data={"reward": reward.name, "points": reward.points_cost},
        )
    return redemption


def redemption_cancel(*, actor: Actor, redemption_id: int) -> Redemption:
    """Withdraw one's own request while it waits: its points are free again."""
    require(actor, Action.REWARDS_REDEEM)
    if not Redemption.objects.filter(organization=actor.organization, pk=redemption_id).exists():
        raise NotFound(_("That request does not exist."))
    person = _person(actor)
    with transaction.atomic():
        _lock_person(person.pk)
        redemption = (
            Redemption.objects.select_for_update()
            .filter(organization=actor.organization, pk=redemption_id, membership=person)
            .first()
        )
        if redemption is None:
            raise NotFound(_("That request does not exist."))
        if redemption.status != Status.PENDING:
            raise Conflict(_("This request was already decided."), code="already_decided")
        redemption.status = Status.CANCELLED
        redemption.decided_at = timezone.now()
        redemption.decided_by = person
        redemption.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(actor=actor, action="reward.withdrawn", target=redemption)
    return redemption


def _decidable(actor: Actor, redemption_id: int) -> Redemption:
    """The request, locked after its person (call inside a transaction)."""
    who = (
        Redemption.objects.filter(organization=actor.organization, pk=redemption_id)
        .values_list("membership_id", flat=True)
        .first()
    )
    if who is None:
        raise NotFound(_("That request does not exist."))
    _lock_person(who)
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    if actor.membership is not None and redemption.membership_id == actor.membership.pk:
        raise DomainError(
            _("Someone else in the program must decide your own request."),
            code="own_request",
        )
    if redemption.status != Status.PENDING:
        raise Conflict(_("This request was already decided."), code="already_decided")
    return redemption


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def redemption_approve(*, actor: Actor, redemption_id: int, note: str = "") -> Redemption:
    """Approve a request: the ledger takes its points (a confirmed negative entry), the stock
    goes down, and its value counts against the budget of today, if there is one. Refused,
    changing nothing, when the person's confirmed balance no longer covers it, the reward is
    out of stock, or the budget would be exceeded."""
    require(actor, Action.REWARDS_MANAGE)
    note = _text(note)
    now = timezone.now()
    with transaction.atomic():
        redemption = _decidable(actor, redemption_id)
        if len(note) > REASON_MAX:
            raise DomainError(
                _("At most %(max)d characters.") % {"max": REASON_MAX},
                fields={"note": [_("Too long.")]},
            )
        reward = Reward.objects.select_for_update().get(pk=redemption.reward_id)
        balance = spendable_of(redemption.membership_id).balance
        if balance < redemption.points:
            raise Conflict(
                _(
                    "Their confirmed balance is %(balance)d points and this request needs "
                    "%(points)d: decline it, or wait until they have earned enough."
                )
                % {"balance": balance, "points": redemption.points},
                code="insufficient_points",
            )
        if reward.stock is not None and reward.stock < 1:
            raise Conflict(
                _("“%(name)s” is out of stock: add stock first, or decline the request.")
                % {"name": reward.name},
                code="out_of_stock",
            )
        today = local_today(actor.organization, now)
        budget = (
            RewardBudget.objects.select_for_update()
            .filter(organization=actor.organization, starts_on__lte=today, ends_on__gte=today)
            .first()
        )
        if budget is not None:
            spent = budget_spent(budget)
            if spent + reward.yen_value > budget.amount_yen:
                raise Conflict(
                    _(
                        "Approving this would go over the budget of %(start)s–%(end)s: "
                        "%(spent)s of %(amount)s is spent and this reward is worth %(value)s. "
                        "Raise the budget or decline the request."
                    )
                    % {
                        "start": budget.starts_on.isoformat(),
                        "end": budget.ends_on.isoformat(),
                        "spent": _yen(spent),
                        "amount": _yen(budget.amount_yen),
                        "value": _yen(reward.yen_value),
                    },
                    code="budget_exceeded",
                )
        entry = PointEntry.objects.create(
            organization=actor.organization,
            membership_id=redemption.membership_id,
            points=-redemption.points,
            reason=PointEntry.Reason.REDEMPTION,
            params={"reward": reward.name, "redemption": redemption.pk},
            source_key=f"redemption:{redemption.pk}",
            status=PointEntry.Status.CONFIRMED,
            reviewer=actor.membership,
            reviewed_at=now,
            occurred_at=now,
        )
        if reward.stock is not None:
            Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
        redemption.status = Status.APPROVED
        redemption.decided_at, redemption.decided_by = now, actor.membership
        redemption.decision_note = note
        redemption.yen_value = reward.yen_value
        redemption.approved_on = today
        redemption.point_entry = entry
        redemption.save()
        audit_record(
            actor=actor,
            action="reward.approved",
            target=redemption,
            data={
                "reward": reward.name,
                "points": redemption.points,
                "yen": reward.yen_value,
                "membership": redemption.membership_id,
                "note": note,
            },
        )
    return redemption


def redemption_reject(*, actor: Actor, redemption_id: int, reason: str) -> Redemption:
    """Decline a request, with a reason the person sees; its points are free again."""
    require(actor, Action.REWARDS_MANAGE)
    reason = _text(reason)
    with transaction.atomic():
        redemption = _decidable(actor, redemption_id)
        if not reason or len(reason) > REASON_MAX:
            raise DomainError(
                _("Say why, in at most %(max)d characters: the person sees it.")
                % {"max": REASON_MAX},
                fields={"reason": [_("Required.") if not reason else _("Too long.")]},
            )
        redemption.status = Status.REJECTED
        redemption.decided_at, redemption.decided_by = timezone.now(), actor.membership
        redemption.decision_note = reason
        redemption.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        audit_record(
            actor=actor,
            action="reward.declined",
            target=redemption,
            data={"membership": redemption.membership_id, "reason": reason},
        )
    return redemption


# --- Budgets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetData:
    starts_on: date
    ends_on: date
    amount_yen: int
    note: str = ""


def _budget_check(actor: Actor, data: BudgetData, budget: RewardBudget | None) -> BudgetData:
    data = BudgetData(data.starts_on, data.ends_on, data.amount_yen, _text(data.note))
    errors: dict[str, list[str]] = {}
    if data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The last day cannot come before the first day.")]
    elif (data.ends_on - data.starts_on).days + 1 > BUDGET_DAYS_MAX:
        errors["ends_on"] = [
            _("A budget covers at most %(days)d days.") % {"days": BUDGET_DAYS_MAX}
        ]
    if not 0 <= data.amount_yen <= BUDGET_MAX:
        errors["amount_yen"] = [_("From 0 to %(max)d yen.") % {"max": BUDGET_MAX}]
    if len(data.note) > 200:
        errors["note"] = [_("At most %(max)d characters.") % {"max": 200}]
    if errors:
        raise DomainError(_("The budget was not saved: see the marked fields."), fields=errors)
    overlapping = RewardBudget.objects.filter(
        organization=actor.organization, starts_on__lte=data.ends_on, ends_on__gte=data.starts_on
    )
    if budget is not None:
        overlapping = overlapping.filter(~Q(pk=budget.pk))
    other = overlapping.first()
    if other is not None:
        raise Conflict(
            _("These days overlap the budget of %(start)s–%(end)s: one budget per day.")
            % {"start": other.starts_on.isoformat(), "end": other.ends_on.isoformat()},
            code="budget_overlap",
            fields={"starts_on": [_("Overlaps another budget.")]},
        )
    return data


def _lock_organization(actor: Actor) -> None:
    """Budgets of one organization are written one at a time (the overlap check)."""
    Organization.objects.select_for_update().filter(pk=actor.organization.pk).first()


def reward_budget_create(*, actor: Actor, data: BudgetData) -> RewardBudget:
    require(actor, Action.REWARDS_MANAGE)
    with transaction.atomic():
        _lock_organization(actor)
        data = _budget_check(actor, data, None)
        budget = RewardBudget.objects.create(
            organization=actor.organization,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            amount_yen=data.amount_yen,
            note=data.note,
            created_by=actor.membership,
        )
        audit_record(
            actor=actor,
            action="reward_budget.created",
            target=budget,
            data={
                "starts_on": data.starts_on.isoformat(),
                "ends_on": data.ends_on.isoformat(),
                "amount_yen": data.amount_yen,
            },
        )
    return budget


def reward_budget_update(*, actor: Actor, budget_id: int, data: BudgetData) -> RewardBudget:
    """Change a budget's days or amount; not below what its days have already spent."""
    require(actor, Action.REWARDS_MANAGE)
    with transaction.atomic():
        _lock_organization(actor)
        budget = (
            RewardBudget.objects.select_for_update()
            .filter(organization=actor.organization, pk=budget_id)
            .first()
        )
        if budget is None:
            raise NotFound(_("That budget does not exist."))
        data = _budget_check(actor, data, budget)
        before = (budget.starts_on.isoformat(), budget.ends_on.isoformat(), budget.amount_yen)
        budget.starts_on, budget.ends_on = data.starts_on, data.ends_on
        budget.amount_yen, budget.note = data.amount_yen, data.note
        spent = budget_spent(budget)
        if spent > budget.amount_yen:
            raise DomainError(
                _("%(spent)s is already spent in these days: the budget cannot be less.")
                % {"spent": _yen(spent)},
                code="budget_below_spent",
                fields={"amount_yen": [_("Less than what is spent.")]},
            )
        budget.save()
        audit_record(
            actor=actor,
            action="reward_budget.updated",
            target=budget,
            data={
                "before": list(before),
                "after": [data.starts_on.isoformat(), data.ends_on.isoformat(), data.amount_yen],
            },
        )
    return budget
