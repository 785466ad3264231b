"""What a content item says, as a snapshot kept per version, and the difference between two.

A snapshot is plain JSON (names rather than ids, so it reads the same after a topic is renamed
or deleted). ``SHARED_KEYS`` are what advocates actually post — a change there sends approved
content back to review. Differences are computed per character, because Japanese has no spaces
to split words on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouendan.content.models import ContentItem, compose_text

# What advocates post: text, link, images (and the promotional flag that adds a disclosure).
SHARED_KEYS = ("title", "url", "summary", "promotional", "variants", "images")

LABELS: dict[str, str | Promise] = {
    "title": _("Title"),
    "url": _("Link"),
    "summary": _("Summary"),
    "advocate_note": _("Why this matters"),
    "language": _("Language"),
    "promotional": _("Promotional"),
    "featured": _("Featured"),
    "pinned": _("Pinned"),
    "topics": _("Topics"),
    "campaign": _("Campaign"),
    "audience": _("Audience"),
    "publish_at": _("Goes live at"),
    "expire_at": _("Expires at"),
    "variants": _("Suggested texts"),
    "images": _("Images"),
}
AUDIENCE_LABELS: dict[str, str | Promise] = {
    "departments": _("Departments"),
    "locations": _("Locations"),
    "languages": _("Languages"),
    "roles": _("Roles"),
}


def content_snapshot(item: ContentItem) -> dict[str, Any]:
    """The item as it is now (its related rows must be fresh: call after saving them)."""
    return {
        "title": item.title,
        "url": item.url,
        "summary": item.summary,
        "advocate_note": item.advocate_note,
        "language": item.language,
        "promotional": item.promotional,
        "featured": item.featured,
        "pinned": item.pinned,
        "topics": sorted(t.name for t in item.topics.all()),
        "campaign": item.campaign.name if item.campaign_id and item.campaign else None,
        "audience": {
            "departments": sorted(d.name for d in item.audience_departments.all()),
            "locations": sorted(loc.name for loc in item.audience_locations.all()),
            "languages": sorted(item.audience_languages),
            "roles": sorted(item.audience_roles),
        },
        "publish_at": item.publish_at.isoformat() if item.publish_at else None,
        "expire_at": item.expire_at.isoformat() if item.expire_at else None,
        "variants": [
            {"network": v.network, "text": v.text, "hashtags": list(v.hashtags)}
            for v in item.variants.all()
        ],
        "images": [
            {"name": image.file.name.rsplit("/", 1)[-1], "alt_text": image.alt_text}
            for image in item.images.all()
        ],
    }


def shared_part(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: snapshot.get(key) for key in SHARED_KEYS}


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    old: str
    new: str
    segments: tuple[Segment, ...]
    shared: bool


def _as_text(key: str, value: Any) -> str:
    """One readable text per field, one line per list entry."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "—"
    if key == "variants":
        return "\n".join(
            f"[{v['network'] or '*'}] {compose_text(v['text'], v['hashtags'])}".replace("\n", " ⏎ ")
            for v in value
        )
    if key == "images":
        return "\n".join(f"{image['name']} {image['alt_text']}".strip() for image in value)
    if key == "audience":
        return "\n".join(
            f"{AUDIENCE_LABELS.get(name, name)}: {', '.join(values)}"
            for name, values in value.items()
            if values
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _segments(old: str, new: str) -> tuple[Segment, ...]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    found: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            found.append(Segment("same", old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            found.append(Segment("removed", old[a1:a2]))
        if op in ("insert", "replace"):
            found.append(Segment("added", new[b1:b2]))
    return tuple(found)


def snapshot_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """The fields that differ between two snapshots (``old`` None: everything is new)."""
    changes = []
    for key, label in LABELS.items():
        before = _as_text(key, (old or {}).get(key))
        after = _as_text(key, new.get(key))
        if before == after:
            continue
        changes.append(
            Change(
                key=key,
                label=str(label),
                old=before,
                new=after,
                segments=_segments(before, after),
                shared=key in SHARED_KEYS,
            )
        )
    return changes
