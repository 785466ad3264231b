"""Background work of contests: the periodic job that draws teams and closes contests."""

from __future__ import annotations

from django_tasks import task

from ouendan.engagement.services.contests import contests_advance


@task()
def contests_advance_task() -> dict[str, int]:
    """Periodic: draw the random teams of contests that started, close the contests that
    ended (winners, badges, points, announcement). Safe to run twice or at once."""
    summary = contests_advance()
    return {
        "teams_formed": summary.teams_formed,
        "closed": summary.closed,
        "winners": summary.winners,
    }
