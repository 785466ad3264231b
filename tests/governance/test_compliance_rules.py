"""The compliance scanner, rule by rule: what each finds and what it must leave alone, in Japanese
and English, in full-width and mixed scripts, with offsets that point at the original text
(emoji before the finding included)."""

from __future__ import annotations

import pytest
from django.utils import translation

from ouendan.governance.compliance import Policy, ScanRequest, Severity, compliance_scan
from ouendan.governance.compliance.rules.personal import luhn_valid, my_number_valid
from ouendan.networks import Network

DEMO_POLICY = Policy.build(
    confidential_terms=["白鷺プロジェクト", "Project Shirasagi"],
    product_names=["ミライアーム", "MiraiArm"],
    allowed_domains=["mirai-seisakusho.example"],
    public_emails=["recruit@mirai-seisakusho.example"],
    public_phones=["0120-123-456"],
    own_domains=("ouendan.example.co.jp",),
)


def found(text: str, code: str, **request: object) -> list[str]:
    """The pieces of ``text`` the rule ``code`` reports (checked against the offsets)."""
    result = compliance_scan(ScanRequest(text=text, policy=DEMO_POLICY, **request))  # type: ignore[arg-type]
    hits = [f for f in result.findings if f.code == code]
    for finding in hits:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.message
    return [text[f.start : f.end] for f in hits]


# --- pii.email -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡は taro.yamada@example.co.jp までお願いします", ["taro.yamada@example.co.jp"]),
        ("メール：ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", ["ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"]),
        ("Write to jane+news@corp.example.com today", ["jane+news@corp.example.com"]),
        ("🎉🎉 taro@gmail.com へ", ["taro@gmail.com"]),
        ("採用の窓口は recruit@mirai-seisakusho.example です", []),  # the public address
        ("RECRUIT@Mirai-Seisakusho.example", []),
        ("@mirai_robotics をフォローしてね", []),
        ("a@b は住所ではない", []),
    ],
)
def test_email(text, expected):
    assert found(text, "pii.email") == expected


# --- pii.phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("電話03-1234-5678まで", ["03-1234-5678"]),
        ("携帯は090-1234-5678です", ["090-1234-5678"]),
        ("０８０－１２３４－５６７８に", ["０８０－１２３４－５６７８"]),
        ("TEL:052-123-4567", ["052-123-4567"]),
        ("0123-45-6789", ["0123-45-6789"]),
        ("(03)1234-5678", ["(03)1234-5678"]),
        ("03(1234)5678", ["03(1234)5678"]),
        ("09012345678", ["09012345678"]),
        ("IP電話 050-1234-5678", ["050-1234-5678"]),
        ("0800-123-4567", ["0800-123-4567"]),
        ("+81-90-1234-5678", ["+81-90-1234-5678"]),
        ("+81 3 1234 5678 (Tokyo)", ["+81 3 1234 5678"]),
        ("📞 03-1234-5678 10時から", ["03-1234-5678"]),
        ("Call me at 080 1234 5678", ["080 1234 5678"]),
        ("0120-123-456（フリーダイヤル）", []),  # allowlisted public number
        ("2026-12-01に開催", []),  # a date
        ("2026/03/12 10:00-12:00", []),
        ("〒060-0001 札幌市", []),  # a postal code
        ("価格は12,800円（税込）", []),
        ("¥1,980,000", []),
        ("注文番号0312345678の件", []),
        ("型番 0312-345678", []),
        ("第0312345678号", []),
        ("1234-5678-9012", []),
    ],
)
def test_phone(text, expected):
    assert found(text, "pii.phone") == expected


# --- pii.my_number -------------------------------------------------------------------------------


def test_my_number_check_digit():
    assert my_number_valid("123456789018")
    assert not my_number_valid("123456789012")
    assert not my_number_valid("12345678901")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("マイナンバーは123456789018です", ["123456789018"]),
        ("1234 5678 9018", ["1234 5678 9018"]),
        ("1234-5678-9018", ["1234-5678-9018"]),
        ("１２３４５６７８９０１８", ["１２３４５６７８９０１８"]),
        ("😀 My Number: 1234 5678 9018", ["1234 5678 9018"]),
        ("123456789012", []),  # the check digit fails
        ("1234 5678 9012", []),
        ("12345678901800", []),  # part of a longer number
    ],
)
def test_my_number(text, expected):
    assert found(text, "pii.my_number") == expected


# --- pii.credit_card -----------------------------------------------------------------------------


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カード番号 4111 1111 1111 1111", ["4111 1111 1111 1111"]),
        ("4111-1111-1111-1111", ["4111-1111-1111-1111"]),
        ("5500000000000004", ["5500000000000004"]),
        ("Amex 3782 822463 10005", ["3782 822463 10005"]),
        ("４１１１１１１１１１１１１１１１", ["４１１１１１１１１１１１１１１１"]),
        ("4111 1111 1111 1112", []),  # fails Luhn
        ("0000 0000 0000 0000", []),
        ("受注件数 1234567", []),
    ],
)
def test_credit_card(text, expected):
    assert found(text, "pii.credit_card") == expected


# --- confidential.term and blocked.term ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("白鷺プロジェクトの進捗です", ["白鷺プロジェクト"]),
        ("白鷺 ぷろじぇくと が始動", ["白鷺 ぷろじぇくと"]),  # kana and spacing
        ("ｼﾗｻｷﾞ is not 白鷺", []),
        ("PROJECT   shirasagi is coming", ["PROJECT   shirasagi"]),
        ("ＰｒｏｊｅｃｔＳｈｉｒａｓａｇｉ", ["ＰｒｏｊｅｃｔＳｈｉｒａｓａｇｉ"]),
        ("🚀🚀 Project Shirasagi!", ["Project Shirasagi"]),
        ("MyProject Shirasagian", []),  # inside other words
        ("白鷺城を見に行きました", []),
    ],
)
def test_confidential_terms(text, expected):
    assert found(text, "confidential.term") == expected


def test_blocked_terms_and_whole_words():
    policy = Policy.build(blocked_terms=["arm", "激安"])
    result = compliance_scan(ScanRequest(text="My farm is 激安 and my ARM hurts", policy=policy))
    assert [(f.code, f.start, f.end) for f in result.findings] == [
        ("blocked.term", 11, 13),
        ("blocked.term", 21, 24),
    ]


# --- risk.sensitive_topic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "次の選挙では〇〇党を支持します",
        "自民党の政策はひどい",
        "宗教勧誘はお断り",
        "あの人ガイジかよ",
        "殺してやる",
        "爆破予告が届きました",
        "アダルトサイトで見た",
        "まだ公表前ですが、来期の決算はかなり良さそうです",
        "ここだけの話、A社を買収します",
        "Vote for Smith in the election!",
        "This is insider information about the merger",
        "The takeover is not public yet",
    ],
)
def test_sensitive_topics_warn(text):
    result = compliance_scan(ScanRequest(text=text, policy=DEMO_POLICY))
    assert "risk.sensitive_topic" in [f.code for f in result.findings], text
    assert result.verdict == "warn"


@pytest.mark.parametrize(
    "text",
    [
        "2026年度 第3四半期決算説明会の開催日程のお知らせ",
        "テロップの入れ方を動画チームに教わりました",
        "ヌードルを食べに行きました",
        "地域清掃に参加しました。お寺の周りもきれいに。",
        "当社の業績ハイライトはIRサイトでご覧いただけます",
        "社内アンケートの投票は今週までです",
        "Our president opened the new plant today",
        "We announced the acquisition of a new testing line",
        "プレジデント賞を受賞しました",
    ],
)
def test_ordinary_company_news_is_left_alone(text):
    assert found(text, "risk.sensitive_topic") == []


# --- claims.unsubstantiated ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("業界No.1の精度を実現しました", ["業界No.1"]),
        ("日本一のロボットです", ["日本一"]),
        ("世界初の技術", ["世界初"]),
        ("業界最安値でご提供", ["業界最安"]),
        ("絶対に安全です", ["絶対に安全"]),
        ("100%安全です", ["100%"]),
        ("The best robot arm, 100% safe", ["The best", "100%"]),
        ("We are #1 in Japan", ["#1"]),
        ("業界No.1の精度※2025年 当社調べ", []),  # the basis is given
        ("世界初*の技術です。*2026年11月 当社調べ", []),
        ("再生可能エネルギー比率100%を達成", []),
        ("No.10 ライン", []),
        ("#1日1回 ストレッチ", []),
    ],
)
def test_claims(text, expected):
    assert found(text, "claims.unsubstantiated") == expected


# --- disclosure.missing --------------------------------------------------------------------------


def test_promotional_text_needs_a_disclosure():
    text = "新しいアームが出ました！ぜひ見てください"
    assert found(text, "disclosure.missing", promotional=True) == [text]
    for marker in ("#PR", "＃ＰＲ", "#広告", "社員です", "#Employee"):
        assert found(f"{text} {marker}", "disclosure.missing", promotional=True) == [], marker
    assert found(f"{text} #PRODUCT", "disclosure.missing", promotional=True) == [text + " #PRODUCT"]


def test_naming_a_product_needs_a_disclosure_too():
    assert found("ミライアームが発売されました", "disclosure.missing") == ["ミライアーム"]
    assert found("みらいあーむ、すごい", "disclosure.missing") == ["みらいあーむ"]
    assert found("The new MiraiArm is here", "disclosure.missing") == ["MiraiArm"]
    assert found("ミライアームが発売されました #PR", "disclosure.missing") == []
    assert found("新卒採用説明会を開催します", "disclosure.missing") == []


# --- link.domain_not_allowed ---------------------------------------------------------------------


def test_links_outside_the_allowed_domains():
    text = (
        "詳しくは https://www.mirai-seisakusho.example/news と https://recruit.mirai-seisakusho."
        "example/ と https://ouendan.example.co.jp/r/abc と https://evil.example.com/x。"
    )
    assert found(text, "link.domain_not_allowed") == ["https://evil.example.com/x"]
    assert found("www.other.example を見て", "link.domain_not_allowed") == ["www.other.example"]
    anything = Policy.build()
    assert compliance_scan(ScanRequest(text=text, policy=anything)).findings == ()


# --- length.exceeded -----------------------------------------------------------------------------


def test_length_for_the_network_with_the_place_it_stops_fitting():
    text = "🎉" + "あ" * 140  # 2 + 280 = 282 on X
    result = compliance_scan(ScanRequest(text=text, network=Network.X, policy=DEMO_POLICY))
    [finding] = [f for f in result.findings if f.code == "length.exceeded"]
    assert (finding.start, finding.end) == (140, 141)  # the last あ no longer fits
    assert compliance_scan(ScanRequest(text=text, network=Network.LINKEDIN)).findings == ()
    tags = "写真 " + " ".join(f"#tag{n}" for n in range(6))
    codes = [
        f.code for f in compliance_scan(ScanRequest(text=tags, network=Network.INSTAGRAM)).findings
    ]
    assert codes == ["length.exceeded"]


# --- The verdict, severities and messages ---------------------------------------------------------


def test_the_verdict_is_the_strongest_finding():
    assert (
        compliance_scan(ScanRequest(text="新卒採用説明会を開催します", policy=DEMO_POLICY)).verdict
        == "pass"
    )
    assert compliance_scan(ScanRequest(text="日本一の説明会", policy=DEMO_POLICY)).verdict == "warn"
    mixed = compliance_scan(ScanRequest(text="日本一の説明会 03-1234-5678", policy=DEMO_POLICY))
    assert mixed.verdict == "block"
    assert [f.code for f in mixed.findings] == ["claims.unsubstantiated", "pii.phone"]


def test_an_organization_may_change_severities():
    policy = Policy.build(severities={"claims.unsubstantiated": "block", "pii.phone": "info"})
    result = compliance_scan(ScanRequest(text="日本一の説明会 03-1234-5678", policy=policy))
    assert [(f.code, f.severity) for f in result.findings] == [
        ("claims.unsubstantiated", Severity.BLOCK),
        ("pii.phone", Severity.INFO),
    ]
    assert result.verdict == "block"


def test_messages_are_in_the_readers_language():
    with translation.override("en"):
        english = compliance_scan(ScanRequest(text="03-1234-5678")).findings[0].message
    with translation.override("ja"):
        japanese = compliance_scan(ScanRequest(text="03-1234-5678")).findings[0].message
    assert "phone number" in english
    assert english != japanese


def test_ordinary_demo_texts_pass():
    """The demo's 200-odd suggested texts are ordinary company news: the scanner stays quiet
    on them, except the two written to be caught."""
    from ouendan.content.models import compose_text
    from ouendan.demo.data.content import CONTENT

    flagged = []
    for item in CONTENT:
        for variant in item.variants:
            text = compose_text(variant.text, list(variant.hashtags))
            result = compliance_scan(ScanRequest(text=text, promotional=False, policy=DEMO_POLICY))
            codes = {f.code for f in result.findings} - (
                {"disclosure.missing"} if item.promotional else set()
            )
            if codes:
                flagged.append((item.key, tuple(sorted(codes))))
    assert sorted(set(flagged)) == [("x1-case-study-food", ("claims.unsubstantiated",))]
