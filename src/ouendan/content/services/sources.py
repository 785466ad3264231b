"""Feed sources: RSS and Atom feeds whose new entries become drafts by themselves.

A feed is fetched through the SSRF guard (``content.fetching``) with a conditional GET and parsed
with feedparser, from the bytes we fetched (feedparser never fetches anything itself). Entries
are remembered by GUID (or link) per source, and a link already in the library is not imported
again. The first poll of a new source imports only its newest ``FIRST_POLL_IMPORTS`` entries and
remembers the rest, so adding a blog does not flood the library with years of posts. A failing
feed is recorded on the source (shown on its page) and polled again later with backoff; it never
stops the scheduler.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.content.fetching import Fetched, FetchError, FetchKind, guarded_fetch
from ouendan.content.models import Campaign, ContentItem, Source, SourceEntry, Topic
from ouendan.content.services.common import (
    clean_text,
    clean_url,
    row_in_org,
    rows_in_org,
    unique_slug,
    url_key,
)
from ouendan.content.services.recording import content_record_version
from ouendan.core.errors import Conflict, DomainError
from ouendan.core.text import fold

NAME_MAX = 120
POLL_MINUTES_MIN = 15
POLL_MINUTES_MAX = 24 * 60
FIRST_POLL_IMPORTS = 10
ENTRIES_PER_POLL = 50
BACKOFF_MAX = timedelta(hours=24)
SUMMARY_MAX = 1000
SOURCES_MAX = 50

Health = Source.Health


@dataclass(frozen=True)
class SourceData:
    """``None`` leaves a field unchanged on update; ``clear`` may name ``campaign``."""

    name: str | None = None
    url: str | None = None
    topic_ids: list[int] | None = None
    campaign_id: int | None = None
    promotional: bool | None = None
    active: bool | None = None
    poll_minutes: int | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PollResult:
    source_id: int
    health: str
    created: int = 0
    duplicates: int = 0
    skipped: int = 0
    error_code: str = ""
    error: str = ""


@dataclass(frozen=True)
class _Entry:
    guid: str
    url: str
    title: str
    summary: str
    published_at: datetime | None


class FeedError(DomainError):
    code = "not_feed"


def _plain(html: str) -> str:
    """Feed summaries are HTML: keep the words only, one space between them."""
    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


def _entry_time(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _entries(parsed: Any) -> list[_Entry]:
    found = []
    for entry in parsed.entries[:ENTRIES_PER_POLL]:
        url = str(entry.get("link") or "").strip()
        title = _plain(str(entry.get("title") or ""))[:300]
        if not url and not title:
            continue
        guid = str(entry.get("id") or url or "").strip()
        if not guid or len(guid) > 500:
            guid = "sha256:" + hashlib.sha256(f"{guid}{url}{title}".encode()).hexdigest()
        try:
            url = clean_url(url, required=False)
        except DomainError:
            url = ""
        summary = _plain(str(entry.get("summary") or entry.get("description") or ""))
        if len(summary) > SUMMARY_MAX:
            summary = summary[: SUMMARY_MAX - 1] + "…"
        found.append(_Entry(guid, url, title or url, summary, _entry_time(entry)))
    # Newest first, whatever order the feed lists them in; undated ones keep their place last.
    return sorted(
        found, key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True
    )


def _alternate_feed(page: Fetched) -> str | None:
    """A blog's HTML page names its feed in ``<link rel="alternate">``: use that one."""
    soup = BeautifulSoup(page.body[:500_000], "html.parser")
    for link in soup.find_all("link"):
        rel: Any = link.get("rel") or []
        kind = str(link.get("type") or "").lower()
        if "alternate" in rel and kind in {"application/rss+xml", "application/atom+xml"}:
            href = str(link.get("href") or "").strip()
            if href:
                from urllib.parse import urljoin

                return urljoin(page.url, href)
    return None


def feed_fetch(*, url: str, etag: str = "", last_modified: str = "") -> tuple[Fetched, Any | None]:
    """Fetch and parse a feed: ``(answer, parsed)``, ``parsed`` None when it was not modified.
    An HTML page that names its feed is followed to the feed once."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    fetched = guarded_fetch(url=url, kind=FetchKind.FEED, headers=headers)
    if fetched.status == 304:
        return fetched, None
    parsed = feedparser.parse(
        io.BytesIO(fetched.body),
        response_headers={
            "content-type": fetched.content_type
            + (f"; charset={fetched.charset}" if fetched.charset else ""),
            "content-location": fetched.url,
        },
    )
    if not parsed.get("version") and fetched.content_type in {"text/html", "application/xhtml+xml"}:
        alternate = _alternate_feed(fetched)
        if alternate and alternate != fetched.url:
            fetched = guarded_fetch(url=alternate, kind=FetchKind.FEED)
            parsed = feedparser.parse(
                io.BytesIO(fetched.body),
                response_headers={
                    "content-type": fetched.content_type,
                    "content-location": fetched.url,
                },
            )
    if not parsed.get("version"):
        raise FeedError(_("This address is not an RSS or Atom feed."))
    return fetched, parsed


def _clean(actor: Actor, data: SourceData) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if data.name is not None:
        found["name"] = clean_text(
            data.name, field="name", label=_("The name"), limit=NAME_MAX, required=True
        )
    if data.url is not None:
        found["url"] = clean_url(data.url)
    for name in ("promotional", "active"):
        if getattr(data, name) is not None:
            found[name] = getattr(data, name)
    if data.poll_minutes is not None:
        if not POLL_MINUTES_MIN <= data.poll_minutes <= POLL_MINUTES_MAX:
            raise DomainError(
                _("Poll a feed every %(low)d to %(high)d minutes.")
                % {"low": POLL_MINUTES_MIN, "high": POLL_MINUTES_MAX},
                fields={"poll_minutes": [_("Out of range.")]},
            )
        found["poll_minutes"] = data.poll_minutes
    if "campaign" in data.clear:
        found["campaign"] = None
    elif data.campaign_id is not None:
        found["campaign"] = row_in_org(
            Campaign, actor, data.campaign_id, field="campaign_id", what=_("That campaign")
        )
    return found


def _url_taken() -> Conflict:
    return Conflict(_("This feed is already a source."), fields={"url": [_("Already a source.")]})


def source_create(*, actor: Actor, data: SourceData) -> tuple[Source, PollResult]:
    """Add a feed: it is fetched at once (an address that is not a feed is refused), and its
    newest entries become drafts."""
    require(actor, Action.SOURCES_MANAGE)
    if data.name is None or data.url is None:
        raise DomainError(
            _("A source needs a name and a feed address."),
            fields={k: [_("Required.")] for k in ("name", "url") if getattr(data, k) is None},
        )
    fields = _clean(actor, data)
    topics = (
        rows_in_org(Topic, actor, data.topic_ids, field="topic_ids", what=_("That topic"))
        if data.topic_ids
        else []
    )
    if Source.objects.filter(organization=actor.organization, url=fields["url"]).exists():
        raise _url_taken()
    if Source.objects.filter(organization=actor.organization).count() >= SOURCES_MAX:
        raise DomainError(
            _("At most %(limit)d feed sources.") % {"limit": SOURCES_MAX}, code="too_many_sources"
        )
    fetched, parsed = feed_fetch(url=fields["url"])  # outside the transaction: it may be slow
    try:
        with transaction.atomic():
            source = Source.objects.create(
                organization=actor.organization, created_by=actor.membership, **fields
            )
            source.topics.set(topics)
            audit_record(
                actor=actor, action="source.created", target=source, data={"url": source.url}
            )
            result = _record_poll(source, fetched, parsed, now=timezone.now())
    except IntegrityError as exc:
        raise _url_taken() from exc
    return source, result


def source_update(*, actor: Actor, source_id: int, data: SourceData) -> Source:
    require(actor, Action.SOURCES_MANAGE)
    row_in_org(Source, actor, source_id, field="id", what=_("That source"))  # 404 before 400
    fields = _clean(actor, data)
    try:
        with transaction.atomic():
            source = row_in_org(Source, actor, source_id, field="id", what=_("That source"))
            changed = {k: v for k, v in fields.items() if getattr(source, k) != v}
            if "url" in changed:  # a new feed: start over with its validators
                changed.update(etag="", last_modified="", next_poll_at=None)
            if "active" in changed or "poll_minutes" in changed:
                changed["next_poll_at"] = None
            for key, value in changed.items():
                setattr(source, key, value)
            if changed:
                source.save()
            if data.topic_ids is not None:
                source.topics.set(
                    rows_in_org(
                        Topic, actor, data.topic_ids, field="topic_ids", what=_("That topic")
                    )
                )
            if changed or data.topic_ids is not None:
                audit_record(
                    actor=actor,
                    action="source.updated",
                    target=source,
                    data={
                        "fields": sorted(
                            {*changed, *(["topics"] if data.topic_ids is not None else [])}
                        )
                    },
                )
    except IntegrityError as exc:
        raise _url_taken() from exc
    return source


def source_delete(*, actor: Actor, source_id: int) -> None:
    """Remove a source; drafts it created stay in the library."""
    require(actor, Action.SOURCES_MANAGE)
    with transaction.atomic():
        source = row_in_org(Source, actor, source_id, field="id", what=_("That source"))
        audit_record(actor=actor, action="source.deleted", target=source, data={"url": source.url})
        source.delete()


def _record_failure(source: Source, error: DomainError, *, now: datetime) -> PollResult:
    failures = source.failure_count + 1
    delay = min(timedelta(minutes=source.poll_minutes) * 2 ** min(failures - 1, 8), BACKOFF_MAX)
    Source.objects.filter(pk=source.pk).update(
        health=Health.ERROR,
        last_polled_at=now,
        last_error_code=error.code[:40],
        last_error=error.message[:500],
        failure_count=failures,
        next_poll_at=now + delay,
    )
    return PollResult(source.pk, Health.ERROR, error_code=error.code, error=error.message)


def _record_poll(
    source: Source, fetched: Fetched, parsed: Any | None, *, now: datetime
) -> PollResult:
    """Inside a transaction: new entries become drafts, and the source's health is updated."""
    actor = system_actor(source.organization, label=f"feed: {source.name}"[:200])
    created = duplicates = skipped = 0
    entries = _entries(parsed) if parsed is not None else []
    seen = set(
        SourceEntry.objects.filter(source=source, guid__in=[e.guid for e in entries]).values_list(
            "guid", flat=True
        )
    )
    first_poll = source.last_success_at is None
    topics = list(source.topics.all())
    fresh = [entry for entry in entries if entry.guid not in seen]
    for index, entry in enumerate(fresh):
        existing = (
            ContentItem.objects.filter(organization=source.organization, url_key=url_key(entry.url))
            .only("pk")
            .first()
            if entry.url
            else None
        )
        if existing is not None:
            outcome, item, duplicates = SourceEntry.Outcome.DUPLICATE, existing, duplicates + 1
        elif first_poll and index >= FIRST_POLL_IMPORTS:
            outcome, item, skipped = SourceEntry.Outcome.SKIPPED, None, skipped + 1
        else:
            item = _draft_from_entry(actor, source, entry, topics, now=now)
            outcome, created = SourceEntry.Outcome.CREATED, created + 1
        SourceEntry.objects.create(
            organization=source.organization,
            source=source,
            guid=entry.guid,
            url=entry.url,
            title=entry.title,
            published_at=entry.published_at,
            outcome=outcome,
            content=item,
        )
    title = str(parsed.feed.get("title") or "")[:300] if parsed is not None else source.feed_title
    Source.objects.filter(pk=source.pk).update(
        health=Health.OK,
        last_polled_at=now,
        last_success_at=now,
        last_error_code="",
        last_error="",
        failure_count=0,
        feed_title=_plain(title)[:300],
        etag=fetched.headers.get("ETag", "")[:200],
        last_modified=fetched.headers.get("Last-Modified", "")[:100],
        next_poll_at=now + timedelta(minutes=source.poll_minutes),
    )
    if created:
        audit_record(
            actor=actor,
            action="source.polled",
            target=source,
            data={"created": created, "duplicates": duplicates, "skipped": skipped},
        )
    return PollResult(source.pk, Health.OK, created, duplicates, skipped)


def _draft_from_entry(
    actor: Actor, source: Source, entry: _Entry, topics: list[Topic], *, now: datetime
) -> ContentItem:
    item = ContentItem.objects.create(
        organization=source.organization,
        title=entry.title,
        slug=unique_slug(ContentItem, actor, entry.url.rsplit("/", 1)[-1], entry.title),
        url=entry.url,
        url_key=url_key(entry.url),
        summary=entry.summary,
        source=source,
        campaign=source.campaign,
        promotional=source.promotional,
        search_text=fold(f"{entry.title}\n{entry.summary}\n{entry.url}"),
    )
    item.topics.set(topics)
    content_record_version(actor=actor, item=item, now=now)
    audit_record(
        actor=actor,
        action="content.imported",
        target=item,
        data={"source": source.pk, "guid": entry.guid},
    )
    return item


def source_poll(*, source_id: int, now: datetime | None = None) -> PollResult:
    """Poll one feed now (the scheduler's job, or "poll now"). Never raises for a feed problem:
    the error is recorded on the source and returned."""
    now = now or timezone.now()
    source = Source.objects.select_related("organization").get(pk=source_id)
    try:
        fetched, parsed = feed_fetch(
            url=source.url, etag=source.etag, last_modified=source.last_modified
        )
    except DomainError as error:  # FetchError or FeedError
        return _record_failure(source, error, now=now)
    with transaction.atomic():
        locked = Source.objects.select_for_update().select_related("organization").get(pk=source_id)
        return _record_poll(locked, fetched, parsed, now=now)


def source_poll_now(*, actor: Actor, source_id: int) -> PollResult:
    require(actor, Action.SOURCES_MANAGE)
    source = row_in_org(Source, actor, source_id, field="id", what=_("That source"))
    return source_poll(source_id=source.pk)


def sources_poll_due(*, now: datetime) -> list[PollResult]:
    """Periodic: poll every active source whose time has come. Each source is claimed first
    (its next poll moved ahead in one UPDATE), so two workers never poll the same one."""
    results = []
    due = Source.objects.filter(active=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )
    for source_id, poll_minutes, next_poll_at in due.values_list(
        "pk", "poll_minutes", "next_poll_at"
    ).order_by("next_poll_at", "pk"):
        claimed = Source.objects.filter(pk=source_id, next_poll_at=next_poll_at).update(
            next_poll_at=now + timedelta(minutes=poll_minutes)
        )
        if claimed:
            results.append(source_poll(source_id=source_id, now=now))
    return results


__all__ = [
    "FetchError",
    "PollResult",
    "SourceData",
    "feed_fetch",
    "source_create",
    "source_delete",
    "source_poll",
    "source_poll_now",
    "source_update",
    "sources_poll_due",
]
