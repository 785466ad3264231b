"""Attribution: how much of a conversion each touch earns under a model.

``touch_credits`` is a pure function (times in, credits out) so that analytics, the API and the
tests run the same arithmetic; ``conversions_credited`` reads conversions with their touches
and credits them for one model. Credits of a conversion always sum to 1, and touches older
than the attribution window (counted back from the conversion) earn nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Prefetch, QuerySet

from ouendan.accounts.permissions import Action, Actor, require
from ouendan.tracking.models import AttributionModel, Conversion, ConversionTouch
from ouendan.tracking.selectors import tracking_settings_of

CENT = Decimal("0.01")


def touch_credits(
    touch_times: Sequence[datetime],
    *,
    model: str,
    occurred_at: datetime,
    window: timedelta,
    half_life: timedelta | None = None,
) -> list[float]:
    """The share of the conversion each touch earns, in the order given (oldest first; the
    converting click last).

    * ``last_touch``: everything to the last touch; ``first_touch``: to the oldest one in the
      window; ``linear``: equal shares; ``time_decay``: ``2^(-age / half_life)``, normalised,
      where age is the time from the touch to the conversion.
    * A touch more than ``window`` before ``occurred_at`` earns 0. If none is left (the window
      was shortened after the conversion was recorded), the last touch earns everything.
    """
    count = len(touch_times)
    if count == 0:
        return []
    eligible = [occurred_at - at <= window for at in touch_times]
    if not any(eligible):
        eligible[-1] = True
    indexes = [i for i, ok in enumerate(eligible) if ok]
    credits = [0.0] * count
    if model == AttributionModel.LAST_TOUCH:
        credits[indexes[-1]] = 1.0
    elif model == AttributionModel.FIRST_TOUCH:
        credits[indexes[0]] = 1.0
    elif model == AttributionModel.LINEAR:
        for i in indexes:
            credits[i] = 1.0 / len(indexes)
    elif model == AttributionModel.TIME_DECAY:
        if half_life is None or half_life <= timedelta(0):
            raise ValueError("time decay needs a positive half-life")
        weights = {
            i: math.pow(2.0, -max(occurred_at - touch_times[i], timedelta(0)) / half_life)
            for i in indexes
        }
        total = math.fsum(weights.values())
        for i, weight in weights.items():
            credits[i] = weight / total
    else:
        raise ValueError(f"unknown attribution model {model!r}")
    return credits


def split_value(value: Decimal, credits: Sequence[float]) -> list[Decimal]:
    """``value`` shared by the credits, to the yen (cent), summing exactly to ``value``: the
    rounding remainder goes to the touch with the largest credit (the last among equals)."""
    if not credits:
        return []
    shares = [(value * Decimal(repr(c))).quantize(CENT, ROUND_HALF_EVEN) for c in credits]
    largest = max(range(len(credits)), key=lambda i: (credits[i], i))
    shares[largest] += value - sum(shares, Decimal(0))
    return shares


# --- Reading conversions with their credits -------------------------------------------------------


@dataclass(frozen=True)
class CreditedTouch:
    click_id: int  # Click.pk
    link_id: int
    content_id: int
    membership_id: int
    network: str
    campaign_id: int | None
    at: datetime
    position: int
    credit: float
    value: Decimal  # the conversion's value times the credit, to the cent


@dataclass(frozen=True)
class CreditedConversion:
    conversion: Conversion
    model: str
    touches: list[CreditedTouch]


def conversions_credited(
    *,
    actor: Actor,
    conversions: QuerySet[Conversion] | Iterable[int],
    model: str | None = None,
) -> list[CreditedConversion]:
    """The actor's organization's conversions (a queryset to narrow, or ids) with each touch's
    credit under ``model`` (default: the organization's), the window and half-life being the
    organization's settings now. Three queries whatever the number of conversions."""
    require(actor, Action.ANALYTICS_VIEW)
    found = tracking_settings_of(actor.organization)
    model = model or found.default_model
    if model not in AttributionModel.values:
        raise ValueError(f"unknown attribution model {model!r}")
    window = timedelta(days=found.attribution_window_days)
    half_life = timedelta(days=found.half_life_days)
    if isinstance(conversions, QuerySet):
        rows = conversions.filter(organization=actor.organization)
    else:
        rows = Conversion.objects.filter(organization=actor.organization, pk__in=list(conversions))
    rows = rows.order_by("occurred_at", "pk").prefetch_related(
        Prefetch("touches", queryset=ConversionTouch.objects.order_by("position"))
    )
    result = []
    for conversion in rows:
        touches = list(conversion.touches.all())
        credits = touch_credits(
            [t.at for t in touches],
            model=model,
            occurred_at=conversion.occurred_at,
            window=window,
            half_life=half_life,
        )
        values = split_value(conversion.value, credits)
        result.append(
            CreditedConversion(
                conversion=conversion,
                model=model,
                touches=[
                    CreditedTouch(
                        click_id=t.click_id,
                        link_id=t.link_id,
                        content_id=t.content_id,
                        membership_id=t.membership_id,
                        network=t.network,
                        campaign_id=t.campaign_id,
                        at=t.at,
                        position=t.position,
                        credit=credit,
                        value=value,
                    )
                    for t, credit, value in zip(touches, credits, values, strict=True)
                ],
            )
        )
    return result
