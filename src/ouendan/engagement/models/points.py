"""Points: the rules (versioned), the ledger (append-only), and the awarding job's bookkeeping."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.models import Membership, Organization


def default_conversion_points() -> dict[str, int]:
    """Points per conversion type key (tracking's built-in types); other keys earn nothing
    until the program gives them points."""
    return {"application": 50, "lead": 20, "inquiry": 20, "sign_up": 10, "purchase": 20}


class PointRules(models.Model):
    """One version of an organization's point rules.

    Saving the rules makes a new version, never an edit (``services.rules.point_rules_update``);
    it applies from ``effective_from`` on. An event is judged by the version in force when it
    happened, so changes apply forward only; the first version (made when first needed) also
    judges everything before it.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    effective_from = models.DateTimeField()
    # What earns points.
    share_points = models.PositiveIntegerField(_("points per share"), default=10)
    click_points = models.PositiveIntegerField(_("points per person who clicks"), default=2)
    click_cap = models.PositiveIntegerField(_("clicks that earn, per share"), default=25)
    conversion_points = models.JSONField(default=default_conversion_points)
    suggestion_points = models.PositiveIntegerField(_("points per accepted suggestion"), default=20)
    training_points = models.PositiveIntegerField(_("points per finished training"), default=30)
    streak_points = models.PositiveIntegerField(_("points per streak"), default=30)
    # A streak: a share in ``streak_weeks`` of the last ``streak_window`` weeks.
    streak_weeks = models.PositiveSmallIntegerField(_("weeks with a share"), default=3)
    streak_window = models.PositiveSmallIntegerField(_("out of the last weeks"), default=4)
    # Points wait this long before they count, so that late findings can still stop them.
    hold_hours = models.PositiveSmallIntegerField(_("hours before points count"), default=24)
    # The fraud check: these patterns send a share's click points to review.
    burst_clicks = models.PositiveSmallIntegerField(_("clicks in a burst"), default=10)
    burst_minutes = models.PositiveSmallIntegerField(_("minutes after sharing"), default=10)
    repeat_clicks = models.PositiveSmallIntegerField(_("clicks from one visitor"), default=5)
    note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version"], name="point_rules_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"rules v{self.version}"

    def points_for_conversion(self, type_key: str) -> int:
        value = (self.conversion_points or {}).get(type_key, 0)
        return value if isinstance(value, int) and value > 0 else 0


class PointEntry(models.Model):
    """One line of a person's points: append-only.

    ``source_key`` names the event that earned it (``share:123``, ``clicks:share:123:3``,
    ``conversion:9``…) and is unique per organization, so nothing is awarded twice. Only the
    status moves, through the services: ``pending`` → ``confirmed`` or ``reversed``. A
    confirmed entry is undone by a new, negative entry that ``reverses`` it. The balance is the
    sum of confirmed entries. ``params`` explain the entry in the reader's language
    (``explain.entry_explanation``), so nothing translated is stored.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("points status", "Pending")
        CONFIRMED = "confirmed", pgettext_lazy("points status", "Confirmed")
        REVERSED = "reversed", pgettext_lazy("points status", "Reversed")

    class Reason(models.TextChoices):
        SHARE = "share", pgettext_lazy("points reason", "Share")
        CLICKS = "clicks", pgettext_lazy("points reason", "Clicks")
        CONVERSION = "conversion", pgettext_lazy("points reason", "Conversion")
        SUGGESTION = "suggestion", pgettext_lazy("points reason", "Suggestion")
        TRAINING = "training", pgettext_lazy("points reason", "Training")
        STREAK = "streak", pgettext_lazy("points reason", "Streak")
        ADJUSTMENT = "adjustment", pgettext_lazy("points reason", "Adjustment")
        REVERSAL = "reversal", pgettext_lazy("points reason", "Reversal")
        CONTEST = "contest", pgettext_lazy("points reason", "Contest")
        REDEMPTION = "redemption", pgettext_lazy("points reason", "Reward")

    class Flag(models.TextChoices):
        REPEAT_VISITOR = "repeat_visitor", _("Many clicks from one visitor")
        BURST = "burst", _("A burst of clicks right after sharing")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="point_entries"
    )
    points = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    params = models.JSONField(default=dict, blank=True)
    source_key = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Why a pending entry waits for a person's review (the fraud check); empty otherwise.
    flag = models.CharField(max_length=16, choices=Flag.choices, blank=True)
    # An unflagged pending entry confirms by itself from then on.
    hold_until = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="reversed_by"
    )
    rule_version = models.ForeignKey(
        PointRules, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()  # when the event happened: periods and rules use it
    created_at = models.DateTimeField(auto_now_add=True)

    # The only fields a service may change after the entry is written.
    STATUS_FIELDS = frozenset({"status", "flag", "hold_until", "reviewer", "reviewed_at",
                               "review_note"})  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "point entries"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"], name="point_entry_unique_source"
            ),
            models.CheckConstraint(condition=~Q(points=0), name="point_entry_not_zero"),
        ]
        indexes = [
            models.Index(fields=["membership", "-created_at"], name="point_entry_person"),
            models.Index(fields=["organization", "status", "occurred_at"], name="point_entry_org"),
            models.Index(
                fields=["hold_until"],
                name="point_entry_holding",
                condition=Q(status="pending", flag=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.source_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        changing = kwargs.get("update_fields")
        if self.pk is not None and (changing is None or not set(changing) <= self.STATUS_FIELDS):
            raise ValueError("Point entries are append-only: only their status moves.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Point entries are append-only: reverse them instead.")


class ShareTally(models.Model):
    """How far the awarding job has looked at one share's clicks: ``considered`` human unique
    clicks so far, of which ``counted`` earned (the rest were over the cap)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    share = models.OneToOneField("sharing.Share", on_delete=models.CASCADE, related_name="+")
    considered = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"share {self.share_id}: {self.counted}/{self.considered}"


class AwardCursor(models.Model):
    """Where the awarding job is in one source (``shares``, ``clicks``, ``conversions``,
    ``suggestions``, ``streaks``): the row each run locks while it works on that source, so
    two workers never work on the same source at once."""

    source = models.CharField(max_length=20, unique=True)
    position = models.BigIntegerField(default=0)  # an id, for sources read in id order
    at = models.DateTimeField(null=True, blank=True)  # a time, for sources read by time
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source}@{self.position}"
