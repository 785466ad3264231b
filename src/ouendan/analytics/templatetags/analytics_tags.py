"""Template helpers of the analytics pages: figures as people read them, in the active language
(counts with separators, money in the organization's currency, rates in per cent)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils.translation import get_language, to_locale

from ouendan.analytics import charts
from ouendan.analytics.metrics import METRICS

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


@register.simple_tag
def figure(value: Any, kind: str = "count", currency: str = "JPY") -> str:
    """One figure: ``kind`` is a metric's (count, ratio, money, percent)."""
    if value is None:
        return charts.NO_VALUE
    if kind == "money":
        return format_currency(Decimal(str(value)), currency, locale=_locale())
    if kind == "percent":  # a rate from 0 to 1
        return charts.format_number(float(value) * 100, unit="%", decimals=1)
    if kind == "ratio":
        return charts.format_number(float(value), decimals=2)
    number = float(value)
    return charts.format_number(number, decimals=0 if number.is_integer() else 2)


@register.simple_tag
def metric(figures: Any, key: str, currency: str = "JPY") -> str:
    """A metric of a row's figures (``engagement``, ``emv``…), formatted by its kind."""
    return figure(getattr(figures, key), METRICS[key].kind, currency)


@register.filter
def metric_label(key: str) -> str:
    return str(METRICS[key].label)


@register.filter
def metric_definition(key: str) -> str:
    return str(METRICS[key].definition)


@register.filter
def raw(value: Any) -> str:
    """A number for a ``data-`` attribute: unlocalized, as the API gives it."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)
