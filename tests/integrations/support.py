"""Plain helpers the connector tests share (the fakes: ``fakes.py``; fixtures: ``conftest.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

from ouendan.integrations.base import Card, OutgoingPost

TRACKED = "https://go.example.jp/r/Ab3dEf9h"
FIRST_TRY = datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=UTC)


def outgoing(
    text: str = f"新製品のご案内です。 {TRACKED}",
    *,
    key: str = "share-1:bluesky",
    url: str = TRACKED,
    title: str = "新製品「みらい」発売",
    description: str = "みらい製作所の新製品です。",
    image: bytes | None = None,
    created_at: datetime = FIRST_TRY,
) -> OutgoingPost:
    """A post as the sharing service hands it to a connector."""
    return OutgoingPost(
        key=key,
        text=text,
        card=Card(
            url=url,
            title=title,
            description=description,
            image=image,
            image_type="image/png" if image else "",
        ),
        created_at=created_at,
    )
