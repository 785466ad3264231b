"""An organization's conversion types and tracking settings (attribution window and model,
the origins the snippet may report from, the signing secret of server reports). Every change
is audited; the secret itself never is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.crypto import encrypt, new_secret
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError
from ouendan.tracking.models import BUILT_IN_TYPES, AttributionModel, ConversionType
from ouendan.tracking.models import TrackingSettings as TrackingSettingsRow
from ouendan.tracking.selectors import (
    conversion_type_find,
    conversion_types_ensure,
    tracking_settings_of,
)
from ouendan.tracking.services.conversions import VALUE_MAX
from ouendan.tracking.signing import SECRET_PREFIX

WINDOW_DAYS = (1, 365)
HALF_LIFE_DAYS = (1, 365)
ORIGINS_MAX = 20
LABEL_MAX = 80
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
POSITION_MAX = 1000


# --- Settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingRules:
    attribution_window_days: int
    default_model: str
    half_life_days: int
    allowed_origins: list[str]


def origin_normalize(value: str) -> str | None:
    """``https://Careers.Example.co.jp/`` → ``https://careers.example.co.jp``; ``None`` if the
    text is not an origin (a scheme http or https, a host, perhaps a port; no path)."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username or parts.password or parts.query or parts.fragment:
        return None
    if parts.path not in ("", "/"):
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")


def _rules_problems(rules: TrackingRules) -> tuple[dict[str, list[str]], list[str]]:
    fields: dict[str, list[str]] = {}
    low, high = WINDOW_DAYS
    if not low <= rules.attribution_window_days <= high:
        fields["attribution_window_days"] = [
            _("Enter a number of days from %(low)d to %(high)d.") % {"low": low, "high": high}
        ]
    if rules.default_model not in AttributionModel.values:
        fields["default_model"] = [_("Choose one of the attribution models.")]
    low, high = HALF_LIFE_DAYS
    if not low <= rules.half_life_days <= high:
        fields["half_life_days"] = [
            _("Enter a number of days from %(low)d to %(high)d.") % {"low": low, "high": high}
        ]
    origins: list[str] = []
    bad = []
    for value in rules.allowed_origins:
        if not value.strip():
            continue
        origin = origin_normalize(value)
        if origin is None:
            bad.append(value.strip()[:100])
        elif origin not in origins:
            origins.append(origin)
    if bad:
        fields["allowed_origins"] = [
            _("Not an origin such as https://careers.example.co.jp: %(values)s")
            % {"values": ", ".join(bad)}
        ]
    elif len(origins) > ORIGINS_MAX:
        fields["allowed_origins"] = [_("At most %(max)d origins.") % {"max": ORIGINS_MAX}]
    return fields, origins


def tracking_settings_update(*, actor: Actor, rules: TrackingRules) -> TrackingSettingsRow:
    """Change the attribution window, the default model, the half-life and the origins."""
    require(actor, Action.CONVERSIONS_MANAGE)
    fields, origins = _rules_problems(rules)
    if fields:
        raise DomainError(_("Check the highlighted settings."), fields=fields)
    with transaction.atomic():
        found = tracking_settings_of(actor.organization)
        before = {
            "attribution_window_days": found.attribution_window_days,
            "default_model": found.default_model,
            "half_life_days": found.half_life_days,
            "allowed_origins": list(found.allowed_origins),
        }
        found.attribution_window_days = rules.attribution_window_days
        found.default_model = rules.default_model
        found.half_life_days = rules.half_life_days
        found.allowed_origins = origins
        found.save()
        audit_record(
            actor=actor,
            action="tracking.settings_updated",
            target=found,
            data={
                "before": before,
                "attribution_window_days": found.attribution_window_days,
                "default_model": found.default_model,
                "half_life_days": found.half_life_days,
                "allowed_origins": origins,
            },
        )
    return found


def signing_secret_rotate(*, actor: Actor) -> tuple[TrackingSettingsRow, str]:
    """A new signing secret for server reports, replacing any previous one at once. Returns
    the settings and the secret, which is shown this once and stored encrypted."""
    require(actor, Action.CONVERSIONS_MANAGE)
    secret = SECRET_PREFIX + new_secret(32)
    with transaction.atomic():
        found = tracking_settings_of(actor.organization)
        replaced = bool(found.signing_secret)
        found.signing_secret = encrypt(secret)
        found.signing_secret_created_at = timezone.now()
        found.save(update_fields=["signing_secret", "signing_secret_created_at", "updated_at"])
        audit_record(
            actor=actor,
            action="tracking.signing_secret_rotated",
            target=found,
            data={"replaced": replaced},
        )
    return found, secret


# --- Conversion types ------------------------------------------------------------------------


def _value(value: Decimal | None, field_name: str = "default_value") -> Decimal:
    number = Decimal(0) if value is None else Decimal(str(value))
    if not number.is_finite() or number < 0 or number > VALUE_MAX:
        raise DomainError(
            _("The value must be from 0 to 999,999,999,999.99."),
            fields={field_name: [_("Out of range.")]},
        )
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(
            _("The value can have at most two decimals."),
            fields={field_name: [_("Too many decimals.")]},
        )
    return number.quantize(Decimal("0.01"))


def _label(label: str, *, required: bool) -> str:
    label = label.strip()
    if required and not label:
        raise DomainError(_("Give the type a label."), fields={"label": [_("Required.")]})
    if len(label) > LABEL_MAX:
        raise DomainError(
            _("The label can be at most %(max)d characters.") % {"max": LABEL_MAX},
            fields={"label": [_("Too long.")]},
        )
    return label


def _type_data(found: ConversionType) -> dict[str, object]:
    return {
        "key": found.key,
        "label": found.label,
        "default_value": str(found.default_value),
        "active": found.active,
        "position": found.position,
    }


def _key_taken(key: str) -> Conflict:
    return Conflict(
        _("There is already a conversion type with the key “%(key)s”.") % {"key": key},
        code="conversion_type_exists",
        fields={"key": [_("Already in use.")]},
    )


def conversion_type_create(
    *,
    actor: Actor,
    key: str,
    label: str,
    default_value: Decimal | None = None,
    active: bool = True,
) -> ConversionType:
    """A type of the program's own, after the others. ``key`` is what the site sends
    (lower-case letters, digits, ``-`` and ``_``)."""
    require(actor, Action.CONVERSIONS_MANAGE)
    key = key.strip()
    if not KEY.fullmatch(key):
        raise DomainError(
            _("The key can use lower-case letters, digits, - and _ (at most 40)."),
            fields={"key": [_("Not a valid key.")]},
        )
    label = _label(label, required=True)
    value = _value(default_value)
    conversion_types_ensure(actor.organization)
    try:
        with transaction.atomic():
            if ConversionType.objects.filter(organization=actor.organization, key=key).exists():
                raise _key_taken(key)
            last = ConversionType.objects.filter(organization=actor.organization).aggregate(
                last=Max("position")
            )["last"]
            found = ConversionType.objects.create(
                organization=actor.organization,
                key=key,
                label=label,
                default_value=value,
                active=active,
                position=min((last or 0) + 1, POSITION_MAX),
            )
            audit_record(
                actor=actor, action="conversion_type.created", target=found, data=_type_data(found)
            )
    except IntegrityError as exc:  # the same key added meanwhile
        raise _key_taken(key) from exc
    return found


def conversion_type_update(
    *,
    actor: Actor,
    conversion_type_id: int,
    label: str | None = None,
    default_value: Decimal | None = None,
    active: bool | None = None,
    position: int | None = None,
) -> ConversionType:
    """Change what is given. A built-in type's label may be replaced, and emptied to return
    to the translated one; a type in use is switched off rather than removed."""
    found = conversion_type_find(actor=actor, conversion_type_id=conversion_type_id)
    before = _type_data(found)
    if label is not None:
        found.label = _label(label, required=found.key not in BUILT_IN_TYPES)
    if default_value is not None:
        found.default_value = _value(default_value)
    if active is not None:
        found.active = active
    if position is not None:
        if not 0 <= position <= POSITION_MAX:
            raise DomainError(
                _("The position must be from 0 to %(max)d.") % {"max": POSITION_MAX},
                fields={"position": [_("Out of range.")]},
            )
        found.position = position
    after = _type_data(found)
    if after == before:
        return found
    with transaction.atomic():
        found.save()
        audit_record(
            actor=actor,
            action="conversion_type.updated",
            target=found,
            data={"before": before, **after},
        )
    return found
