"""Background work of governance: the scheduler's review reminders. Tasks can run twice
without harm."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ouendan.governance.services.reviews import review_reminders_send


@task()
def review_reminders_task() -> int:
    """Periodic: remind the reviewers of stages waiting longer than their SLA; returns how many
    reviews were reminded."""
    return review_reminders_send(now=timezone.now())
