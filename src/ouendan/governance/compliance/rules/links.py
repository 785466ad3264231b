"""Links outside the organization's allowed domains (when it lists any), and texts too long for
the network they are meant for."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import regex
from django.utils.translation import gettext as _

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest
from ouendan.governance.compliance.rules.base import Hit
from ouendan.governance.compliance.text import ScanText
from ouendan.networks import (
    RULES,
    Problem,
    text_fitting_length,
    text_measure,
    text_surely_fits,
)

# A URL ends at a space or at punctuation that Japanese text puts right after it.
_URL = regex.compile(
    r"(?:https?://|(?<![A-Za-z0-9.\-@])www\.)[^\s<>\"'「」『』（）()\[\]、。，．！？]+",
    regex.IGNORECASE,
)


class LinkDomainRule:
    code = "link.domain_not_allowed"
    default = Severity.WARN

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        if not request.policy.allowed_domains:
            return
        for match in _URL.finditer(text.narrow):
            url = match.group().rstrip(".,;:!?")
            if url.lower().startswith("www."):
                url = "http://" + url
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                host = ""
            if host and request.policy.domain_allowed(host):
                continue
            yield Hit(
                match.start(),
                match.start() + len(match.group().rstrip(".,;:!?")),
                _(
                    "A link to %(host)s, which is not one of the company's domains: make sure "
                    "it is safe and appropriate to share as an employee."
                )
                % {"host": host or url},
            )


class LengthRule:
    code = "length.exceeded"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        network = request.network
        if network is None:
            return
        rules = RULES[network]
        if text_surely_fits(text=text.original, network=network) and rules.hashtag_limit is None:
            return
        measured = text_measure(text=text.original, network=network)
        if Problem.TOO_LONG in measured.problems and rules.limit is not None:
            yield Hit(
                text_fitting_length(text=text.original, network=network),
                len(text.original),
                _(
                    "Too long for %(network)s: %(length)d of %(limit)d. The part from here on "
                    "does not fit; shorten the text."
                )
                % {"network": rules.label, "length": measured.length, "limit": rules.limit},
            )
        if Problem.TOO_MANY_HASHTAGS in measured.problems:
            yield Hit(
                0,
                len(text.original),
                _("%(network)s takes at most %(limit)d hashtags; this text has %(count)d.")
                % {
                    "network": rules.label,
                    "limit": rules.hashtag_limit or 0,
                    "count": measured.hashtags,
                },
            )
