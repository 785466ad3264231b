"""Reads of rewards, scoped by an explicit actor: what one may spend, the catalog, redemption
histories (one's own, the program's), and the budgets with what each has spent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.models import PointEntry, Redemption, Reward, RewardBudget
from ouendan.engagement.selectors_contests import local_today

Status = Redemption.Status
TAKEN = (Status.PENDING, Status.APPROVED)  # what counts against stock and per-person limits


@dataclass(frozen=True)
class Spendable:
    balance: int  # confirmed points
    held: int  # asked for in requests waiting for approval
    available: int  # what a new request may use

    @classmethod
    def of(cls, balance: int, held: int) -> Spendable:
        return cls(balance=balance, held=held, available=max(0, balance - held))


def spendable_of(membership_id: int) -> Spendable:
    """A person's confirmed balance and what their pending requests hold, in one query. The
    caller decides what locks to hold (the services lock the membership first)."""
    confirmed = (
        PointEntry.objects.filter(membership_id=OuterRef("pk"), status=PointEntry.Status.CONFIRMED)
        .values("membership_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    held = (
        Redemption.objects.filter(membership_id=OuterRef("pk"), status=Status.PENDING)
        .values("membership_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    row = (
        Membership.objects.filter(pk=membership_id)
        .annotate(
            balance=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0),
            held=Coalesce(Subquery(held, output_field=IntegerField()), 0),
        )
        .values("balance", "held")
        .get()
    )
    return Spendable.of(row["balance"], row["held"])


def _person(actor: Actor) -> Membership:
    if actor.membership is None:
        raise DomainError(
            _("Rewards are for people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    return actor.membership


def points_spendable(*, actor: Actor) -> Spendable:
    require(actor, Action.POINTS_VIEW_OWN)
    return spendable_of(_person(actor).pk)


# --- The catalog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    reward: Reward
    left: int | None  # what may still be asked for (stock minus pending requests); None: no limit
    mine: int  # the actor's requests of it, waiting or approved
    affordable: bool
    limit_reached: bool

    @property
    def can_ask(self) -> bool:
        return (
            self.reward.active
            and self.affordable
            and not self.limit_reached
            and (self.left is None or self.left > 0)
        )


def _catalog(actor: Actor) -> QuerySet[Reward]:
    me = actor.membership.pk if actor.membership else None
    return Reward.objects.filter(organization=actor.organization).annotate(
        waiting=Count("redemptions", filter=Q(redemptions__status=Status.PENDING)),
        mine=Count(
            "redemptions",
            filter=Q(redemptions__membership_id=me, redemptions__status__in=TAKEN),
        ),
    )


def rewards_catalog(
    *, actor: Actor, include_inactive: bool = False, spendable: Spendable | None = None
) -> list[CatalogItem]:
    """The rewards on offer (the program may ask for withdrawn ones too), cheapest first, each
    with what is left and whether the actor may ask for it now."""
    require(actor, Action.ENGAGEMENT_VIEW)
    if include_inactive:
        require(actor, Action.REWARDS_MANAGE)
    rewards = _catalog(actor)
    if not include_inactive:
        rewards = rewards.filter(active=True)
    if spendable is None:
        spendable = spendable_of(actor.membership.pk) if actor.membership else Spendable.of(0, 0)
    return [catalog_item(r, spendable) for r in rewards.order_by("points_cost", "name", "pk")]


def catalog_item(reward: Reward, spendable: Spendable) -> CatalogItem:
    """A reward annotated by the catalog's query, seen by one person."""
    waiting: int = reward.waiting  # type: ignore[attr-defined]
    mine: int = reward.mine  # type: ignore[attr-defined]
    return CatalogItem(
        reward=reward,
        left=None if reward.stock is None else max(0, reward.stock - waiting),
        mine=mine,
        affordable=spendable.available >= reward.points_cost,
        limit_reached=reward.per_person_limit is not None and mine >= reward.per_person_limit,
    )


def reward_item(*, actor: Actor, reward_id: int) -> CatalogItem:
    """One reward; a withdrawn one only for the program."""
    require(actor, Action.ENGAGEMENT_VIEW)
    found = _catalog(actor).filter(pk=reward_id).first()
    if found is None or (not found.active and not _manages(actor)):
        raise NotFound(_("That reward does not exist."))
    spendable = spendable_of(actor.membership.pk) if actor.membership else Spendable.of(0, 0)
    return catalog_item(found, spendable)


def _manages(actor: Actor) -> bool:
    return can(actor, Action.REWARDS_MANAGE)


def reward_get(*, actor: Actor, reward_id: int) -> Reward:
    """A reward for the program to edit."""
    require(actor, Action.REWARDS_MANAGE)
    found = Reward.objects.filter(organization=actor.organization, pk=reward_id).first()
    if found is None:
        raise NotFound(_("That reward does not exist."))
    return found


# --- Redemptions ----------------------------------------------------------------------------------


def redemptions_mine(*, actor: Actor) -> QuerySet[Redemption]:
    """The person's requests, newest first."""
    require(actor, Action.POINTS_VIEW_OWN)
    return (
        Redemption.objects.filter(membership=_person(actor))
        .select_related("reward", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def redemptions_list(*, actor: Actor, status: str = "") -> QuerySet[Redemption]:
    """The program's history: every request, the oldest waiting first, then the latest."""
    require(actor, Action.REWARDS_MANAGE)
    found = Redemption.objects.filter(organization=actor.organization)
    if status:
        found = found.filter(status=status)
    order = ["requested_at", "pk"] if status == Status.PENDING else ["-requested_at", "-pk"]
    return found.select_related(
        "reward", "membership", "membership__department", "decided_by"
    ).order_by(*order)


def redemption_get(*, actor: Actor, redemption_id: int) -> Redemption:
    """One request: the program sees any, a person their own."""
    require(actor, Action.POINTS_VIEW_OWN)
    found = Redemption.objects.filter(organization=actor.organization, pk=redemption_id)
    if not _manages(actor):
        found = found.filter(membership=actor.membership) if actor.membership else found.none()
    redemption = found.select_related(
        "reward", "membership", "membership__department", "decided_by"
    ).first()
    if redemption is None:
        raise NotFound(_("That request does not exist."))
    return redemption


def redemptions_waiting(*, actor: Actor) -> int:
    require(actor, Action.REWARDS_MANAGE)
    return Redemption.objects.filter(organization=actor.organization, status=Status.PENDING).count()


# --- Budgets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetView:
    budget: RewardBudget
    spent: int
    current: bool  # today falls in it

    @property
    def remaining(self) -> int:
        return self.budget.amount_yen - self.spent


def _with_spent(budgets: QuerySet[RewardBudget]) -> QuerySet[RewardBudget]:
    spent = (
        Redemption.objects.filter(
            organization=OuterRef("organization"),
            status=Status.APPROVED,
            approved_on__gte=OuterRef("starts_on"),
            approved_on__lte=OuterRef("ends_on"),
        )
        .values("organization")
        .annotate(total=Sum("yen_value"))
        .values("total")
    )
    return budgets.annotate(spent=Coalesce(Subquery(spent, output_field=IntegerField()), 0))


def budget_spent(budget: RewardBudget) -> int:
    """What the approvals of the budget's days cost (call with the budget locked)."""
    return int(
        Redemption.objects.filter(
            organization_id=budget.organization_id,
            status=Status.APPROVED,
            approved_on__gte=budget.starts_on,
            approved_on__lte=budget.ends_on,
        ).aggregate(total=Coalesce(Sum("yen_value"), 0))["total"]
    )


def reward_budgets(*, actor: Actor) -> list[BudgetView]:
    """Every budget, the latest first, each with what it has spent (one query)."""
    require(actor, Action.REWARDS_MANAGE)
    today = local_today(actor.organization)
    budgets = _with_spent(RewardBudget.objects.filter(organization=actor.organization))
    return [
        BudgetView(b, b.spent, b.starts_on <= today <= b.ends_on)  # type: ignore[attr-defined]
        for b in budgets.order_by("-starts_on", "-pk")
    ]


def reward_budget_get(*, actor: Actor, budget_id: int) -> BudgetView:
    require(actor, Action.REWARDS_MANAGE)
    found = _with_spent(
        RewardBudget.objects.filter(organization=actor.organization, pk=budget_id)
    ).first()
    if found is None:
        raise NotFound(_("That budget does not exist."))
    today = local_today(actor.organization)
    return BudgetView(found, found.spent, found.starts_on <= today <= found.ends_on)  # type: ignore[attr-defined]


def budget_for_day(*, actor: Actor, day: date | None = None) -> BudgetView | None:
    """The budget today (or ``day``) falls in, if any."""
    require(actor, Action.REWARDS_MANAGE)
    day = day or local_today(actor.organization)
    found = _with_spent(
        RewardBudget.objects.filter(
            organization=actor.organization, starts_on__lte=day, ends_on__gte=day
        )
    ).first()
    if found is None:
        return None
    return BudgetView(found, found.spent, True)  # type: ignore[attr-defined]
