"""Unsubstantiated absolute or superlative claims (業界No.1, 日本一, 世界初, 最安, 絶対, 100%,
"the best", "#1"…) with no basis stated nearby — the 優良誤認 risk of Japan's 景品表示法 (Act
against Unjustifiable Premiums and Misleading Representations).

A claim is fine when its basis is given close to it: 「※2025年 当社調べ」, a footnote marker
(※, *, †, [1], 注1), "according to", "source:", "survey", "as of". 100% counts as a claim only
next to words that promise a result (安全, 効果, 保証… / safe, effective, guaranteed…), so a
statistic such as 「再エネ比率100%」 is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex
from django.utils.translation import gettext as _

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest
from ouendan.governance.compliance.rules.base import Hit
from ouendan.governance.compliance.text import ScanText

BASIS_WINDOW = 60  # characters after (or before) a claim where its basis may be stated
_FLAGS = regex.IGNORECASE | regex.ASCII

_CLAIMS = regex.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"(?:業界|国内|日本|世界|地域|顧客満足度)?\s?(?:No\.?\s?1(?![0-9])|ナンバー\s?(?:ワン|1)|№\s?1(?![0-9]))",
            r"(?:業界|国内|日本|世界|シェア)\s?1位",
            r"日本一|世界一|業界一|世界初|日本初|国内初|業界初|史上初",
            r"業界最安|最安値|最安|業界最高|業界最大|業界最小|業界最軽量|業界最速|世界最高|世界最大|世界最小",
            r"世界最速|史上最高|最高品質|最高峰|唯一無二|他社より安い|どこよりも安",
            r"絶対(?:に)?(?:安全|効果|儲か|失敗しない|おすすめ|損しない)?",
            r"100\s?%\s?(?=安全|効果|保証|満足|確実|成功|正確|防止|除去|カット|治)",
            r"100\s?%\s?(?=safe|effective|guarantee|accurate|success|satisf)",
            r"\bthe best\b|\bbest[- ]in[- ]class\b",
            r"\bworld'?s (?:first|best|leading|largest|fastest)\b",
            r"\bindustry[- ](?:first|leading)\b|\bnumber one\b|\bunbeatable\b",
            r"#1(?![0-9A-Za-z日月年回位号本人個件枚時分])",  # not 「#1日1回」
            r"\bguaranteed\b|\blowest price\b|\bcheapest\b",
        )
    ),
    _FLAGS,
)
_BASIS = regex.compile(
    r"※|＊|(?<![A-Za-z0-9])\*|†|‡|注\s?\d|\(注|（注|当社調べ|調べ|調査|出典|出所|"
    r"according to|source\s?:|\bsurvey|\bas of\b|\[\d+\]|¹|²|³",
    _FLAGS,
)


class UnsubstantiatedClaimRule:
    code = "claims.unsubstantiated"
    default = Severity.WARN

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        narrow = text.narrow
        for match in _CLAIMS.finditer(narrow):
            if not match.group().strip():
                continue
            window = (max(0, match.start() - 20), match.end() + BASIS_WINDOW)
            if _BASIS.search(narrow, *window):
                continue
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            end = match.end() - (len(match.group()) - len(match.group().rstrip()))
            yield Hit(
                start,
                end,
                _(
                    "“%(claim)s” is an absolute or superlative claim. Without its basis "
                    "stated next to it (e.g. 「※2025年 当社調べ」), it may mislead customers, "
                    "which Japan's Act against Misleading Representations (景品表示法) forbids. "
                    "Add the basis or soften the wording."
                )
                % {"claim": text.original[start:end]},
            )
