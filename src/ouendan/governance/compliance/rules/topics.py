"""Topics that often cause a backlash (炎上) when posted as an employee: politics and elections,
religion, discrimination and slurs, violence, adult content, and undisclosed financial results
or M&A (insider-information risk).

Each topic has *strong* patterns (a warning wherever they appear: a party name, a slur, a
threat) and *weak* ones that warn only with a cue nearby: 「決算」 alone is ordinary company
news (「決算説明会の開催日程」), 「決算」 with 「まだ公表前ですが」 is an insider risk. Patterns
run on the narrowed text, case-insensitively; a few exceptions keep common words out
(テロップ, ヌードル).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest
from ouendan.governance.compliance.rules.base import Hit
from ouendan.governance.compliance.text import ScanText

CUE_WINDOW = 25  # characters on either side of a weak word where a cue must be


def _words(*patterns: str) -> regex.Pattern[str]:
    """One pattern of alternatives. ASCII mode makes ``\\b`` a boundary of ASCII words, so
    "election" is found in 「electionについて」 (Japanese letters are not ASCII word characters)."""
    return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.IGNORECASE | regex.ASCII)


@dataclass(frozen=True)
class Topic:
    key: str
    label: str | Promise
    strong: regex.Pattern[str]
    weak: regex.Pattern[str] | None = None
    cues: regex.Pattern[str] | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "politics",
        gettext_lazy("politics and elections"),
        _words(
            r"自民党|自由民主党|立憲民主党|公明党|日本維新の会|維新の会|日本共産党|共産党|国民民主党",
            r"れいわ新選組|社民党|社会民主党|参政党|日本保守党",
            r"支持政党|(?:に|へ)投票(?:しよう|して(?:ください|下さい|ね)|お願い)|選挙(?:運動|応援)",
            r"(?:内閣|政権)(?:打倒|退陣)|改憲|護憲|憲法改正",
            r"\bvote (?:for|against)\b|\b(?:republican|democratic|labour|tory) party\b",
            r"\belection campaign\b|\bimpeach\w*",
        ),
        weak=_words(
            r"選挙|政治|政権|首相|総理|大統領|知事選|\belection\b|\bpresident\b|\bprime minister\b"
        ),
        cues=_words(
            r"支持|反対|批判|応援|投票|許せない|ふざけ|辞めろ|退陣|\bsupport|\bagainst\b|boycott|"
            r"disgrace|\bvote"
        ),
    ),
    Topic(
        "religion",
        gettext_lazy("religion"),
        _words(
            r"布教|入信|改宗|宗教勧誘|お布施|霊感商法",
            r"proselyt\w*|\bconvert to (?:islam|christianity|buddhism)",
        ),
        weak=_words(
            r"宗教|信仰|教団|キリスト教|仏教|イスラム教|創価学会|統一教会|神道|\breligio\w*|\bfaith\b",
            r"\bjesus\b|\ballah\b",
        ),
        cues=_words(
            r"勧誘|救われ|信じ|祈り|唯一の|正しい教え|異教|\bpray|\bbeliev|\bsalvation\b|\bsin\b|"
            r"\bconvert"
        ),
    ),
    Topic(
        "discrimination",
        gettext_lazy("discrimination and slurs"),
        _words(
            r"ガイジ|池沼|キチガイ|基地外|土人|シナ人|支那人|ジャップ|部落民|穢多|つんぼ",
            r"オカマ|ホモ(?!サピエンス|ジ)|女のくせに|女は黙|男のくせに|外人は|障害者のくせ",
            r"\bn[i1]gg(?:er|a)s?\b|\bf[a4]gg?[o0]ts?\b|\bretard(?:ed|s)?\b|\bchinks?\b",
            r"\bkikes?\b|\btrann(?:y|ies)\b|\bwetbacks?\b|go back to your country",
        ),
    ),
    Topic(
        "violence",
        gettext_lazy("violence"),
        _words(
            r"殺す|殺してやる|ぶっ殺|殺害予告|爆破予告|爆破する|テロ(?!ップ|メア|対策)|襲撃|刺してやる",
            r"死ね(?!ない|なかった|ません)",
            r"\bkill (?:you|him|her|them|everyone)\b|\bi(?:'ll| will) kill\b|\bbomb threat\b",
            r"\bshoot (?:up|them|everyone)\b|\bterrorist attack\b|\bmassacre\b",
        ),
    ),
    Topic(
        "adult",
        gettext_lazy("adult content"),
        _words(
            r"アダルト(?!チルドレン)|AV女優|風俗店|性風俗|エロ(?!ス|ージョン|ア)|18禁|ヌード(?!ル)",
            r"パパ活|援助交際|出会い系",
            r"\bporn\w*|\bnsfw\b|\bnude\b|\bxxx\b|\bonlyfans\b|\bescort service\b",
        ),
    ),
    Topic(
        "insider",
        gettext_lazy("undisclosed financial results or M&A"),
        _words(
            r"インサイダー|未公表の(?:決算|業績|情報)|決算発表前|公表前の|内部情報|ここだけの話|オフレコ",
            r"\binsider (?:information|trading|tip)\b|\boff the record\b",
        ),
        weak=_words(
            r"決算|業績|増収|減益|増益|上方修正|下方修正|買収|合併|M&A|TOB|資本提携|株価",
            r"\bearnings\b|\bmerger\b|\bacquisition\b|\btakeover\b|\bshare price\b",
        ),
        cues=_words(
            r"未発表|未公表|発表前|公表前|内緒|ここだけ|こっそり|まだ言え|来週発表|正式発表前|"
            r"\bconfidential\b|\bsecret\b|not (?:yet )?public|\bahead of\b|before the announcement|"
            r"\bleak"
        ),
    ),
)


class SensitiveTopicRule:
    code = "risk.sensitive_topic"
    default = Severity.WARN

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        narrow = text.narrow
        for topic in TOPICS:
            spans = [m.span() for m in topic.strong.finditer(narrow)]
            if topic.weak is not None and topic.cues is not None:
                for match in topic.weak.finditer(narrow):
                    window = (max(0, match.start() - CUE_WINDOW), match.end() + CUE_WINDOW)
                    if topic.cues.search(narrow, *window):
                        spans.append(match.span())
            for start, end in sorted(set(spans)):
                yield Hit(
                    start,
                    end,
                    _(
                        "This touches on %(topic)s, which often causes a backlash (炎上) when "
                        "posted as an employee of the company. Leave it out, or ask the program "
                        "team first."
                    )
                    % {"topic": topic.label},
                )
