"""Data of connected accounts: the OAuth clients an organization uses, the accounts its people
connect, and the posts Ouendan publishes for them.

Secrets (client secrets, access and refresh tokens) are encrypted with
``OUENDAN_ENCRYPTION_KEYS`` (``EncryptedTextField``: ``manage.py encryption_rotate``
re-encrypts them). Writes go through ``integrations.services``.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.crypto import EncryptedTextField
from ouendan.accounts.models import Membership, Organization
from ouendan.content.models import ContentItem
from ouendan.networks import Network
from ouendan.sharing.models import Share

DIRECT_NETWORK_CHOICES = [
    (Network.BLUESKY.value, "Bluesky"),
    (Network.MASTODON.value, "Mastodon"),
    (Network.LINKEDIN.value, "LinkedIn"),
    (Network.X.value, "X"),
]


class NetworkApp(models.Model):
    """An OAuth client: an organization's app at LinkedIn or X (its admin registers it and
    enters the id and secret), or the app Ouendan registered on a Mastodon server."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=DIRECT_NETWORK_CHOICES)
    instance = models.CharField(max_length=253, blank=True)  # Mastodon: the server's host
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField(blank=True)
    # Mastodon: the callback the app was registered with (a new OUENDAN_BASE_URL registers anew).
    redirect_uri = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network", "instance"], name="network_app_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} app {self.instance}".strip()


class PostingSettings(models.Model):
    """How direct posting works in an organization (one row each, made on first use)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="posting_settings"
    )
    # Networks people may connect for direct posting. X bills every post made through its API.
    networks = models.JSONField(default=list)
    hours_start = models.TimeField(default=time(8, 0))
    hours_end = models.TimeField(default=time(21, 0))
    daily_cap = models.PositiveSmallIntegerField(default=3)  # direct posts per person per day
    # Colleagues' posts of the same item on the same network are kept this far apart.
    spread_minutes = models.PositiveSmallIntegerField(default=20)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"posting settings of {self.organization_id}"


class ConnectedAccount(models.Model):
    """A person's account at a network that Ouendan may post to for them."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("connection status", "Connected")
        NEEDS_RECONNECT = "needs_reconnect", pgettext_lazy("connection status", "Reconnect")
        DISCONNECTED = "disconnected", pgettext_lazy("connection status", "Disconnected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    network = models.CharField(max_length=16, choices=DIRECT_NETWORK_CHOICES)
    # Where the account lives: the Mastodon server or Bluesky PDS ("" for LinkedIn and X).
    instance = models.CharField(max_length=253, blank=True)
    remote_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    followers = models.PositiveIntegerField(null=True, blank=True)
    followers_at = models.DateTimeField(null=True, blank=True)
    text_limit = models.PositiveIntegerField(null=True, blank=True)  # the server's own limit
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    lapse_warned_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One live connection per person and network.
            models.UniqueConstraint(
                fields=["membership", "network"],
                condition=~Q(status="disconnected"),
                name="connected_account_one_live",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.network} {self.handle}"

    @property
    def lapses_at(self):  # type: ignore[no-untyped-def]
        """When the connection stops working unless renewed: the refresh token's end, or the
        access token's when there is nothing to refresh it with."""
        if self.refresh_token:
            return self.refresh_expires_at
        return self.expires_at


class OAuthAttempt(models.Model):
    """A connection started and not finished: the browser went to the network to grant access.
    ``state`` is stored hashed; the PKCE verifier encrypted. Used once, valid ten minutes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=DIRECT_NETWORK_CHOICES)
    instance = models.CharField(max_length=253, blank=True)
    state_hash = models.CharField(max_length=64, unique=True)
    code_verifier = EncryptedTextField()
    redirect_uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.network} connection of {self.membership_id}"


class ScheduledPost(models.Model):
    """A post Ouendan publishes through a connected account, now or at a time.

    scheduled → publishing → published | failed; held while the organization is paused
    (back to scheduled on resume); cancelled by the person. ``publishing`` is claimed by one
    worker with ``claimed_at``; a claim older than the lease is reconciled, never re-sent
    blindly. ``idempotency_key`` is the same on every attempt.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("post state", "Scheduled")
        PUBLISHING = "publishing", pgettext_lazy("post state", "Publishing")
        PUBLISHED = "published", pgettext_lazy("post state", "Published")
        FAILED = "failed", pgettext_lazy("post state", "Failed")
        HELD = "held", pgettext_lazy("post state", "Held")
        CANCELLED = "cancelled", pgettext_lazy("post state", "Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="scheduled_posts"
    )
    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.PROTECT, related_name="scheduled_posts"
    )
    share = models.OneToOneField(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="scheduled_post"
    )
    content = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16, choices=DIRECT_NETWORK_CHOICES)
    text = models.TextField()  # as it will be posted, the tracked link included
    scheduled_for = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    idempotency_key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()  # scheduled_for, then later after a retry
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    # An attempt may have reached the network without our hearing back: ask it before sending.
    uncertain = models.BooleanField(default=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    metrics_at = models.DateTimeField(null=True, blank=True)  # its numbers were last asked for
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_for", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["membership", "state", "scheduled_for"]),
            models.Index(fields=["content", "network", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.network} post {self.pk} ({self.state})"
