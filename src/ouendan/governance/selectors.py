"""Reads of governance, scoped by an explicit actor or organization."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.governance.compliance import Policy
from ouendan.governance.models import ComplianceSettings


def compliance_settings_get(*, actor: Actor) -> ComplianceSettings:
    """The organization's lists (an unsaved, empty row when it has none yet)."""
    require(actor, Action.COMPLIANCE_MANAGE)
    found = ComplianceSettings.objects.filter(organization=actor.organization).first()
    return found or ComplianceSettings(organization=actor.organization)


def _own_domains() -> tuple[str, ...]:
    hosts = (urlsplit(url).hostname for url in (settings.BASE_URL, settings.LINK_BASE_URL))
    return tuple(host for host in hosts if host)


@lru_cache(maxsize=256)
def _compiled(organization_id: int, version: str) -> Policy:
    row = ComplianceSettings.objects.filter(organization_id=organization_id).first()
    if row is None:
        return Policy.build(own_domains=_own_domains())
    return Policy.build(
        confidential_terms=row.confidential_terms,
        blocked_terms=row.blocked_terms,
        product_names=row.product_names,
        disclosure_markers=row.disclosure_markers,
        allowed_domains=row.allowed_domains,
        public_emails=row.public_emails,
        public_phones=row.public_phones,
        severities=row.severities,
        own_domains=_own_domains(),
    )


def compliance_policy(organization: Organization) -> Policy:
    """The organization's compiled policy; compiled again only after its settings change."""
    stamp = (
        ComplianceSettings.objects.filter(organization=organization)
        .values_list("updated_at", flat=True)
        .first()
    )
    return _compiled(organization.pk, stamp.isoformat() if stamp else "")
