"""Data of tracking: tracked links with their counters, raw clicks, and the daily salts.

Raw clicks are written by the redirect (``tracking.redirect``), several at a time, before the
visitor is answered; the worker folds them into each link's counters (``tracking.services``).
No IP address is stored: a visitor is a keyed hash that changes every day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.crypto import EncryptedTextField
from ouendan.accounts.models import Membership, Organization
from ouendan.content.models import ContentItem


class TrackedLink(models.Model):
    """The short link of one share: ``<OUENDAN_LINK_BASE_URL>/r/<code>``.

    ``destination`` is fixed when the share is made, from the approved, live content item, with
    the UTM parameters already in it; only ``oud_cid`` is added per click. Links in old posts
    keep working after the content expires or is archived. Counters are the worker's.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    share = models.OneToOneField("sharing.Share", on_delete=models.CASCADE, related_name="link")
    content = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16)
    code = models.CharField(max_length=16, unique=True)
    destination = models.URLField(max_length=4096)
    # The sharer's visitor hash when they shared (same day, same device: a self-click).
    sharer_visitor_hash = models.CharField(max_length=32, blank=True)
    clicks = models.PositiveIntegerField(default=0)  # human clicks, the sharer's own excluded
    unique_clicks = models.PositiveIntegerField(default=0)
    bot_hits = models.PositiveIntegerField(default=0)
    self_clicks = models.PositiveIntegerField(default=0)
    first_click_at = models.DateTimeField(null=True, blank=True)
    last_click_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["membership", "network"])]

    def __str__(self) -> str:
        return self.code


class Click(models.Model):
    """One request on a tracked link, human or not, as the redirect saw it.

    ``click_id`` is what the destination receives as ``oud_cid`` (conversions name it).
    ``visitor_hash`` is a keyed hash of (daily salt, address, user agent, link); ``unique`` is
    set by the worker on the first human click of a visitor on a link in a day.
    """

    class Reason(models.TextChoices):
        HEAD = "head", _("HEAD request")
        PREFETCH = "prefetch", _("Prefetch")
        PREVIEW = "preview", _("Link-preview fetcher")
        CRAWLER = "crawler", _("Crawler or headless browser")
        NO_AGENT = "no_agent", _("No user agent")

    class Device(models.TextChoices):
        MOBILE = "mobile", _("Phone")
        TABLET = "tablet", _("Tablet")
        DESKTOP = "desktop", _("Computer")
        BOT = "bot", _("Bot")
        OTHER = "other", _("Other")

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="click_rows")
    click_id = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField()
    day = models.DateField()  # the salt's day (UTC)
    visitor_hash = models.CharField(max_length=32)
    bot = models.BooleanField(default=False)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    is_self = models.BooleanField(default=False)
    device = models.CharField(max_length=8, choices=Device.choices)
    referrer_host = models.CharField(max_length=253, blank=True)
    unique = models.BooleanField(default=False)
    aggregated = models.BooleanField(default=False)

    class Meta:
        # Few indexes, partial where possible: every click is an insert on the hot path.
        indexes = [
            models.Index(
                fields=["link", "day", "visitor_hash"],
                name="click_unique_visits",
                condition=Q(unique=True),
            ),
            models.Index(fields=["id"], name="click_pending", condition=Q(aggregated=False)),
        ]

    def __str__(self) -> str:
        return self.click_id


class VisitorSalt(models.Model):
    """The secret of one day's visitor hashes, encrypted at rest; deleted after 48 hours so
    that no hash can be recomputed from an address afterwards."""

    day = models.DateField(unique=True)
    salt = EncryptedTextField()  # Fernet (accounts.crypto)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)


class AggregationLock(models.Model):
    """One row, locked by whoever folds clicks into counters, so that two workers never count
    the same visitor as unique twice."""

    name = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name
