"""The metrics, each with the one-line definition shown next to it (PRODUCT.md's definitions),
and the earned-media rates used when the program has not set its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouendan.networks import Network


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    definition: Promise
    kind: str  # "count", "percent", "money"


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "shares",
            _("Shares"),
            _("Times an advocate shared a content item to a network."),
            "count",
        ),
        Metric(
            "clicks",
            _("Clicks"),
            _(
                "Human visits through the tracked links: crawlers, previews, prefetches "
                "and the sharer's own clicks left out."
            ),
            "count",
        ),
        Metric(
            "unique_clicks",
            _("Unique clicks"),
            _("The first human click of each visitor on each link each day."),
            "count",
        ),
        Metric("ctr", _("Clicks per share"), _("Human clicks divided by shares."), "ratio"),
        Metric(
            "conversions",
            _("Conversions"),
            _(
                "Applications, leads and other results reported by the company's sites, "
                "credited to the last click (last touch)."
            ),
            "count",
        ),
        Metric(
            "conversion_value",
            _("Conversion value"),
            _("The value reported with each conversion, added up."),
            "money",
        ),
        Metric(
            "potential_reach",
            _("Potential reach"),
            _(
                "Followers of the advocates who shared, each advocate counted once per "
                "network in the period."
            ),
            "count",
        ),
        Metric(
            "engagement",
            _("Engagement"),
            _(
                "Likes, reposts and comments on the shares, as synced from connected "
                "accounts or entered by the advocate."
            ),
            "count",
        ),
        Metric(
            "emv",
            _("Earned media value"),
            _(
                "What the same results would have cost in advertising: impressions ÷ "
                "1,000 × CPM + CPC × (clicks + reaction weight × reactions), per network."
            ),
            "money",
        ),
        Metric(
            "participation_rate",
            _("Participation rate"),
            _(
                "Advocates with at least one share in the period ÷ enrolled advocates. "
                "Healthy programs reach at least 30 %."
            ),
            "percent",
        ),
        Metric(
            "active_advocates",
            _("Active advocates"),
            _("Advocates with at least one share in the period."),
            "count",
        ),
        Metric(
            "enrolled_advocates",
            _("Enrolled advocates"),
            _("People in the organization with the advocate role today."),
            "count",
        ),
    )
}

# Metrics a KPI goal can aim at (figures that can be compared between two periods).
GOAL_METRICS = (
    "shares",
    "clicks",
    "unique_clicks",
    "conversions",
    "conversion_value",
    "potential_reach",
    "engagement",
    "emv",
    "participation_rate",
    "active_advocates",
)


@dataclass(frozen=True)
class Rate:
    cpm: Decimal
    cpc: Decimal
    reaction_weight: Decimal


# Yen, as a starting point the program manager replaces with its own agency's figures: typical
# Japanese self-serve advertising prices (2025–2026) for a B2B / recruiting audience.
DEFAULT_RATES: dict[str, Rate] = {
    Network.X: Rate(Decimal(500), Decimal(60), Decimal("0.5")),
    Network.LINKEDIN: Rate(Decimal(3000), Decimal(700), Decimal("0.5")),
    Network.FACEBOOK: Rate(Decimal(700), Decimal(100), Decimal("0.5")),
    Network.INSTAGRAM: Rate(Decimal(800), Decimal(120), Decimal("0.3")),
    Network.THREADS: Rate(Decimal(500), Decimal(60), Decimal("0.3")),
    Network.BLUESKY: Rate(Decimal(500), Decimal(60), Decimal("0.5")),
    Network.MASTODON: Rate(Decimal(500), Decimal(60), Decimal("0.5")),
    Network.LINE: Rate(Decimal(600), Decimal(80), Decimal("0.3")),
}
