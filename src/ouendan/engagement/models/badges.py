"""Badges people have earned (what each badge is lives in ``engagement/badges.py``)."""

from __future__ import annotations

from django.db import models

from ouendan.accounts.models import Membership, Organization


class BadgeAward(models.Model):
    """A badge one person earned, once: ``source_key`` names what earned it (the share, the
    conversion, the week of the streak, the contest)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="badge_awards"
    )
    badge = models.CharField(max_length=40)
    source_key = models.CharField(max_length=120)
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "badge"], name="badge_award_once")
        ]

    def __str__(self) -> str:
        return f"{self.badge} for {self.membership_id}"
