"""Background work of connected accounts. Tasks take ids, can run twice or at once without
harm (the publishing claim decides who posts), and keep retrying in the post's own state
machine (``next_attempt_at``) rather than in the task queue."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ouendan.integrations.services.accounts import accounts_renew
from ouendan.integrations.services.metrics import metrics_sync
from ouendan.integrations.services.publishing import post_publish, posts_due, posts_reconcile


@task()
def post_publish_task(post_id: int) -> str:
    """Publish one post if it is due and nobody else has it."""
    return post_publish(post_id=post_id)


@task()
def posts_publish_due_task() -> int:
    """Periodic: hold or release for the crisis pause, then publish what is due."""
    due = posts_due(now=timezone.now())
    for post_id in due:
        post_publish_task.enqueue(post_id)
    return len(due)


@task()
def posts_reconcile_task() -> int:
    """Periodic: posts left mid-publish by a worker that died are checked and sent once."""
    reset = posts_reconcile(now=timezone.now())
    for post_id in reset:
        post_publish_task.enqueue(post_id)
    return len(reset)


@task()
def accounts_renew_task() -> int:
    """Periodic: renew tokens before they lapse; warn people whose connection will end."""
    return accounts_renew(now=timezone.now())


@task()
def metrics_sync_task() -> int:
    """Periodic: read likes, reposts and replies of recent posts from the networks."""
    return metrics_sync(now=timezone.now())
