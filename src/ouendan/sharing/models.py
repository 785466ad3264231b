"""Data of sharing: each share an employee makes, and what we remember for their next one.

A share is one employee handing one content item to one network, with the final text. It owns
one tracked link (``tracking.TrackedLink``). Writes go through ``sharing.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.models import Membership, Organization
from ouendan.content.models import NETWORK_CHOICES, ContentItem, Variant


class Share(models.Model):
    """One employee × one content item × one network, with the text they chose to post.

    ``opened``: handed to the network's composer (intent URL, or copied for Instagram) and not
    confirmed yet; ``posted`` once the employee says so (``confirmed_at``) or a human click has
    arrived on its link (``link.first_click_at``, set by tracking). Sharing the same item to the
    same network again while it is still ``opened`` reuses it.
    """

    class Status(models.TextChoices):
        OPENED = "opened", pgettext_lazy("share status", "Opened")
        POSTED = "posted", pgettext_lazy("share status", "Posted")

    class Method(models.TextChoices):
        INTENT = "intent", pgettext_lazy("share method", "Share button")
        DIRECT = "direct", pgettext_lazy("share method", "Posted by Ouendan")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="shares")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="shares")
    network = models.CharField(max_length=16, choices=NETWORK_CHOICES[1:])
    # ``direct``: posted through a connected account (integrations), not the share button.
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.INTENT)
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    text = models.TextField()  # as posted: the employee's words, disclosure and link included
    edited = models.BooleanField(default=False)  # differs from the suggested variant
    intent_url = models.URLField(max_length=8192, blank=True)
    mastodon_instance = models.CharField(max_length=253, blank=True)
    verdict = models.CharField(max_length=8, default="pass")
    findings = models.JSONField(default=list, blank=True)  # the warnings shown when sharing
    confirmed_at = models.DateTimeField(null=True, blank=True)  # "I posted it"
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["membership", "-created_at"]),
            models.Index(fields=["content", "network", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.content_id} by {self.membership_id}"

    @property
    def status(self) -> str:
        link = getattr(self, "link", None)
        if self.confirmed_at is not None or (link is not None and link.first_click_at):
            return self.Status.POSTED
        return self.Status.OPENED


class SharingProfile(models.Model):
    """What an employee's next share should remember: their Mastodon instance."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="sharing_profile"
    )
    mastodon_instance = models.CharField(_("Mastodon server"), max_length=253, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sharing profile of {self.membership_id}"


class ShareMetrics(models.Model):
    """Reactions to a share: read from the network where its API tells (``synced``, for posts
    made through a connected account), or entered by the employee (``manual``)."""

    class Source(models.TextChoices):
        SYNCED = "synced", pgettext_lazy("metrics source", "From the network")
        MANUAL = "manual", pgettext_lazy("metrics source", "Entered by hand")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    share = models.OneToOneField(Share, on_delete=models.CASCADE, related_name="metrics")
    likes = models.PositiveIntegerField(_("likes"), default=0)
    reposts = models.PositiveIntegerField(_("reposts"), default=0)
    replies = models.PositiveIntegerField(_("comments"), default=0)
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    synced_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"metrics of share {self.share_id}"

    @property
    def reactions(self) -> int:
        return self.likes + self.reposts + self.replies
