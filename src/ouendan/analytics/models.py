"""Data of analytics: the rollups every figure is read from, and what the program sets.

Raw events (shares, clicks, conversions, reactions) stay where their apps keep them. The worker
folds them into ``DailyRollup`` (one day in the organization's time zone × content × advocate ×
network), ``DailyTotal`` (day × department × network, for the overview) and ``DailyContent``
(day × content, for ranking content across the organization), rebuilding a whole day
each time one of its events arrives (``services/rollups.py``), so late events, repeated runs and a
rebuild from scratch all give the same rows. Dashboards never read raw clicks.

What the program manager sets: the earned-media rates per network (``NetworkRate``), KPI goals
(``KpiGoal``), the ROI assumptions (``RoiAssumptions``) and who receives the quarterly report
(``ReportSchedule``); generated reports are kept (``Report``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import Department, Membership, Organization
from ouendan.content.models import Campaign, ContentItem


class Figures(models.Model):
    """The additive figures of a rollup row (sums over a day's events)."""

    shares = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)  # human clicks, the sharer's own excluded
    unique_clicks = models.PositiveIntegerField(default=0)
    conversions = models.PositiveIntegerField(default=0)  # last touch
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    reactions = models.PositiveIntegerField(default=0)  # likes + reposts + comments, by share day
    impressions = models.BigIntegerField(default=0)  # where the network tells

    class Meta:
        abstract = True


class DailyRollup(Figures):
    """One day × content × advocate × network. ``reach``: the most followers known for the advocate
    on the network among that day's shares (0: unknown); the department and campaign are those of
    the advocate and the content when the day was built."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reach = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "content", "membership", "network"],
                name="daily_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "day"], name="daily_rollup_day"),
            # A manager's or a division's figures: their rows of a period, not the whole table
            # (benchmarks/analytics.py: a division's top content 141 → 60 ms).
            models.Index(
                fields=["organization", "department", "day"], name="daily_rollup_department"
            ),
            # Participation and reach: who shared on which network in a period, read in
            # membership order with the reach beside it (an index-only scan and a streaming
            # aggregate on PostgreSQL: benchmarks/analytics.py, 90 days 560 → 95 ms).
            models.Index(
                fields=["organization", "membership", "network", "day"],
                name="daily_rollup_sharers",
                condition=Q(shares__gt=0),
                include=["reach", "department"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.network} content {self.content_id} by {self.membership_id}"


class DailyTotal(Figures):
    """One day × department × network: the overview's sums without a row per person or item
    (distinct counts over a period, such as advocates who shared, are read from ``DailyRollup``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    network = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["organization", "day"], name="daily_total_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.network} department {self.department_id}"


class DailyContent(Figures):
    """One day × content item: what ranking content or campaigns over the whole organization
    reads to find the page of items to show, without a row per person or network (a fifth of the
    rows of ``DailyRollup`` at 10,000 items; the figures of the items kept are then read
    from ``DailyRollup``, by network)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "day"], name="daily_content_day")]

    def __str__(self) -> str:
        return f"{self.day} content {self.content_id}"


class DirtyDay(models.Model):
    """A day whose rollups must be rebuilt (an event of that day arrived after it was built)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="dirty_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.day}"


class RollupCursor(models.Model):
    """How far each source of events has been read (``position``: an id; ``at``: a time)."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    at = models.DateTimeField(null=True, blank=True)
    # Clicks: how many folded clicks lay in the stretch just behind ``position`` when it moved.
    seen = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class RollupState(models.Model):
    """How many times an organization's rollups have changed, and when they last did.

    Every rebuild of one of its days adds one to ``version`` in the rebuild's transaction, so
    what was computed from the rollups can be kept under the version it was read at
    (``analytics.cache``) and is never served once they have changed.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rollups of {self.organization_id}: version {self.version}"


class NetworkRate(models.Model):
    """What a network's advertising would have cost, for earned media value (EMV):
    ``impressions / 1000 × cpm + cpc × (clicks + reaction_weight × reactions)``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16)
    cpm = models.DecimalField(_("CPM"), max_digits=12, decimal_places=2)
    cpc = models.DecimalField(_("CPC"), max_digits=12, decimal_places=2)
    reaction_weight = models.DecimalField(_("reaction weight"), max_digits=6, decimal_places=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "network"], name="network_rate_unique")
        ]

    def __str__(self) -> str:
        return self.network


class AnalyticsSettings(models.Model):
    """The organization's currency for values and the ROI assumptions (all per month)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="analytics_settings"
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    # Quarters follow the fiscal year: most Japanese companies start it in April
    # (第1四半期 = 4–6月).
    fiscal_year_start = models.PositiveSmallIntegerField(
        _("first month of the fiscal year"), default=4
    )
    licence_cost = models.DecimalField(
        _("licences and hosting per month"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    staff_hours = models.DecimalField(
        _("staff hours per month"), max_digits=8, decimal_places=1, default=Decimal(0)
    )
    hourly_cost = models.DecimalField(
        _("cost of a staff hour"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    rewards_cost = models.DecimalField(
        _("rewards per month"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    # conversion type key → what one is worth to the company (e.g. application: the agency fee a
    # hire through it saves, divided by applicants per hire).
    conversion_values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"analytics settings of {self.organization_id}"


class KpiGoal(models.Model):
    """A target for one metric over a period: an absolute figure, or a change against a baseline
    (by default the same metric over the period of equal length just before)."""

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", _("reach a figure")
        CHANGE = "change", _("change by a percentage")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    metric = models.CharField(_("metric"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # True: measured by Ouendan over the period before, when the goal was set (and again only
    # when its metric, period or department change); False: entered by the program.
    baseline_computed = models.BooleanField(default=False)
    # The organization's day it was measured: before the goal's first day, the period before had
    # not ended yet, so the baseline is measured once more after it has (goal_baselines_settle).
    baseline_measured_on = models.DateField(null=True, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ends_on", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ReportSchedule(models.Model):
    """Who receives the quarterly executive report, in which language."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="report_schedule"
    )
    enabled = models.BooleanField(_("send every quarter"), default=False)
    recipients = models.JSONField(default=list, blank=True)  # e-mail addresses
    language = models.CharField(_("language"), max_length=8, default="ja")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"report schedule of {self.organization_id}"


class Report(models.Model):
    """A generated quarterly report (the PDF kept, so what was sent can be read again)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    language = models.CharField(max_length=8, default="ja")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    pdf = models.BinaryField(editable=False, default=bytes)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(default=False)
    sent_to = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The schedule makes one report per quarter, however often it runs.
            models.UniqueConstraint(
                fields=["organization", "starts_on", "ends_on", "language"],
                condition=Q(scheduled=True),
                name="report_scheduled_once",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.starts_on}–{self.ends_on}"
