"""Reads of governance, scoped by an explicit actor or organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.core.errors import NotFound
from ouendan.governance.compliance import Policy
from ouendan.governance.models import (
    ComplianceSettings,
    CrisisPause,
    PolicyAcknowledgment,
    PolicyVersion,
)


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


# --- The social-media policy ---------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyStatus:
    current: PolicyVersion | None
    acknowledged_at: datetime | None

    @property
    def acknowledged(self) -> bool:
        """Whether the person may share as far as the policy goes (nothing to accept: yes)."""
        return self.current is None or self.acknowledged_at is not None


def policy_status(*, actor: Actor) -> PolicyStatus:
    """The current policy and whether the actor has acknowledged it."""
    require(actor, Action.POLICY_READ)
    current = (
        PolicyVersion.objects.filter(organization=actor.organization)
        .select_related("published_by")
        .first()
    )
    acknowledged_at = None
    if current is not None and actor.membership is not None:
        acknowledged_at = (
            PolicyAcknowledgment.objects.filter(policy=current, membership=actor.membership)
            .values_list("acknowledged_at", flat=True)
            .first()
        )
    return PolicyStatus(current, acknowledged_at)


def policy_versions(*, actor: Actor) -> QuerySet[PolicyVersion]:
    require(actor, Action.POLICY_READ)
    return (
        PolicyVersion.objects.filter(organization=actor.organization)
        .select_related("published_by")
        .annotate(acknowledgment_count=Count("acknowledgments"))
    )


def policy_version_get(*, actor: Actor, number: int) -> PolicyVersion:
    version = policy_versions(actor=actor).filter(number=number).first()
    if version is None:
        raise NotFound(_("That version of the policy does not exist."))
    return version


def policy_acknowledgments(*, actor: Actor, number: int) -> QuerySet[PolicyAcknowledgment]:
    """Who acknowledged one version, newest first (for the program team and 法務)."""
    require(actor, Action.POLICY_MANAGE)
    return PolicyAcknowledgment.objects.filter(
        organization=actor.organization, policy__number=number
    ).select_related("membership__user", "membership__department", "policy")


def policy_pending_advocates(*, actor: Actor) -> int:
    """Active advocates who have not acknowledged the current version yet."""
    require(actor, Action.POLICY_MANAGE)
    current = PolicyVersion.objects.filter(organization=actor.organization).first()
    advocates = Membership.objects.filter(
        organization=actor.organization,
        status=Membership.Status.ACTIVE,
        role_grants__role=Role.ADVOCATE,
    )
    if current is None:
        return 0
    return advocates.exclude(policy_acknowledgments__policy=current).distinct().count()


# --- The crisis pause ----------------------------------------------------------------------------


def crisis_pause_active(organization_id: int) -> CrisisPause | None:
    """The organization's pause while it lasts. Every page asks (for the banner): one query on
    an index of the few pause rows, not cached, so a pause shows everywhere at once."""
    return (
        CrisisPause.objects.filter(organization_id=organization_id, ended_at__isnull=True)
        .select_related("started_by")
        .first()
    )


def crisis_pauses(*, actor: Actor) -> QuerySet[CrisisPause]:
    require(actor, Action.CRISIS_PAUSE)
    return CrisisPause.objects.filter(organization=actor.organization).select_related(
        "started_by", "ended_by"
    )


def paused_organization_ids() -> set[int]:
    """Every organization under a pause (the content lifecycle holds their scheduled items)."""
    return set(
        CrisisPause.objects.filter(ended_at__isnull=True).values_list("organization_id", flat=True)
    )
