"""How long a suggested text will be once it is shared: its words, its hashtags and, on networks
that carry the link in the post, the advocate's personal tracked link.

The tracked link is not made until someone shares (issue "Share and track"), so its length is
that of a link of the same shape: ``OUENDAN_LINK_BASE_URL`` + ``/r/`` + a code of
``TRACKED_CODE_LENGTH`` characters. X and Mastodon count any link as 23 anyway.
"""

from __future__ import annotations

from django.conf import settings

from ouendan.networks import RULES, Measurement, Network, text_measure

TRACKED_CODE_LENGTH = 10  # tracking's codes are at most this long


def tracked_link_sample() -> str:
    return f"{settings.LINK_BASE_URL}/r/{'x' * TRACKED_CODE_LENGTH}"


def share_text_measure(*, text: str, network: Network, with_link: bool) -> Measurement:
    """``text`` measured as it would be posted on ``network`` (with the link where it goes)."""
    if with_link and RULES[network].link_in_text and text.strip():
        text = f"{text} {tracked_link_sample()}"
    return text_measure(text=text, network=network)
