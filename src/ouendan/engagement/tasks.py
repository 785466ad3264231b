"""Background work of recognition: the awarding job."""

from __future__ import annotations

from django_tasks import task

from ouendan.engagement.services.awarding import points_award


@task()
def points_award_task() -> dict[str, int]:
    """Periodic: shares, clicks, conversions and suggestions since the last run become points;
    streaks, held points that are due, and badges (safe to run twice or at once)."""
    summary = points_award()
    return {
        "shares": summary.shares,
        "clicks": summary.clicks,
        "conversions": summary.conversions,
        "suggestions": summary.suggestions,
        "streaks": summary.streaks,
        "confirmed": summary.confirmed,
        "flagged": summary.flagged,
        "badges": summary.badges,
    }
