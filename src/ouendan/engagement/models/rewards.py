"""Rewards: the catalog, people's redemption requests, and the program's budgets in yen.

How points move (``services.rewards``): a request *holds* its points without writing to the
ledger — what a person may still spend is their confirmed balance minus the points of their
pending requests — and the approval writes one confirmed negative entry
(``redemption:<id>``) into the ledger; a rejection or a cancellation only ends the hold, which
gives the points back. Why not a pending negative entry per request: pending entries belong to
the awarding job and the review queue, which confirm or reverse them by their own rules, so a
hold there could be confirmed or released outside the redemption's approval. Why the balance
can never go negative through a redemption: the request and the approval both lock the person's
membership row, and the approval writes its entry only after checking, under that lock, that the
confirmed balance covers it; two approvals for one person therefore run one after the other,
and the second sees the first's entry.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.models import Membership, Organization
from ouendan.engagement.models.points import PointEntry


class Reward(models.Model):
    """An item of the catalog. ``stock`` counts what is left to give (``None``: unlimited) and
    goes down on each approval; ``yen_value`` is what one costs the company (the budget)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    points_cost = models.PositiveIntegerField(_("points"))
    yen_value = models.PositiveIntegerField(_("value in yen"), default=0)
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    per_person_limit = models.PositiveSmallIntegerField(_("per person"), null=True, blank=True)
    active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["points_cost", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_costs_points"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A person's request for a reward: ``points`` is the cost when asked (held while pending),
    ``yen_value`` the reward's value when approved (what the budget counts)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("redemption status", "Waiting for approval")
        APPROVED = "approved", pgettext_lazy("redemption status", "Approved")
        REJECTED = "rejected", pgettext_lazy("redemption status", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("redemption status", "Withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="redemptions")
    points = models.PositiveIntegerField()
    yen_value = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The day of the approval in the organization's time zone: the budget it counts against.
    approved_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The ledger's entry that took the points, written by the approval.
    point_entry = models.OneToOneField(
        PointEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="redemption"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="redemption_costs_points"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(point_entry__isnull=False),
                name="redemption_approved_has_entry",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "requested_at"], name="redemption_org"),
            models.Index(fields=["membership", "status"], name="redemption_person"),
            models.Index(
                fields=["organization", "approved_on"],
                name="redemption_spent",
                condition=Q(status="approved"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward_id} for {self.membership_id} ({self.status})"


class RewardBudget(models.Model):
    """What the program may spend on rewards, in yen, over whole days (the organization's time
    zone). Budgets do not overlap; spent = the yen value of the redemptions approved in it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    amount_yen = models.PositiveBigIntegerField(_("budget in yen"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="reward_budget_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}: ¥{self.amount_yen}"
