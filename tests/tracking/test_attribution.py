"""Attribution: each model's arithmetic, the window, credits summing to 1, values split to the
yen, and the selector analytics reads conversions through."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouendan.accounts.models import Membership
from ouendan.tracking.attribution import conversions_credited, split_value, touch_credits
from ouendan.tracking.models import Click, Conversion, TrackedLink
from ouendan.tracking.services.conversions import conversion_record
from ouendan.tracking.services.settings import TrackingRules, tracking_settings_update
from tests.factories import actor
from tests.tracking.conftest import click_on

CONVERTED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
WINDOW = timedelta(days=30)
MODELS = ("last_touch", "first_touch", "linear", "time_decay")


def credits(days_before: list[float], model: str, half_life_days: float = 7) -> list[float]:
    return touch_credits(
        [CONVERTED - timedelta(days=d) for d in days_before],
        model=model,
        occurred_at=CONVERTED,
        window=WINDOW,
        half_life=timedelta(days=half_life_days),
    )


def test_last_touch_gives_everything_to_the_converting_click():
    assert credits([10, 5, 1], "last_touch") == [0, 0, 1]


def test_first_touch_gives_everything_to_the_oldest_touch_in_the_window():
    assert credits([10, 5, 1], "first_touch") == [1, 0, 0]
    assert credits([40, 5, 1], "first_touch") == [0, 1, 0]


def test_linear_shares_equally_among_the_touches_in_the_window():
    assert credits([10, 5, 1], "linear") == pytest.approx([1 / 3] * 3)
    assert credits([31, 5, 1], "linear") == pytest.approx([0, 0.5, 0.5])


def test_time_decay_halves_a_touch_per_half_life_of_age():
    # Ages 14, 7 and 0 days with a 7-day half-life weigh 1/4, 1/2 and 1: 1/7, 2/7, 4/7.
    assert credits([14, 7, 0], "time_decay") == pytest.approx([1 / 7, 2 / 7, 4 / 7])
    # Equal ages share equally; a longer half-life flattens the curve.
    assert credits([3, 3], "time_decay") == pytest.approx([0.5, 0.5])
    flat = credits([14, 0], "time_decay", half_life_days=365)
    assert 0.49 < flat[0] < 0.5 < flat[1] < 0.51
    assert credits([35, 7, 0], "time_decay")[0] == 0  # outside the window


def test_a_touch_at_the_very_edge_of_the_window_still_counts():
    assert credits([30, 0], "linear") == pytest.approx([0.5, 0.5])
    assert credits([30.001, 0], "linear") == pytest.approx([0, 1])


def test_when_the_window_shrank_below_every_touch_the_last_one_keeps_the_credit():
    for model in MODELS:
        assert credits([50, 40], model) == [0, 1], model


def test_credits_always_sum_to_one():
    rng = random.Random(7)
    for _ in range(300):
        ages = sorted((rng.uniform(0, 45) for _ in range(rng.randint(1, 20))), reverse=True)
        for model in MODELS:
            found = credits(ages, model, half_life_days=rng.uniform(0.5, 60))
            assert math.isclose(math.fsum(found), 1.0, rel_tol=1e-12), (model, ages)
            assert all(c >= 0 for c in found)


def test_no_touches_no_credits_and_unknown_models_are_refused():
    assert credits([], "linear") == []
    with pytest.raises(ValueError):
        credits([1], "u_shaped")
    with pytest.raises(ValueError):
        credits([1], "time_decay", half_life_days=0)


def test_values_are_split_to_the_yen_and_sum_exactly():
    assert split_value(Decimal("100.00"), [1 / 3] * 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert split_value(Decimal("5000"), [0, 0, 1]) == [Decimal(0), Decimal(0), Decimal("5000")]
    rng = random.Random(3)
    for _ in range(200):
        value = Decimal(rng.randint(0, 10**8)) / 100
        weights = [rng.random() for _ in range(rng.randint(1, 12))]
        shares = split_value(value, [w / sum(weights) for w in weights])
        assert sum(shares) == value


# --- The selector analytics calls ---------------------------------------------------------------


def _conversions(
    admin: Membership, link: TrackedLink, count: int, start: int = 0
) -> list[Conversion]:
    site = actor(admin)
    made = []
    for n in range(start, start + count):
        first = click_on(link, address=f"198.51.100.{100 + n}")
        last = click_on(link, address=f"198.51.100.{150 + n}")
        Click.objects.filter(click_id=first).update(at=Click.objects.get(click_id=first).at - DAY)
        conversion, _created = conversion_record(
            actor=site,
            click_id=last,
            type_key="application",
            value=Decimal(3000),
            currency=None,
            idempotency_key=f"app-{link.pk}-{n}",
            occurred_at=None,
            touches=[first],
        )
        made.append(conversion)
    return made


@pytest.mark.django_db
def test_the_selector_credits_each_touch_under_a_model(admin: Membership, link: TrackedLink):
    (conversion,) = _conversions(admin, link, 1)
    (credited,) = conversions_credited(actor=actor(admin), conversions=[conversion.pk])
    assert credited.model == "last_touch"  # the organization's default
    assert [t.credit for t in credited.touches] == [0, 1]
    assert [t.position for t in credited.touches] == [0, 1]
    assert credited.touches[1].membership_id == link.membership_id
    (linear,) = conversions_credited(
        actor=actor(admin), conversions=Conversion.objects.all(), model="linear"
    )
    assert [t.value for t in linear.touches] == [Decimal("1500.00"), Decimal("1500.00")]


@pytest.mark.django_db
def test_the_selector_follows_the_organizations_model(admin: Membership, link: TrackedLink):
    _conversions(admin, link, 1)
    tracking_settings_update(
        actor=actor(admin),
        rules=TrackingRules(
            attribution_window_days=30,
            default_model="time_decay",
            half_life_days=1,
            allowed_origins=[],
        ),
    )
    (credited,) = conversions_credited(actor=actor(admin), conversions=Conversion.objects.all())
    assert credited.model == "time_decay"
    older, newer = (t.credit for t in credited.touches)
    assert older == pytest.approx(1 / 3, rel=1e-3) and newer == pytest.approx(2 / 3, rel=1e-3)


@pytest.mark.django_db
def test_the_selector_costs_the_same_for_few_and_many(admin: Membership, link: TrackedLink):
    _conversions(admin, link, 2)
    with CaptureQueriesContext(connection) as few:
        conversions_credited(actor=actor(admin), conversions=Conversion.objects.all())
    _conversions(admin, link, 8, start=2)
    with CaptureQueriesContext(connection) as many:
        result = conversions_credited(actor=actor(admin), conversions=Conversion.objects.all())
    assert len(result) == 10 and len(few) == len(many)


@pytest.mark.django_db
def test_the_selector_is_scoped_and_guarded(
    admin: Membership, link: TrackedLink, other_admin: Membership, advocate: Membership
):
    conversions = _conversions(admin, link, 1)
    ids = [c.pk for c in conversions]
    assert conversions_credited(actor=actor(other_admin), conversions=ids) == []
    assert (
        conversions_credited(actor=actor(other_admin), conversions=Conversion.objects.all()) == []
    )
    with pytest.raises(PermissionDenied):
        conversions_credited(actor=actor(advocate), conversions=ids)
    with pytest.raises(ValueError):
        conversions_credited(actor=actor(admin), conversions=ids, model="u_shaped")
