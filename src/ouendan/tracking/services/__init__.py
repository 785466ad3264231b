"""Writes of tracking: links and click counters (``links``), conversions (``conversions``), and
the organization's conversion types and settings (``settings``).

The names other apps import from ``ouendan.tracking.services`` are re-exported here.
"""

from ouendan.tracking.services.links import (
    AGGREGATE_BATCH,
    UTM_MEDIUM,
    Sharer,
    clicks_aggregate,
    tracked_destination,
    tracked_link_create,
)

__all__ = [
    "AGGREGATE_BATCH",
    "UTM_MEDIUM",
    "Sharer",
    "clicks_aggregate",
    "tracked_destination",
    "tracked_link_create",
]
