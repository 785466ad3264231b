"""Contests (challenges): who joined, the teams, and who won.

A contest runs from the start of ``starts_on`` to the end of ``ends_on`` in the organization's
time zone (whole days, like the analytics rollups it is counted from). People join of their own
accord and may leave until it ends; nobody is ever enrolled for them. The program creates,
edits and cancels contests (``services.contests``); a periodic job forms random teams when a
team contest starts and closes contests that ended (winners, badges, points, announcement).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.models import Department, Membership, Organization


class Contest(models.Model):
    """One challenge: individual or between teams, ranked by one metric over whole days."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", pgettext_lazy("contest kind", "Individual")
        TEAM = "team", pgettext_lazy("contest kind", "Teams")

    class Teams(models.TextChoices):
        RANDOM = "random", _("Teams drawn at random")
        DEPARTMENT = "department", _("One team per department")

    class Metric(models.TextChoices):
        UNIQUE_CLICKS = "unique_clicks", _("People who clicked")
        SHARES = "shares", _("Shares")
        CONVERSIONS = "conversions", _("Conversions")
        TOP_POST_LIKES = "top_post_likes", _("Most likes on a single post")

    class Status(models.TextChoices):
        # Upcoming, running or waiting to be closed: the dates tell which (``phase``).
        ACTIVE = "active", pgettext_lazy("contest status", "Active")
        FINISHED = "finished", pgettext_lazy("contest status", "Finished")
        CANCELLED = "cancelled", pgettext_lazy("contest status", "Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    teams = models.CharField(max_length=12, choices=Teams.choices, blank=True)
    team_size = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=16, choices=Metric.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    winner_points = models.PositiveIntegerField(_("points for each winner"), default=100)
    # Random teams are drawn from this seed and the participants, so a draw can be redone.
    seed = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    teams_formed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contest_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(team_size__isnull=True) | Q(team_size__gte=2, team_size__lte=20),
                name="contest_team_size_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "ends_on"], name="contest_org_status"),
            models.Index(fields=["status", "ends_on"], name="contest_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_team(self) -> bool:
        return self.kind == self.Kind.TEAM


class ContestTeam(models.Model):
    """A team of a team contest: numbered (random teams) or a department's."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="team_set")
    number = models.PositiveSmallIntegerField()
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contest_team_number"),
        ]

    def __str__(self) -> str:
        return f"team {self.number} of contest {self.contest_id}"


class ContestParticipant(models.Model):
    """Someone who joined (themselves). Leaving removes the row; the audit log remembers."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="contest_entries"
    )
    team = models.ForeignKey(
        ContestTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "membership"], name="contest_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} in contest {self.contest_id}"


class ContestWinner(models.Model):
    """A winner, written when the contest closed: the top person (or every member of the top
    team; ties share the win) with their score and the points they were given."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="winners")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        ContestTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveIntegerField()
    points = models.PositiveIntegerField()
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "membership"], name="contest_winner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} won contest {self.contest_id}"
