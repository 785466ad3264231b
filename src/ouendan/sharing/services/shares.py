"""Sharing: an employee hands an approved item to a network, in their own words, with a
personal tracked link.

``share_create`` is the one way a share comes to be. In order: the person may share and the
item is live and meant for them; sharing is not paused; they have acknowledged the current
policy; the text (the suggested variant, or their edit) gets the disclosure marker when it
must carry one and the tracked link; the compliance scanner reads the final text — ``block``
stops here with the explanation and nothing is stored; otherwise the share, its link and the
network's composer address are created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import ContentItem, Variant
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.compliance import (
    Finding,
    ScanRequest,
    ScanResult,
    Verdict,
    compliance_scan,
    disclosure_needed,
)
from ouendan.governance.selectors import compliance_policy, crisis_pause_active, policy_status
from ouendan.networks import Network
from ouendan.sharing.intents import Post, mastodon_instance_clean, post_build
from ouendan.sharing.models import Share, SharingProfile
from ouendan.sharing.selectors import (
    audience_followers,
    feed_item_check,
    feed_item_get,
    share_get,
)
from ouendan.tracking.links import CODE_LENGTH, tracked_url
from ouendan.tracking.services import Sharer, tracked_destination, tracked_link_create

TEXT_MAX = 5000
ROTATION_WINDOW = timedelta(days=7)


class ComplianceBlocked(DomainError):
    """The text may not leave the company as it is; ``findings`` say why and where."""

    code = "compliance_blocked"

    def __init__(self, result: ScanResult) -> None:
        blocking = [f for f in result.findings if f.severity == "block"]
        super().__init__(
            " ".join(f.message for f in blocking[:3]),
            fields={"text": [f.message for f in blocking]},
            extra={"verdict": "block", "findings": [_finding_json(f) for f in result.findings]},
        )
        self.result = result


def variant_suggest(*, item: ContentItem, network: Network, membership_id: int) -> Variant | None:
    """The suggested text colleagues are least likely to be posting right now: among the
    variants for this network (or, when there are none, for any network), the one shared least
    in the last week, preferring one this person has not used, then the curator's order."""
    variants = list(item.variants.all())
    candidates = [v for v in variants if v.network == network] or [
        v for v in variants if not v.network
    ]
    if not candidates:
        return None
    ids = [v.pk for v in candidates]
    recent = dict(
        Share.objects.filter(
            content=item, variant_id__in=ids, created_at__gte=timezone.now() - ROTATION_WINDOW
        )
        .values_list("variant_id")
        .annotate(n=Count("pk"))
    )
    used = set(
        Share.objects.filter(
            content=item, membership_id=membership_id, variant_id__in=ids
        ).values_list("variant_id", flat=True)
    )
    return min(candidates, key=lambda v: (recent.get(v.pk, 0), v.pk in used, v.position, v.pk))


def _suggested_body(item: ContentItem, variant: Variant | None) -> str:
    return variant.composed if variant is not None else item.title


def with_disclosure(body: str, *, item: ContentItem, network: Network) -> tuple[str, str]:
    """``(body, marker)``: the body with the organization's disclosure marker added when the
    post must carry one (promotional content, or a product named) and does not; ``marker`` is
    what was added (``""`` when nothing was)."""
    policy = compliance_policy(item.organization)
    request = ScanRequest(text=body, network=network, promotional=item.promotional, policy=policy)
    if not disclosure_needed(request):
        return body, ""
    marker = policy.disclosure_marker
    separator = "" if not body or body.endswith(("\n", " ")) else " "
    return f"{body}{separator}{marker}", marker


@dataclass(frozen=True)
class ShareDraft:
    """What the share page shows before anything is stored: the text to start from."""

    variant: Variant | None
    body: str
    disclosure_marker: str  # added by us, and added again if removed


def share_draft(*, actor: Actor, content_id: int, network: Network) -> ShareDraft:
    require(actor, Action.SHARES_CREATE)
    item = feed_item_get(actor=actor, content_id=content_id)
    assert actor.membership is not None
    variant = variant_suggest(item=item, network=network, membership_id=actor.membership.pk)
    body, added = with_disclosure(_suggested_body(item, variant), item=item, network=network)
    if item.promotional and not added:
        added = compliance_policy(item.organization).disclosure_marker
    return ShareDraft(variant, body, added)


def scan_share_text(*, item: ContentItem, network: Network, text: str) -> ScanResult:
    return compliance_scan(
        ScanRequest(
            text=text,
            network=network,
            promotional=item.promotional,
            policy=compliance_policy(item.organization),
        )
    )


def sharing_blocker(actor: Actor) -> DomainError | None:
    """Why the actor cannot share anything right now, if they cannot."""
    if crisis_pause_active(actor.organization.pk) is not None:
        return Conflict(
            _("Sharing is paused for the whole organization. Please wait until it resumes."),
            code="paused",
        )
    if not policy_status(actor=actor).acknowledged:
        return Conflict(
            _("Read and acknowledge the social-media policy before you share."),
            code="policy_not_acknowledged",
        )
    return None


def _mastodon_instance(actor: Actor, given: str) -> str:
    if given.strip():
        instance = mastodon_instance_clean(given)
        if not instance:
            raise DomainError(
                _("Enter your Mastodon server, e.g. mastodon.social."),
                code="invalid_instance",
                fields={"instance": [_("Not a server name.")]},
            )
        return instance
    remembered = (
        SharingProfile.objects.filter(membership=actor.membership)
        .values_list("mastodon_instance", flat=True)
        .first()
    )
    if not remembered:
        raise DomainError(
            _("Which Mastodon server do you post on? Enter it once; it is remembered."),
            code="instance_required",
            fields={"instance": [_("Required for Mastodon.")]},
        )
    return remembered


@dataclass(frozen=True)
class ShareResult:
    share: Share
    tracked_url: str
    scan: ScanResult

    @property
    def verdict(self) -> Verdict:
        return self.scan.verdict

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.scan.findings


def _reusable(actor: Actor, item: ContentItem, network: Network) -> Share | None:
    """The same item to the same network, handed over but not posted yet (tapped twice)."""
    return (
        Share.objects.select_for_update(of=("self",))
        .filter(
            membership=actor.membership,
            content=item,
            network=network,
            method=Share.Method.INTENT,
            confirmed_at__isnull=True,
            link__first_click_at__isnull=True,
        )
        .select_related("link")
        .first()
    )


def share_create(
    *,
    actor: Actor,
    content_id: int,
    network: Network,
    text: str | None = None,
    instance: str = "",
    sharer: Sharer | None = None,
    direct: bool = False,
) -> ShareResult:
    """Share an item of the actor's feed on ``network``; ``text`` is their edit of the
    suggestion (``None``: the suggested variant as it is). ``direct``: Ouendan posts it through
    a connected account (integrations), so there is no composer to open and no reuse."""
    require(actor, Action.SHARES_CREATE)
    feed_item_check(actor=actor, content_id=content_id)
    item = (
        ContentItem.objects.select_related("organization", "campaign")
        .prefetch_related("variants")
        .get(pk=content_id)
    )
    membership = actor.membership
    assert membership is not None
    blocker = sharing_blocker(actor)
    if blocker is not None:
        raise blocker
    if text is not None and len(text) > TEXT_MAX:
        raise DomainError(
            _("A text can be at most %(limit)d characters long.") % {"limit": TEXT_MAX},
            fields={"text": [_("Too long.")]},
        )
    mastodon = (
        _mastodon_instance(actor, instance) if network == Network.MASTODON and not direct else ""
    )
    variant = variant_suggest(item=item, network=network, membership_id=membership.pk)
    suggested = _suggested_body(item, variant)
    body = suggested if text is None else text.strip()
    if not body and network == Network.INSTAGRAM:
        raise DomainError(_("Write something to post."), fields={"text": [_("Empty.")]})
    body, _added = with_disclosure(body, item=item, network=network)
    with transaction.atomic():
        share = None if direct else _reusable(actor, item, network)
        link = getattr(share, "link", None) if share is not None else None
        # The code is known only once the link exists; its length is fixed, so the scan of the
        # final text can use the real URL of a reused share or one of the same shape.
        url = tracked_url(link.code) if link is not None else None
        post = _post(network, body, url, mastodon)
        scan = scan_share_text(item=item, network=network, text=post.text)
        if scan.verdict == Verdict.BLOCK:
            raise ComplianceBlocked(scan)
        findings = [_finding_json(f) for f in scan.findings]
        # Potential reach: the follower count known for the sharer on this network now.
        reach = audience_followers(membership_id=membership.pk, network=network)
        if share is None:
            share = Share.objects.create(
                organization=actor.organization,
                content=item,
                membership=membership,
                network=network,
                method=Share.Method.DIRECT if direct else Share.Method.INTENT,
                variant=variant,
                text=post.text,
                edited=body != suggested,
                mastodon_instance=mastodon,
                verdict=scan.verdict,
                findings=findings,
                reach=reach,
            )
            destination = tracked_destination(
                item.url or "",
                network=network,
                campaign=item.campaign.slug if item.campaign else item.slug,
                share_id=share.pk,
            )
            link = tracked_link_create(share=share, destination=destination, sharer=sharer)
            post = _post(network, body, tracked_url(link.code), mastodon)
        share.text, share.intent_url = post.text, "" if direct else post.intent_url
        share.variant, share.edited = variant, body != suggested
        share.verdict, share.findings, share.mastodon_instance = scan.verdict, findings, mastodon
        share.reach = reach
        share.save()
        if mastodon:
            SharingProfile.objects.update_or_create(
                membership=membership,
                defaults={"organization": actor.organization, "mastodon_instance": mastodon},
            )
        audit_record(
            actor=actor,
            action="share.created",
            target=share,
            data={
                "content": item.pk,
                "network": network,
                "verdict": scan.verdict,
                "method": share.method,
            },
        )
    assert link is not None
    return ShareResult(share, tracked_url(link.code), scan)


def _post(network: Network, body: str, url: str | None, mastodon: str) -> Post:
    # Before the link exists: a placeholder URL of the real one's length (scanned and measured
    # the same; X and Mastodon count any URL as 23 anyway).
    return post_build(
        network=network,
        body=body,
        url=url or tracked_url("x" * CODE_LENGTH),
        mastodon_instance=mastodon,
    )


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "start": finding.start,
        "end": finding.end,
        "message": finding.message,
        "excerpt": finding.excerpt,
    }


def share_confirm(*, actor: Actor, share_id: int, now: datetime | None = None) -> Share:
    """The employee says they posted it (twice is harmless)."""
    require(actor, Action.SHARES_CREATE)
    share = share_get(actor=actor, share_id=share_id)
    if share.confirmed_at is None:
        share.confirmed_at = now or timezone.now()
        share.save(update_fields=["confirmed_at", "updated_at"])
        audit_record(actor=actor, action="share.confirmed", target=share)
    return share


def share_discard(*, actor: Actor, share_id: int) -> None:
    """Remove a direct share that never went out (its scheduled post was cancelled): its link
    was never public, so nothing counts on it."""
    share = Share.objects.filter(
        organization=actor.organization,
        pk=share_id,
        method=Share.Method.DIRECT,
        confirmed_at__isnull=True,
    ).first()
    if share is None:
        return
    audit_record(
        actor=actor, action="share.discarded", target=share, data={"network": share.network}
    )
    share.delete()


def share_mark_posted(*, share_id: int, at: datetime) -> None:
    """A direct share went out (its connected account's post was published)."""
    Share.objects.filter(pk=share_id, confirmed_at__isnull=True).update(confirmed_at=at)
