"""Data and invariants of the content library: topics, campaigns, content items with their
suggested texts, images and versions, feed sources, and employees' suggestions.

Every row carries its ``organization``; services check that what a row points at belongs to the
same organization. Writes go through ``content.services``.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ouendan.accounts.models import Department, Location, Membership, Organization
from ouendan.networks import RULES

NETWORK_CHOICES = [("", _("Every network")), *((n.value, str(r.label)) for n, r in RULES.items())]


class Topic(models.Model):
    """A subject employees can follow (採用, 製品, 技術ブログ…); content is tagged with topics."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="topic_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TopicSubscription(models.Model):
    """A person follows a topic: its content comes first in their feed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="topic_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "membership"], name="topic_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.topic_id}"


class Campaign(models.Model):
    """A time-boxed push (新卒採用, a product launch) with a goal; content items belong to it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=120)
    # ASCII, for utm_campaign on tracked links.
    slug = models.SlugField(_("code"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    goal_target = models.PositiveIntegerField(_("goal as a number"), null=True, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="campaign_unique_name"),
            models.UniqueConstraint(fields=["organization", "slug"], name="campaign_unique_slug"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """An RSS or Atom feed (the company blog, a press-release service) whose new entries
    become drafts. Polled by the scheduler; an error is recorded and shown, never fatal."""

    class Health(models.TextChoices):
        NEVER = "never", _("Not polled yet")
        OK = "ok", _("Working")
        ERROR = "error", _("Failing")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("feed URL"), max_length=2048)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promotional = models.BooleanField(_("entries promote a product or service"), default=False)
    active = models.BooleanField(_("poll this feed"), default=True)
    poll_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=60)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.NEVER)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    feed_title = models.CharField(max_length=300, blank=True)
    # Conditional GET: the server's validators from the last answer.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "url"], name="source_unique_url"),
            models.CheckConstraint(condition=Q(poll_minutes__gte=5), name="source_poll_min"),
        ]

    def __str__(self) -> str:
        return self.name


class ContentItem(models.Model):
    """A post the company wants shared: a link with its preview, suggested texts per network,
    images, topics, audience and a lifecycle.

    draft → in review → approved → scheduled (``publish_at`` ahead) / published → expired
    (``expire_at`` passed) or archived. ``version`` grows with every change of what advocates
    share; ``approved_version`` is the version a reviewer approved.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("content status", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("content status", "In review")
        APPROVED = "approved", pgettext_lazy("content status", "Approved")
        SCHEDULED = "scheduled", pgettext_lazy("content status", "Scheduled")
        PUBLISHED = "published", pgettext_lazy("content status", "Published")
        EXPIRED = "expired", pgettext_lazy("content status", "Expired")
        ARCHIVED = "archived", pgettext_lazy("content status", "Archived")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="content_items"
    )
    title = models.CharField(_("title"), max_length=300)
    # ASCII, unique in the organization: utm_campaign for content outside a campaign.
    slug = models.SlugField(_("code"), max_length=80)
    url = models.URLField(_("link"), max_length=2048, blank=True)
    # ``url`` folded for de-duplication (scheme and host lower-cased, no fragment).
    url_key = models.CharField(max_length=2048, blank=True, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    advocate_note = models.TextField(_("why this matters"), blank=True)
    language = models.CharField(_("language of the content"), max_length=8, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="content_items")
    audience_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    audience_locations = models.ManyToManyField(Location, blank=True, related_name="+")
    audience_languages = models.JSONField(default=list, blank=True)
    audience_roles = models.JSONField(default=list, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_items",
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="content_items"
    )
    suggested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promotional = models.BooleanField(_("promotes a product or service"), default=False)
    featured = models.BooleanField(_("featured"), default=False)
    pinned = models.BooleanField(_("pinned to the top of the feed"), default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("goes live at"), null=True, blank=True)
    expire_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    # Title, summary, note, link and suggested texts, folded (``core.text.fold``) for search.
    search_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="content_unique_slug"),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(expire_at__isnull=True)
                | Q(expire_at__gt=models.F("publish_at")),
                name="content_expires_after_publish",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "-updated_at"]),
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["status", "expire_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def changed_since_approval(self) -> bool:
        return self.approved_version is not None and self.version != self.approved_version


class Variant(models.Model):
    """A suggested share text for one network (``network`` empty: any network), with hashtags.
    Several per network, so colleagues do not all post the same words."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="variants")
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES, blank=True)
    text = models.TextField(_("text"))
    hashtags = models.JSONField(default=list, blank=True)  # without "#"
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["content", "network"])]

    def __str__(self) -> str:
        return f"{self.network or '*'}: {self.text[:40]}"

    @property
    def composed(self) -> str:
        """The text as an advocate receives it: the text, then its hashtags."""
        return compose_text(self.text, self.hashtags)


def compose_text(text: str, hashtags: list[str] | tuple[str, ...]) -> str:
    tags = " ".join(f"#{tag}" for tag in hashtags)
    text = text.rstrip()
    if not tags:
        return text
    return f"{text}\n{tags}" if text else tags


def content_image_path(instance: ContentImage, filename: str) -> str:
    """``content/<org>/<uuid>.<ext>``: names never collide, and say nothing of the upload."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"content/{instance.organization_id}/{uuid.uuid4().hex}{suffix}"


class ContentImage(models.Model):
    """An image of a content item, uploaded or fetched from the link's Open Graph tags;
    checked for type and size before it is stored through Django's storage API."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(_("image"), upload_to=content_image_path, max_length=200)
    alt_text = models.CharField(_("description of the image"), max_length=300, blank=True)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    source_url = models.URLField(max_length=2048, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.file.name


class ContentVersion(models.Model):
    """What a content item said at one version, kept so that any two can be compared."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["content", "number"], name="content_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.content_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Content versions are never changed.")
        super().save(*args, **kwargs)


class SourceEntry(models.Model):
    """An entry seen in a feed: remembered by GUID so that it becomes a draft only once."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Draft created")
        DUPLICATE = "duplicate", _("Already in the library")
        SKIPPED = "skipped", _("Older than the source (not imported)")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=500)
    url = models.URLField(max_length=2048, blank=True)
    title = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    content = models.ForeignKey(
        ContentItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="source_entry_unique_guid")
        ]

    def __str__(self) -> str:
        return self.title or self.guid


class Suggestion(models.Model):
    """A member proposes a link for the library; a curator accepts (a draft, crediting them)
    or declines it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a curator")
        ACCEPTED = "accepted", pgettext_lazy("suggestion status", "Accepted")
        DECLINED = "declined", pgettext_lazy("suggestion status", "Declined")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="suggestions"
    )
    suggested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="suggestions"
    )
    url = models.URLField(_("link"), max_length=2048)
    comment = models.TextField(_("comment"), blank=True)
    title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    content = models.ForeignKey(
        ContentItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title or self.url
