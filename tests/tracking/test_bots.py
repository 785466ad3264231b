"""Who is a human: crawlers, link-preview fetchers, HEAD and prefetch requests are not."""
# ruff: noqa: E501 - user agents are quoted whole, as browsers send them

from __future__ import annotations

import crawleruseragents
import pytest

from ouendan.tracking.bots import device_class, request_verdict

PREVIEW_FETCHERS = {
    "X": "Twitterbot/1.0",
    "LinkedIn": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Meta": "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "Slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Teams": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "Teams (new)": "Mozilla/5.0 (compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview)",
    "LINE": "facebookexternalhit/1.1;line-poker/1.0",
    "Telegram": "TelegramBot (like TwitterBot)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "Bluesky": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Mastodon": "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)",
    "iMessage": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
}

CRAWLERS = {
    "Google": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Bing": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Yahoo Japan": "Y!J-WSC/1.0 (https://about.yahoo.co.jp/info/blog/20210708/crawler.html)",
    "Headless Chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
    "curl": "curl/8.5.0",
    "python": "python-requests/2.32.3",
    "no agent": "",
}

BROWSERS = {
    "iPhone Safari": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "mobile",
    ),
    "Android Chrome": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
        "mobile",
    ),
    "LINE in-app": (
        "Mozilla/5.0 (Linux; Android 14; SO-51D) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 Line/14.6.1",
        "mobile",
    ),
    "Facebook in-app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/465.0.0.40.107;FBBV/600000000;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/ja_JP;FBOP/5]",
        "mobile",
    ),
    "Instagram in-app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 330.0.3.29.91 (iPhone15,2; iOS 17_5; ja_JP; ja; scale=3.00; 1179x2556; 596086018)",
        "mobile",
    ),
    "iPad": (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "tablet",
    ),
    "Android tablet": (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "tablet",
    ),
    "Windows Edge": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
        "desktop",
    ),
    "Mac Safari": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "desktop",
    ),
    "Linux Firefox": (
        "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
        "desktop",
    ),
    "Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        "mobile",
    ),
    "Chrome on iOS": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1",
        "mobile",
    ),
    "Firefox on iOS": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/126.0 Mobile/15E148 Safari/605.1.15",
        "mobile",
    ),
    "Edge on Android": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36 EdgA/125.0.2535.60",
        "mobile",
    ),
    "Opera": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
        "desktop",
    ),
    "Yahoo! JAPAN app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 YJApp-IOS jp.co.yahoo.ipn.appli/4.60.0",
        "mobile",
    ),
    "SmartNews in-app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 SmartNews/24.5.20",
        "mobile",
    ),
    "LINE on iPhone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.7.0",
        "mobile",
    ),
    "X in-app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.45",
        "mobile",
    ),
    "LinkedIn in-app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.4070",
        "mobile",
    ),
    "Teams desktop": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Teams/24124.2311.2911.3617",
        "desktop",
    ),
}


@pytest.mark.parametrize("agent", PREVIEW_FETCHERS.values(), ids=PREVIEW_FETCHERS.keys())
def test_link_preview_fetchers_get_the_card(agent: str):
    verdict = request_verdict(method="GET", user_agent=agent)
    assert verdict.bot and verdict.preview and verdict.reason == "preview"


@pytest.mark.parametrize("agent", CRAWLERS.values(), ids=CRAWLERS.keys())
def test_crawlers_are_not_clicks(agent: str):
    verdict = request_verdict(method="GET", user_agent=agent)
    assert verdict.bot and not verdict.preview
    assert verdict.reason == ("no_agent" if not agent else "crawler")


@pytest.mark.parametrize("agent,device", BROWSERS.values(), ids=BROWSERS.keys())
def test_browsers_are_people(agent: str, device: str):
    verdict = request_verdict(method="GET", user_agent=agent)
    assert not verdict.bot, verdict
    assert device_class(agent) == device


def test_head_and_prefetch_requests_are_not_clicks():
    browser = BROWSERS["iPhone Safari"][0]
    assert request_verdict(method="HEAD", user_agent=browser).reason == "head"
    assert (
        request_verdict(method="GET", user_agent=browser, purpose="prefetch").reason == "prefetch"
    )
    assert request_verdict(method="GET", user_agent=browser, purpose="prefetch;prerender").bot
    head = request_verdict(method="HEAD", user_agent=PREVIEW_FETCHERS["Facebook"])
    assert head.reason == "head" and head.preview  # it gets the card's headers


def test_every_example_of_a_published_crawler_list_is_a_bot():
    """monperrus' crawler-user-agents ships ~2,100 real user agents of its 1,500 patterns: all
    are bots for us (crawlerdetect alone misses about 300 of them)."""
    examples = [
        agent
        for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA
        for agent in entry.get("instances", [])
    ]
    assert len(examples) > 2000
    missed = [a for a in examples if not request_verdict(method="GET", user_agent=a).bot]
    assert missed == []
