"""How a post reaches each network's own composer, with no account connected.

Per PRODUCT.md's network table: X, Threads and LINE take the text and the URL separately (the
network adds the URL after the text); LinkedIn's feed composer, Bluesky and Mastodon take one
text with the link in it; Facebook's sharer takes only the URL (pre-filled text is not allowed,
the employee pastes theirs); Instagram has no web composer: the text is copied and the app
opened. Mastodon is the employee's own server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from ouendan.networks import RULES, Network

# A host name as DNS allows it (labels of letters, digits and hyphens), with an optional port.
_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?$"
)
# Networks whose composer takes the URL apart from the text and puts it after a space.
_URL_APART = frozenset({Network.X, Network.THREADS, Network.LINE})


@dataclass(frozen=True)
class Post:
    text: str  # what the post will say, link included where the network shows it in the text
    intent_url: str  # where the share button goes
    copy_first: bool  # the employee pastes the text themselves (Facebook, Instagram)


def mastodon_instance_clean(value: str) -> str:
    """``mastodon.social`` from ``mastodon.social``, ``https://mastodon.social/@me`` or
    ``@me@mastodon.social``; ``""`` when it is not a host name."""
    value = value.strip().lower()
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[-1]
    if "://" in value:
        value = urlsplit(value).netloc
    value = value.strip("/")
    return value if _HOST.match(value) else ""


def post_text(body: str, url: str, network: Network) -> str:
    if not RULES[network].link_in_text or url in body:
        return body
    if network in _URL_APART:
        return f"{body} {url}" if body else url
    return f"{body}\n{url}" if body else url


def post_build(*, network: Network, body: str, url: str, mastodon_instance: str = "") -> Post:
    """The post and the share button's address for ``network``."""
    text = post_text(body, url, network)
    if network in _URL_APART:
        base = {
            Network.X: "https://x.com/intent/tweet",
            Network.THREADS: "https://www.threads.com/intent/post",
            Network.LINE: "https://social-plugins.line.me/lineit/share",
        }[network]
        apart = body if url not in body else body.replace(url, "").strip()
        return Post(
            text, f"{base}?{urlencode({'text': apart, 'url': url}, quote_via=quote)}", False
        )
    if network == Network.LINKEDIN:
        query = urlencode({"shareActive": "true", "text": text}, quote_via=quote)
        return Post(text, f"https://www.linkedin.com/feed/?{query}", False)
    if network == Network.BLUESKY:
        query = urlencode({"text": text}, quote_via=quote)
        return Post(text, f"https://bsky.app/intent/compose?{query}", False)
    if network == Network.MASTODON:
        query = urlencode({"text": text}, quote_via=quote)
        return Post(text, f"https://{mastodon_instance}/share?{query}", False)
    if network == Network.FACEBOOK:
        query = urlencode({"u": url}, quote_via=quote)
        return Post(text, f"https://www.facebook.com/sharer/sharer.php?{query}", True)
    return Post(text, "https://www.instagram.com/", True)  # Instagram: copy, then the app
