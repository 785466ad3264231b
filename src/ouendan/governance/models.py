"""Data of governance: each organization's compliance lists and severities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import Membership, Organization


class ComplianceSettings(models.Model):
    """The lists the compliance scanner uses for one organization, and its severity changes.

    Lists are plain lists of strings, edited on the compliance settings page; ``severities``
    maps a rule code to ``block``, ``warn`` or ``info`` where the organization differs from the
    default.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="compliance_settings"
    )
    confidential_terms = models.JSONField(_("confidential terms and code names"), default=list)
    blocked_terms = models.JSONField(_("blocked words"), default=list)
    product_names = models.JSONField(_("product and service names"), default=list)
    disclosure_markers = models.JSONField(_("disclosure markers"), default=list)
    allowed_domains = models.JSONField(_("allowed domains"), default=list)
    public_emails = models.JSONField(_("public e-mail addresses"), default=list)
    public_phones = models.JSONField(_("public phone numbers"), default=list)
    severities = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compliance settings")
        verbose_name_plural = _("compliance settings")

    def __str__(self) -> str:
        return f"compliance settings of {self.organization_id}"


class PolicyVersion(models.Model):
    """One published version of the organization's social-media policy (Markdown, rendered to
    sanitised HTML when it is published). The newest version is the current one."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="policy_versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("policy (Markdown)"))
    body_html = models.TextField()
    changes = models.CharField(_("what changed"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="policy_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class PolicyAcknowledgment(models.Model):
    """A person read and accepted one version of the policy (needed before they share)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgments"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="policy_acknowledgments"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "membership"], name="policy_acknowledgment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} ✓ {self.policy_id}"


class CrisisPause(models.Model):
    """The crisis switch: while a pause is on (``ended_at`` empty), nothing goes out for the
    organization — no shares, no scheduled posts, no new content going live, no notifications
    of it. Resuming needs a confirmation; every pause is kept for the record."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="crisis_pauses"
    )
    reason = models.CharField(_("reason"), max_length=500)
    started_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.CharField(_("note on resuming"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(ended_at__isnull=True),
                name="crisis_pause_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"pause of {self.organization_id} since {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def active(self) -> bool:
        return self.ended_at is None


class Workflow(models.Model):
    """Ordered review stages for content (e.g. 広報 → 法務). The organization's default has
    neither topic nor campaign; one for a campaign, then one for a topic, takes precedence."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="workflows"
    )
    name = models.CharField(_("name"), max_length=120)
    topic = models.ForeignKey(
        "content.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        "content.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="workflow_unique_name"),
            models.CheckConstraint(
                condition=models.Q(topic__isnull=True) | models.Q(campaign__isnull=True),
                name="workflow_topic_or_campaign",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowStage(models.Model):
    """One stage of a workflow: who may decide (named people, or holders of a role, optionally
    in a department and its sub-departments) and how long it may wait before a reminder."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=120)
    reviewer_role = models.CharField(_("role"), max_length=32, blank=True)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewers = models.ManyToManyField(Membership, blank=True, related_name="+")
    sla_hours = models.PositiveIntegerField(_("remind after (hours)"), default=48)

    class Meta:
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "position"], name="workflow_stage_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}#{self.position} {self.name}"


class ReviewRound(models.Model):
    """One time content goes through review: from entering review to a decision. The stages
    are copied from the workflow when the round opens, so changing a workflow does not move
    content already in review."""

    class Status(models.TextChoices):
        OPEN = "open", _("In review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed")  # withdrawn, archived, or restarted after an edit

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(
        "content.ContentItem", on_delete=models.CASCADE, related_name="review_rounds"
    )
    workflow = models.ForeignKey(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stages = models.JSONField(
        default=list
    )  # [{"name", "role", "department", "reviewers", "sla_hours"}]
    version = models.PositiveIntegerField()
    stage = models.PositiveSmallIntegerField(default=0)  # index into stages
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    stage_started_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content"],
                condition=models.Q(status="open"),
                name="review_round_one_open_per_content",
            )
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"review of {self.content_id} v{self.version} ({self.status})"


class ReviewDecision(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        CHANGES = "changes", _("Changes requested")
        REJECT = "reject", _("Rejected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="decisions")
    stage = models.PositiveSmallIntegerField()
    stage_name = models.CharField(max_length=120)
    version = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.stage} {self.decision}"
