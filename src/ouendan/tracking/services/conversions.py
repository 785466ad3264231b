"""Conversions: a report from the company's site (the snippet or its server) becomes a
conversion credited to the click that brought the visitor, with the visitor's earlier clicks
as touches.

``conversion_record`` is the rule book (idempotency, the click, the type, the window).
``conversion_submit`` is what the API and the collection endpoint call: a click made in the
last few minutes may not be in the database yet (the redirect journals clicks and the worker
moves them in every minute, ``tracking.journal``), so a report naming one waits as a
``PendingConversion`` and ``conversions_pending_resolve`` (the worker, every minute, after
moving the journals in) records it once the click is there. Conversions are events, not admin
changes: they are not audited. Nothing here is on the redirect's path.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.models import ApiToken, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import DomainError, NotFound
from ouendan.tracking.models import (
    BUILT_IN_TYPES,
    Click,
    Conversion,
    ConversionTouch,
    ConversionType,
    PendingConversion,
    TrackedLink,
)
from ouendan.tracking.selectors import conversion_types_ensure, tracking_settings_of

logger = logging.getLogger("ouendan.tracking")

CLICK_ID = re.compile(r"[A-Za-z0-9_-]{16,32}")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # printable ASCII, no spaces
CURRENCY = re.compile(r"[A-Z]{3}")
VALUE_MAX = Decimal("999999999999.99")  # Decimal(14, 2)
MAX_TOUCHES = 20
# Clocks of the company's servers and ours differ a little.
CLOCK_SKEW = timedelta(minutes=5)
# A click id made this recently may not be in the database yet: the report waits for it.
PENDING_GRACE = timedelta(minutes=10)
PENDING_LIMIT = 1000  # reports waiting at once per organization
RESOLVE_BATCH = 500


class ClickUnknown(NotFound):
    code = "click_unknown"


def conversion_reporter(organization: Organization, label: str) -> Actor:
    """Who reports for the company's site (the snippet, or a signed request): no person and no
    role, only the right to record conversions (the ``conversions`` token scope)."""
    return Actor(
        organization=organization,
        roles=frozenset(),
        scopes=frozenset({ApiToken.Scope.CONVERSIONS.value}),
        label=label,
    )


def click_id_time(click_id: str) -> datetime | None:
    """When a click id was made: its first 48 bits are the time in milliseconds
    (``tracking.capture.new_click_id``). ``None`` if it is not shaped like one."""
    if not CLICK_ID.fullmatch(click_id):
        return None
    try:
        raw = base64.urlsafe_b64decode(click_id + "=" * (-len(click_id) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 6:
        return None
    return datetime.fromtimestamp(int.from_bytes(raw[:6], "big") / 1000, tz=UTC)


@dataclass(frozen=True)
class ConversionReport:
    """What the company's site says happened (already parsed from JSON; checked here)."""

    click_id: str
    type_key: str
    idempotency_key: str
    value: Decimal | None = None
    currency: str | None = None
    occurred_at: datetime | None = None
    touches: Sequence[str] = field(default_factory=tuple)
    source: str = Conversion.Source.API


@dataclass(frozen=True)
class Submitted:
    """The outcome of a report: a conversion (``created`` or found by its idempotency key), or
    a report waiting for its click."""

    conversion: Conversion | None
    created: bool
    pending: PendingConversion | None = None


# --- Checking a report ----------------------------------------------------------------------------


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(
        _("Check the conversion: %(problem)s") % {"problem": message},
        fields={field_name: [message]},
    )


def _checked_value(value: Decimal | float | int | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise _invalid("value", _("The value must be a number.")) from exc
    if not number.is_finite() or number < 0 or number > VALUE_MAX:
        raise _invalid("value", _("The value must be from 0 to 999,999,999,999.99."))
    if number != number.quantize(Decimal("0.01")):
        raise _invalid("value", _("The value can have at most two decimals."))
    return number.quantize(Decimal("0.01"))


def _check_report(report: ConversionReport, now: datetime) -> ConversionReport:
    """The report with its values normalised, or ``DomainError`` naming the field."""
    if not IDEMPOTENCY_KEY.fullmatch(report.idempotency_key or ""):
        raise _invalid(
            "idempotency_key",
            _("Send an idempotency key of 1 to 100 printable ASCII characters without spaces."),
        )
    if not isinstance(report.click_id, str) or not report.click_id:
        raise _invalid("click_id", _("Send the click id (the oud_cid parameter)."))
    if not isinstance(report.type_key, str) or not report.type_key:
        raise _invalid("type", _("Send the conversion type."))
    currency = (report.currency or "JPY").upper()
    if not CURRENCY.fullmatch(currency):
        raise _invalid("currency", _("The currency must be a three-letter code such as JPY."))
    occurred_at = report.occurred_at or now
    if timezone.is_naive(occurred_at):
        raise _invalid("occurred_at", _("Give the time with its offset, e.g. +09:00."))
    if occurred_at > now + CLOCK_SKEW:
        raise _invalid("occurred_at", _("The conversion cannot be in the future."))
    touches = [t for t in report.touches if isinstance(t, str) and CLICK_ID.fullmatch(t)]
    if len(report.touches) > MAX_TOUCHES:
        raise _invalid(
            "touches", _("Send at most %(max)d earlier click ids.") % {"max": MAX_TOUCHES}
        )
    return ConversionReport(
        click_id=report.click_id,
        type_key=report.type_key,
        idempotency_key=report.idempotency_key,
        value=_checked_value(report.value),
        currency=currency,
        occurred_at=occurred_at,
        touches=tuple(dict.fromkeys(t for t in touches if t != report.click_id)),
        source=report.source,
    )


def _active_type(organization: Organization, key: str) -> ConversionType:
    found = ConversionType.objects.filter(organization=organization, key=key).first()
    if found is None and key in BUILT_IN_TYPES:
        conversion_types_ensure(organization)
        found = ConversionType.objects.filter(organization=organization, key=key).first()
    if found is None or not found.active:
        raise DomainError(
            _("“%(type)s” is not an active conversion type of your organization.") % {"type": key},
            code="conversion_type_unknown",
            fields={"type": [_("Unknown or switched off.")]},
        )
    return found


def _existing(organization: Organization, key: str) -> Conversion | None:
    return Conversion.objects.filter(organization=organization, idempotency_key=key).first()


# --- Recording ------------------------------------------------------------------------------------


def credited_to(link: TrackedLink) -> dict[str, Any]:
    """What a conversion or a touch through ``link`` is attributed to: the link, its share's
    content, advocate and network, and the content's campaign (``link.content`` loaded)."""
    return {
        "link": link,
        "content_id": link.content_id,
        "membership_id": link.membership_id,
        "network": link.network,
        "campaign_id": link.content.campaign_id,
    }


def conversion_touches(conversion: Conversion, clicks: list[Click]) -> list[ConversionTouch]:
    """The touches of a conversion, unsaved: its clicks in time order, the converting one last
    (each with ``link.content`` loaded)."""
    return [
        ConversionTouch(
            organization_id=conversion.organization_id,
            conversion=conversion,
            click=click,
            **credited_to(click.link),
            at=click.at,
            position=position,
        )
        for position, click in enumerate(clicks)
    ]


def conversion_record(
    *,
    actor: Actor,
    click_id: str,
    type_key: str,
    value: Decimal | None,
    currency: str | None,
    idempotency_key: str,
    occurred_at: datetime | None,
    touches: Sequence[str] = (),
    source: str = Conversion.Source.API,
) -> tuple[Conversion, bool]:
    """Record a conversion credited to ``click_id``; returns it and whether it was created.

    A second report with the same idempotency key returns the first conversion, unchanged.
    Errors (``DomainError`` codes): ``invalid`` (a field), ``conversion_type_unknown``,
    ``click_unknown`` (no such click in the organization), ``click_not_human`` (a bot, a
    link preview or the sharer's own click), ``click_expired`` (older than the attribution
    window). ``touches`` are the visitor's earlier click ids: those of the organization,
    human and within the window become touches before the converting click; others are
    ignored.
    """
    require(actor, Action.CONVERSIONS_RECORD)
    organization = actor.organization
    report = _check_report(
        ConversionReport(
            click_id=click_id,
            type_key=type_key,
            idempotency_key=idempotency_key,
            value=value,
            currency=currency,
            occurred_at=occurred_at,
            touches=tuple(touches),
            source=source,
        ),
        timezone.now(),
    )
    if existing := _existing(organization, report.idempotency_key):
        return existing, False
    conversion_type = _active_type(organization, report.type_key)
    click = (
        Click.objects.select_related("link__content")
        .filter(organization=organization, click_id=report.click_id)
        .first()
    )
    if click is None:
        raise ClickUnknown(
            _("No click with this id was made on your organization's links."),
            fields={"click_id": [_("Unknown.")]},
        )
    if click.bot or click.is_self:
        raise DomainError(
            _("This click was made by a bot, a link preview or the sharer themselves."),
            code="click_not_human",
            fields={"click_id": [_("Not a visitor's click.")]},
        )
    assert report.occurred_at is not None  # set by _check_report
    if report.occurred_at < click.at - CLOCK_SKEW:
        raise _invalid("occurred_at", _("The conversion cannot come before its click."))
    occurred = max(report.occurred_at, click.at)
    window = timedelta(days=tracking_settings_of(organization).attribution_window_days)
    if occurred - click.at > window:
        raise DomainError(
            _("The click is older than the attribution window of %(days)d days.")
            % {"days": window.days},
            code="click_expired",
            fields={"click_id": [_("Too old.")]},
        )
    earlier = list(
        Click.objects.select_related("link__content")
        .filter(
            organization=organization,
            click_id__in=list(report.touches),
            bot=False,
            is_self=False,
            at__lte=click.at,
            at__gte=occurred - window,
        )
        .exclude(pk=click.pk)
        .order_by("at", "pk")
    )
    value_given = report.value if report.value is not None else conversion_type.default_value
    link = click.link
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                organization=organization,
                type=conversion_type,
                click=click,
                **credited_to(link),
                value=value_given,
                currency=report.currency or "JPY",
                idempotency_key=report.idempotency_key,
                occurred_at=occurred,
                source=report.source,
            )
            ConversionTouch.objects.bulk_create(conversion_touches(conversion, [*earlier, click]))
    except IntegrityError:
        # The same key was recorded meanwhile by a concurrent report.
        existing = _existing(organization, report.idempotency_key)
        if existing is None:
            raise
        return existing, False
    return conversion, True


def _may_wait(click_id: str, now: datetime) -> bool:
    """A click id made in the last few minutes may still be on its way to the database."""
    made = click_id_time(click_id)
    return made is not None and now - PENDING_GRACE <= made <= now + CLOCK_SKEW


def conversion_submit(*, actor: Actor, report: ConversionReport) -> Submitted:
    """``conversion_record``, except that a report naming a click made in the last few
    minutes that is not in the database yet waits for it (``pending``) instead of failing
    with ``click_unknown``. Another report with the same idempotency key while it waits finds
    the same pending report."""
    try:
        conversion, created = conversion_record(
            actor=actor,
            click_id=report.click_id,
            type_key=report.type_key,
            value=report.value,
            currency=report.currency,
            idempotency_key=report.idempotency_key,
            occurred_at=report.occurred_at,
            touches=report.touches,
            source=report.source,
        )
    except ClickUnknown:
        now = timezone.now()
        # A click already in the database belongs to another organization: it will not come.
        if (
            not _may_wait(report.click_id, now)
            or Click.objects.filter(click_id=report.click_id).exists()
        ):
            raise
        return Submitted(None, False, _pending_add(actor.organization, report, now))
    return Submitted(conversion, created)


def _pending_add(
    organization: Organization, report: ConversionReport, now: datetime
) -> PendingConversion:
    waiting = PendingConversion.objects.filter(organization=organization)
    if found := waiting.filter(idempotency_key=report.idempotency_key).first():
        return found
    if waiting.count() >= PENDING_LIMIT:
        raise DomainError(
            _("Too many conversions are waiting for their clicks. Try again in a minute."),
            code="throttled",
        )
    checked = _check_report(report, now)
    try:
        with transaction.atomic():
            return PendingConversion.objects.create(
                organization=organization,
                click_id=checked.click_id,
                touch_ids=list(checked.touches),
                type_key=checked.type_key,
                value=checked.value,
                currency=checked.currency or "",
                idempotency_key=checked.idempotency_key,
                occurred_at=checked.occurred_at or now,
                source=checked.source,
            )
    except IntegrityError:
        return waiting.get(idempotency_key=report.idempotency_key)


def conversions_pending_resolve(*, now: datetime | None = None) -> tuple[int, int]:
    """Record the waiting reports whose click has arrived; drop those that can no longer be
    recorded (still no click after the grace, or refused now). Returns (recorded, dropped).

    Run after the journals were moved into the database (``tracking.tasks``). Safe to run
    twice at once: the idempotency key decides, and a waiting report is deleted in the
    transaction that records it."""
    now = now or timezone.now()
    recorded = dropped = 0
    waiting = list(
        PendingConversion.objects.select_related("organization").order_by("received_at", "pk")[
            :RESOLVE_BATCH
        ]
    )
    for pending in waiting:
        actor = conversion_reporter(pending.organization, "conversion waiting for its click")
        try:
            with transaction.atomic():
                conversion_record(
                    actor=actor,
                    click_id=pending.click_id,
                    type_key=pending.type_key,
                    value=pending.value,
                    currency=pending.currency or None,
                    idempotency_key=pending.idempotency_key,
                    occurred_at=pending.occurred_at,
                    touches=pending.touch_ids,
                    source=pending.source,
                )
                PendingConversion.objects.filter(pk=pending.pk).delete()
            recorded += 1
        except ClickUnknown:
            if _may_wait(pending.click_id, now) and now - pending.received_at < PENDING_GRACE:
                continue
            PendingConversion.objects.filter(pk=pending.pk).delete()
            dropped += 1
            logger.info(
                "conversion dropped",
                extra={"organization": pending.organization_id, "code": ClickUnknown.code},
            )
        except DomainError as error:
            PendingConversion.objects.filter(pk=pending.pk).delete()
            dropped += 1
            logger.info(
                "conversion dropped",
                extra={"organization": pending.organization_id, "code": error.code},
            )
    return recorded, dropped
