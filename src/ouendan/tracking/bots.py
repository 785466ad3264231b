"""Who is a human: crawlers, link-preview fetchers, HEAD and prefetch requests are not clicks.

Crawlers come from two maintained lists: ``crawlerdetect`` (a port of JayBizzle's
CrawlerDetect) and ``crawler-user-agents`` (monperrus' list, 1,500 patterns with real examples);
each catches bots the other misses (crawlerdetect alone misses 296 of the second list's 2,123
examples, together none). Link-preview fetchers — the ones that draw the card under a post —
are named here as well, because they get a page with the content's Open Graph tags instead of
a redirect (and because a few, such as Bluesky's card fetcher, are not in the list).
Answers are cached per user agent: the same few thousand agents come back all day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import crawleruseragents
from crawlerdetect import CrawlerDetect

from ouendan.tracking.models import Click

_DETECTOR = CrawlerDetect()

# Link-preview fetchers, by a token in their user agent. Not the networks' in-app browsers
# ("Line/13.20", "FBAN/FBIOS", "Teams/1.6" are people reading in an app).
_PREVIEW = re.compile(
    r"twitterbot|linkedinbot|facebookexternalhit|facebot|meta-externalagent|facebookcatalog"
    r"|slackbot|slack-imgproxy|discordbot|skypeuripreview|microsoftpreview|teamsbot"
    r"|line-poker|linespider|telegrambot|whatsapp/|cardyb|bskybot|mastodon/|misskey/"
    r"|pleroma|akkoma|iframely|embedly|redditbot|pinterestbot|vkshare|kakaotalk-scrap"
    r"|snap url preview|google-pagerenderer",
    re.IGNORECASE,
)
# Automation that identifies itself but is not in every list.
_HEADLESS = re.compile(r"headlesschrome|phantomjs|puppeteer|playwright|selenium", re.IGNORECASE)
_PREFETCH = frozenset({"prefetch", "preview"})
AGENT_MAX = 512  # longer user agents are cut before they are looked at


@dataclass(frozen=True)
class Verdict:
    bot: bool
    reason: str  # a Click.Reason value, "" for a human
    preview: bool = False  # answer with the Open Graph page instead of a redirect


HUMAN = Verdict(False, "")


@lru_cache(maxsize=20_000)
def agent_verdict(user_agent: str) -> Verdict:
    """What a user agent says about its sender (cached: the hot path asks for every click)."""
    if not user_agent.strip():
        return Verdict(True, Click.Reason.NO_AGENT)
    if _PREVIEW.search(user_agent):
        return Verdict(True, Click.Reason.PREVIEW, preview=True)
    if (
        _HEADLESS.search(user_agent)
        or _DETECTOR.is_crawler(user_agent)
        or crawleruseragents.is_crawler(user_agent)
    ):
        return Verdict(True, Click.Reason.CRAWLER)
    return HUMAN


def request_verdict(*, method: str, user_agent: str, purpose: str = "") -> Verdict:
    """``purpose``: the ``Sec-Purpose`` or ``Purpose`` header (browsers' prefetch and
    prerender say so)."""
    agent = agent_verdict(user_agent[:AGENT_MAX])
    if method == "HEAD":
        return Verdict(True, Click.Reason.HEAD, preview=agent.preview)
    if purpose and _PREFETCH.intersection(purpose.lower().replace(";", " ").split()):
        return Verdict(True, Click.Reason.PREFETCH)
    return agent


@lru_cache(maxsize=20_000)
def device_class(user_agent: str) -> str:
    """Phone, tablet or computer, from the hints every browser sends (MDN's advice: "Mobi"
    means a phone; iPad and Android without "Mobile" are tablets)."""
    agent = user_agent[:AGENT_MAX]
    if not agent:
        return Click.Device.OTHER
    if "iPad" in agent or "Tablet" in agent or ("Android" in agent and "Mobile" not in agent):
        return Click.Device.TABLET
    if "Mobi" in agent or "iPhone" in agent:
        return Click.Device.MOBILE
    if any(token in agent for token in ("Windows", "Macintosh", "X11", "CrOS", "Linux")):
        return Click.Device.DESKTOP
    return Click.Device.OTHER
