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
