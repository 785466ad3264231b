"""From a code to what the redirect needs, cached in the process.

A tracked link never changes where it points (``TrackedLink.destination`` is fixed at share
time), so a looked-up link can be kept; the card's title and image are refreshed after a few
minutes. Unknown codes are remembered briefly too, so guessing codes costs us no queries.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage

from ouendan.content.models import ContentImage
from ouendan.tracking.models import TrackedLink

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # no 0/O, 1/l/I
CODE_LENGTH = 8  # 57^8 ≈ 1.1e14 codes; at most content.composing.TRACKED_CODE_LENGTH


@dataclass(frozen=True)
class LinkRecord:
    link_id: int
    organization_id: int
    code: str
    destination: str
    network: str
    sharer_user_id: int
    sharer_visitor_hash: str
    title: str
    description: str
    image_url: str
    site_name: str
    language: str
    # ``destination`` cut where ``oud_cid=<click id>`` goes: before the fragment, if any.
    location_head: str
    location_tail: str

    @property
    def tracked_url(self) -> str:
        return tracked_url(self.code)


def tracked_url(code: str) -> str:
    return f"{settings.LINK_BASE_URL}/r/{code}"


_CODE = re.compile(f"[{re.escape(CODE_ALPHABET)}]{{1,16}}")


def code_valid(code: str) -> bool:
    return _CODE.fullmatch(code) is not None


def _absolute(url: str) -> str:
    if urlsplit(url).scheme:
        return url
    return f"{settings.BASE_URL}{url}"


def link_record_load(code: str) -> LinkRecord | None:
    """Two indexed queries: the link with its content, and the content's first image."""
    row = (
        TrackedLink.objects.filter(code=code)
        .values(
            "id",
            "organization_id",
            "destination",
            "network",
            "sharer_visitor_hash",
            "membership__user_id",
            "content_id",
            "content__title",
            "content__summary",
            "content__site_name",
            "content__language",
        )
        .first()
    )
    if row is None:
        return None
    image = (
        ContentImage.objects.filter(content_id=row["content_id"])
        .values_list("file", "source_url")
        .first()
    )
    image_url = ""
    if image is not None:
        image_url = _absolute(default_storage.url(image[0])) if image[0] else image[1]
    return LinkRecord(
        link_id=row["id"],
        organization_id=row["organization_id"],
        code=code,
        destination=row["destination"],
        network=row["network"],
        sharer_user_id=row["membership__user_id"],
        sharer_visitor_hash=row["sharer_visitor_hash"],
        title=row["content__title"],
        description=row["content__summary"][:300],
        image_url=image_url,
        site_name=row["content__site_name"],
        language=row["content__language"],
        **_location_parts(row["destination"]),
    )


def _location_parts(destination: str) -> dict[str, str]:
    head, hash_, fragment = destination.partition("#")
    separator = "&" if urlsplit(head).query else ("" if head.endswith("?") else "?")
    return {
        "location_head": f"{head}{separator}oud_cid=",
        "location_tail": f"#{fragment}" if hash_ else "",
    }


class LinkCache:
    """A bounded, time-limited map of code → record (``None``: no such code)."""

    def __init__(self, *, size: int = 50_000, ttl: float = 300.0, miss_ttl: float = 30.0):
        self._entries: OrderedDict[str, tuple[float, LinkRecord | None]] = OrderedDict()
        self.size, self.ttl, self.miss_ttl = size, ttl, miss_ttl

    def get(self, code: str) -> tuple[bool, LinkRecord | None]:
        """``(found, record)``: found is False when the code must be looked up."""
        entry = self._entries.get(code)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        self._entries.move_to_end(code)
        return True, entry[1]

    def put(self, code: str, record: LinkRecord | None) -> None:
        ttl = self.ttl if record is not None else self.miss_ttl
        self._entries[code] = (time.monotonic() + ttl, record)
        self._entries.move_to_end(code)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
