"""Checks other apps run through settings hooks, so that they need not import governance.

``content_compliance_problems`` is in ``CONTENT_SUBMIT_CHECKS``: content is scanned when it is
sent for review, and a suggested text the scanner blocks keeps it a draft, with the reasons.
Content marked promotional is not asked for a disclosure in each suggested text: sharing adds
the organization's disclosure marker to every post of it (issue "Share and track"). Content
that names a product without being marked promotional is blocked, so the curator marks it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ouendan.content.models import ContentItem
from ouendan.governance.compliance import ScanRequest, Severity, compliance_scan
from ouendan.governance.selectors import compliance_policy
from ouendan.networks import RULES, Network


def content_compliance_problems(item: ContentItem) -> dict[str, list[str]]:
    """Every blocking finding in the item's suggested texts, as problems of ``variants``."""
    policy = compliance_policy(item.organization)
    problems: list[str] = []
    for variant in item.variants.all():
        network = Network(variant.network) if variant.network else None
        result = compliance_scan(
            ScanRequest(
                text=variant.composed,
                network=None,  # lengths are checked by the content app with the link included
                promotional=item.promotional,
                policy=policy,
            )
        )
        where = str(RULES[network].label) if network else _("every network")
        problems += [
            _("A suggested text for %(network)s: %(message)s")
            % {"network": where, "message": finding.message}
            for finding in result.findings
            if finding.severity == Severity.BLOCK
            and not (item.promotional and finding.code == "disclosure.missing")
        ]
    return {"variants": problems} if problems else {}
