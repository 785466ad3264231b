"""Writes of governance: the compliance lists, and scanning a text for an actor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import DomainError
from ouendan.governance.compliance import (
    CODES,
    ScanRequest,
    ScanResult,
    Severity,
    compliance_scan,
)
from ouendan.governance.compliance.policy import domain_key, phone_key
from ouendan.governance.models import ComplianceSettings
from ouendan.governance.selectors import compliance_policy
from ouendan.networks import Network

LIST_MAX = 500
ITEM_MAX = 100
SCAN_TEXT_MAX = 10_000
LISTS = (
    "confidential_terms",
    "blocked_terms",
    "product_names",
    "disclosure_markers",
    "allowed_domains",
    "public_emails",
    "public_phones",
)


def _clean_list(name: str, values: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        value = " ".join(str(raw).split())
        if not value or value in cleaned:
            continue
        if len(value) > ITEM_MAX:
            raise DomainError(
                _("Each entry can be at most %(limit)d characters long.") % {"limit": ITEM_MAX},
                fields={name: [_("Too long: %(value)s") % {"value": value[:40]}]},
            )
        if name == "allowed_domains":
            value = domain_key(value)
            if "." not in value or " " in value or "/" in value:
                raise DomainError(
                    _("“%(value)s” is not a domain name (for example example.co.jp).")
                    % {"value": raw},
                    fields={name: [_("Not a domain name.")]},
                )
        elif name == "public_emails":
            value = value.lower()
            try:
                validate_email(value)
            except ValidationError as exc:
                raise DomainError(
                    _("“%(value)s” is not a valid e-mail address.") % {"value": raw},
                    fields={name: [_("Enter a valid e-mail address.")]},
                ) from exc
        elif name == "public_phones" and not 9 <= len(phone_key(value)) <= 13:
            raise DomainError(
                _("“%(value)s” is not a phone number.") % {"value": raw},
                fields={name: [_("Not a phone number.")]},
            )
        cleaned.append(value)
    if len(cleaned) > LIST_MAX:
        raise DomainError(
            _("At most %(limit)d entries per list.") % {"limit": LIST_MAX},
            fields={name: [_("Too many.")]},
        )
    return cleaned


def _clean_severities(values: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for code, level in values.items():
        if code not in CODES:
            raise DomainError(
                _("“%(code)s” is not a rule of the scanner.") % {"code": code},
                fields={"severities": [_("Unknown rule.")]},
            )
        try:
            cleaned[code] = Severity(level).value
        except ValueError as exc:
            raise DomainError(
                _("A severity is block, warn or info."),
                fields={"severities": [_("Unknown severity.")]},
            ) from exc
    return cleaned


def compliance_settings_update(
    *,
    actor: Actor,
    lists: Mapping[str, Sequence[str]] | None = None,
    severities: dict[str, str] | None = None,
) -> ComplianceSettings:
    """Replace the lists given (each completely) and the severity changes, if given."""
    require(actor, Action.COMPLIANCE_MANAGE)
    changes: dict[str, object] = {}
    for name, values in (lists or {}).items():
        if name not in LISTS:
            raise DomainError(_("Unknown list."), fields={name: [_("Unknown list.")]})
        changes[name] = _clean_list(name, values)
    if severities is not None:
        changes["severities"] = _clean_severities(severities)
    with transaction.atomic():
        row, _created = ComplianceSettings.objects.select_for_update().get_or_create(
            organization=actor.organization
        )
        changed = {k: v for k, v in changes.items() if getattr(row, k) != v}
        if not changed:
            return row
        for key, value in changed.items():
            setattr(row, key, value)
        row.updated_by = actor.membership
        row.save()
        audit_record(
            actor=actor,
            action="compliance.settings_updated",
            target=row,
            # How many entries, not the entries: the confidential terms are confidential.
            data={
                key: (len(value) if isinstance(value, list) else value)
                for key, value in changed.items()
            },
        )
    return row


def compliance_text_scan(
    *, actor: Actor, text: str, network: Network | None = None, promotional: bool = False
) -> ScanResult:
    """Scan a text against the actor's organization's rules (the text is not stored)."""
    require(actor, Action.COMPLIANCE_SCAN)
    if len(text) > SCAN_TEXT_MAX:
        raise DomainError(
            _("A text can be at most %(limit)d characters long.") % {"limit": SCAN_TEXT_MAX},
            fields={"text": [_("Too long.")]},
        )
    return compliance_scan(
        ScanRequest(
            text=text,
            network=network,
            promotional=promotional,
            policy=compliance_policy(actor.organization),
        )
    )
