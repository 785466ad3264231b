"""Background work of the content library: the scheduler's lifecycle and feed jobs, and
fetching a new item's Open Graph image. Tasks take ids and can run twice without harm."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from ouendan.content.services.images import content_image_fetch
from ouendan.content.services.items import content_lifecycle_advance
from ouendan.content.services.sources import sources_poll_due

logger = logging.getLogger(__name__)


@task()
def content_lifecycle_task() -> dict[str, int]:
    """Periodic: scheduled content goes live at ``publish_at``, live content expires at
    ``expire_at``."""
    return content_lifecycle_advance(now=timezone.now())


@task()
def sources_poll_task() -> int:
    """Periodic: poll the feeds that are due; a failing feed is recorded on its source.
    Returns how many drafts were created."""
    results = sources_poll_due(now=timezone.now())
    for result in results:
        if result.error_code:
            logger.warning(
                "feed poll failed",
                extra={"source": result.source_id, "code": result.error_code},
            )
    return sum(result.created for result in results)


@task()
def content_image_fetch_task(content_id: int, url: str) -> bool:
    """Store a new item's Open Graph image (skipped when it cannot be fetched or read)."""
    return content_image_fetch(content_id=content_id, url=url) is not None
