"""Data of tracking: tracked links with their counters, raw clicks, the daily salts, and the
conversions those clicks led to (their types, touches and the organization's settings).

Raw clicks are written by the redirect (``tracking.redirect``), several at a time, before the
visitor is answered; the worker folds them into each link's counters (``tracking.services``).
No IP address is stored: a visitor is a keyed hash that changes every day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.crypto import EncryptedTextField
from ouendan.accounts.models import Membership, Organization
from ouendan.content.models import Campaign, ContentItem


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
    click_id = models.CharField(max_length=32)
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
        # Few indexes, partial where possible: every click is an insert on the hot path. The
        # constraint (not ``unique=True``, which on PostgreSQL adds a second, pattern-matching
        # index nobody uses) finds a click by the id a conversion names. PostgreSQL also keeps a
        # BRIN index on ``at`` (migration 0004: a few pages, since clicks arrive in time order),
        # so that rebuilding a day's rollups reads that day's clicks, not the whole table.
        constraints = [models.UniqueConstraint(fields=["click_id"], name="click_id_unique")]
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


# --- Conversions ---------------------------------------------------------------------------------

# The types every organization has, in this order; their labels are translated by key.
BUILT_IN_TYPES: dict[str, Promise] = {
    "application": pgettext_lazy("conversion type", "Application"),  # 応募
    "lead": pgettext_lazy("conversion type", "Document request"),  # 資料請求
    "inquiry": pgettext_lazy("conversion type", "Inquiry"),  # 問い合わせ
    "sign_up": pgettext_lazy("conversion type", "Sign-up"),
    "purchase": pgettext_lazy("conversion type", "Purchase"),
}


class AttributionModel(models.TextChoices):
    LAST_TOUCH = "last_touch", _("Last touch")
    FIRST_TOUCH = "first_touch", _("First touch")
    LINEAR = "linear", _("Linear")
    TIME_DECAY = "time_decay", _("Time decay")


class ConversionType(models.Model):
    """What a visitor did on the company's site: the five built in (made for every
    organization on first use) and the program's own. Inactive types accept no conversions."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("key"), max_length=40)
    # Empty for a built-in type: its label is translated by key (BUILT_IN_TYPES).
    label = models.CharField(_("label"), max_length=80, blank=True)
    default_value = models.DecimalField(
        _("default value"), max_digits=14, decimal_places=2, default=0
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="conversion_type_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def built_in(self) -> bool:
        return self.key in BUILT_IN_TYPES

    @property
    def display_label(self) -> str:
        if self.label:
            return self.label
        return str(BUILT_IN_TYPES.get(self.key, self.key))


class Conversion(models.Model):
    """One conversion, credited to the click that brought the visitor (``click``) and, through
    it, to the share, the content, the sharer, the network and the content's campaign. The
    idempotency key makes reporting it twice harmless."""

    class Source(models.TextChoices):
        SNIPPET = "snippet", _("Snippet on the site")
        API = "api", _("Server API")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    type = models.ForeignKey(ConversionType, on_delete=models.PROTECT, related_name="+")
    click = models.ForeignKey(Click, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="JPY")
    idempotency_key = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"], name="conversion_idempotency"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="conversion_org_time"),
            models.Index(fields=["organization", "id"], name="conversion_org_id"),
        ]

    def __str__(self) -> str:
        return f"{self.type_id}@{self.click_id}"


class ConversionTouch(models.Model):
    """A click of the converting visitor known within the attribution window, in time order;
    the converting click is the last (``position`` from 0)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="touches")
    click = models.ForeignKey(Click, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["conversion", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversion", "position"], name="conversion_touch_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversion_id}#{self.position}"


class PendingConversion(models.Model):
    """A conversion whose click is not in the database yet.

    A click reaches the database up to about a minute after it happened (the redirect journals
    it; the worker moves journals in every minute), and a visitor may convert sooner than that.
    A report naming a click id made in the last few minutes (the id carries its time) waits
    here; the worker records it once the click arrives, or drops it as unknown after the grace.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    click_id = models.CharField(max_length=32)
    touch_ids = models.JSONField(default=list)  # earlier click ids, as sent
    type_key = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    idempotency_key = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Conversion.Source.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"], name="pending_conversion_idempotency"
            )
        ]
        indexes = [models.Index(fields=["received_at"], name="pending_conversion_received")]

    def __str__(self) -> str:
        return self.click_id


class TrackingSettings(models.Model):
    """How an organization counts conversions (one row each, made on first use)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="tracking_settings"
    )
    attribution_window_days = models.PositiveSmallIntegerField(default=30)
    default_model = models.CharField(
        max_length=12, choices=AttributionModel.choices, default=AttributionModel.LAST_TOUCH
    )
    half_life_days = models.PositiveSmallIntegerField(default=7)  # time decay
    # Origins (https://careers.example.co.jp) the snippet may report from; empty: any.
    allowed_origins = models.JSONField(default=list, blank=True)
    # HMAC-SHA256 key of signed server reports, Fernet-encrypted (accounts.crypto); empty: none.
    signing_secret = EncryptedTextField(blank=True)
    signing_secret_created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tracking settings"

    def __str__(self) -> str:
        return f"tracking settings of {self.organization_id}"
