"""Recognition between people: shout-outs and the community's announcements.

A shout-out is shown to its recipient always, and to colleagues (the feed's community block,
highlights) only as the recipient chose to appear (``accounts.selectors.public_name``): someone
who chose not to appear is never named to others. Announcements (a contest's winners) store no
text: they are written at display time, in the reader's language, with the names as each
winner chooses to appear at that moment.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import Membership, Organization
from ouendan.engagement.models.contests import Contest


class ShoutOut(models.Model):
    """A thank-you from the program or a manager, optionally about a share or a content item."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="shout_outs_received"
    )
    message = models.CharField(_("message"), max_length=500)
    share = models.ForeignKey(
        "sharing.Share", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="shout_out_recent"),
            models.Index(fields=["recipient", "-created_at"], name="shout_out_recipient"),
        ]

    def __str__(self) -> str:
        return f"shout-out to {self.recipient_id}"


class Announcement(models.Model):
    """Something the community block tells everyone: for now, a contest's winners (once)."""

    class Kind(models.TextChoices):
        CONTEST_RESULT = "contest_result", _("Contest result")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "contest"], name="announcement_once"),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="announcement_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.contest_id}"
