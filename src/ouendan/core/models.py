"""The scheduler's claims: one row per (job, tick) makes each tick run once across schedulers."""

from django.db import models


class ScheduledRun(models.Model):
    job = models.CharField(max_length=80)
    tick = models.DateTimeField()
    claimed_by = models.CharField(max_length=120)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "tick"], name="scheduled_run_once_per_tick")
        ]

    def __str__(self) -> str:
        return f"{self.job}@{self.tick.isoformat()}"
