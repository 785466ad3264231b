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
    # Potential reach: the sharer's follower count on this network known when they shared
    # (``NetworkAudience``); null when nobody knew it. Kept on the share so that a later count
    # does not rewrite what past shares could reach.
    reach = models.PositiveIntegerField(_("potential reach"), null=True, blank=True)
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
    """What an employee's next share should remember: their Mastodon instance. Their follower
    counts are ``NetworkAudience`` rows, one per network."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="sharing_profile"
    )
    mastodon_instance = models.CharField(_("Mastodon server"), max_length=253, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sharing profile of {self.membership_id}"


class NetworkAudience(models.Model):
    """How many people follow an employee on one network: the potential reach of their shares
    there, copied onto each share when it is made (``Share.reach``).

    One row per person and network rather than a JSON object on ``SharingProfile``: each count
    carries its own source and date; the unique constraint lets two writers (the person on their
    profile page, integrations refreshing a connection) upsert different networks without one
    overwriting the other's whole object; and analytics can join and sum counts in SQL on SQLite
    and PostgreSQL alike, without reading JSON.

    ``source``: ``network`` when a connected account reported it (integrations calls
    ``audience_set`` on connect and renewal), ``self`` when the person entered it. While
    ``connected`` is true the network's count wins: the person cannot overwrite it until the
    account is disconnected (the count then stays, as last reported, and becomes editable).
    """

    class Source(models.TextChoices):
        NETWORK = "network", pgettext_lazy("audience source", "Reported by the network")
        SELF = "self", pgettext_lazy("audience source", "Entered by you")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="audiences")
    network = models.CharField(max_length=16, choices=NETWORK_CHOICES[1:])
    followers = models.PositiveIntegerField(_("followers"))
    source = models.CharField(max_length=8, choices=Source.choices)
    # A connected account keeps this count up to date (integrations says when it stops).
    connected = models.BooleanField(default=False)
    learned_at = models.DateTimeField()  # when the count was reported or entered

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "network"], name="network_audience_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} audience of {self.membership_id}"


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
