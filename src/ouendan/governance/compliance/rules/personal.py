"""Personal data: e-mail addresses, Japanese phone numbers, マイナンバー and card numbers.

All four search the narrowed text (full-width digits, ＠ and dashes read as ASCII, one
character for one), so 「０９０－１２３４－５６７８」 is found like 090-1234-5678 and offsets
stay those of the original. Boundaries are ASCII-only: a number right after 「電話」 or
「TEL:」 is still a number.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex
from django.utils.translation import gettext as _

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest, phone_key
from ouendan.governance.compliance.rules.base import Hit
from ouendan.governance.compliance.text import ScanText

_EMAIL = regex.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
_BEFORE = r"(?<![0-9A-Za-z+\-/])"
_AFTER = r"(?![0-9A-Za-z\-]|[ \-]\d)"
_S = r"[ \-]?"  # one optional separator between groups
# Domestic numbers, the specific shapes first: mobile, IP and 0800 (11 digits), free-dial and
# navi-dial (10), any fixed line with its area code in parentheses or not (10), digits only.
_PHONE = regex.compile(
    _BEFORE
    + r"(?:"
    + rf"(?P<intl>\+81{_S}(?:\(0\){_S})?\d{{1,4}}(?:{_S}|\)\s?)\d{{1,4}}{_S}\d{{4}})"
    + rf"|(?P<mobile>0[5789]0{_S}\d{{4}}{_S}\d{{4}})"
    + rf"|(?P<free>0(?:120|570){_S}\d{{3}}{_S}\d{{3}}|0800{_S}\d{{3}}{_S}\d{{4}})"
    + rf"|(?P<fixed>\(0\d{{1,4}}\)\s?\d{{1,4}}{_S}\d{{4}}"
    + rf"|0\d{{1,4}}(?:{_S}|\(){_S}\d{{1,4}}(?:{_S}|\)\s?)\d{{4}})"
    + r")"
    # A space and more digits may follow a phone number (「03-1234-5678 10時から」).
    + r"(?![0-9A-Za-z\-])"
)
# Words that make a number an order, model or member number rather than a phone number.
_NOT_A_PHONE = regex.compile(
    r"(?:注文|受注|受付|伝票|管理|会員|製品|製造|問い合わせ|お問合せ|登録|予約|口座|証券|品|型|部品)番号"
    r"|品番|型番|型式|シリアル|ロット|order|invoice|serial|model|part|ticket|lot|sku",
    regex.IGNORECASE,
)
_MY_NUMBER = regex.compile(_BEFORE + r"(\d(?:[ \-]?\d){11})" + _AFTER)
_CARD = regex.compile(
    _BEFORE
    + r"(?:\d{4}(?P<s>[ \-]?)\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{1,3})?"
    + r"|\d{4}(?P<t>[ \-]?)\d{6}(?P=t)\d{4,5}"
    + r"|\d{13,19})"
    + _AFTER
)


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


class EmailRule:
    code = "pii.email"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        for match in _EMAIL.finditer(text.narrow):
            if match.group().lower() in request.policy.public_emails:
                continue
            yield Hit(
                match.start(),
                match.end(),
                _(
                    "An e-mail address. Posted publicly, it invites spam and fraud, and it is "
                    "personal data: remove it, or use one of the company's public addresses."
                ),
            )


def _phone_digits_ok(match: regex.Match[str]) -> bool:
    digits = _digits(match.group())
    if match.group("intl"):
        national = digits[2:]
        return len(national) in (9, 10) and not national.startswith("0")
    if match.group("mobile"):
        return len(digits) == 11
    if match.group("free"):
        return len(digits) in (10, 11)
    return len(digits) == 10


class PhoneRule:
    code = "pii.phone"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        narrow = text.narrow
        for match in _PHONE.finditer(narrow):
            if not _phone_digits_ok(match):
                continue
            if _NOT_A_PHONE.search(narrow, max(0, match.start() - 12), match.start()):
                continue
            if narrow[max(0, match.start() - 1) : match.start()] in ("第", "#", "№") or narrow[
                match.end() : match.end() + 1
            ] in ("号", "番"):
                continue  # 「第0312345678号」: a reference number
            if phone_key(match.group()) in request.policy.public_phones:
                continue
            yield Hit(
                match.start(),
                match.end(),
                _(
                    "A phone number. A personal or internal number must not be posted: remove "
                    "it, or use one of the company's public numbers."
                ),
            )


def my_number_valid(digits: str) -> bool:
    """The check digit of an individual number (マイナンバー), as the law defines it."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in digits[:11]]
    total = sum(
        value * (n + 1 if n <= 6 else n - 5) for n, value in enumerate(reversed(body), start=1)
    )
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


class MyNumberRule:
    code = "pii.my_number"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        for match in _MY_NUMBER.finditer(text.narrow):
            if my_number_valid(_digits(match.group())):
                yield Hit(
                    match.start(),
                    match.end(),
                    _(
                        "A My Number (個人番号). Posting it is against the My Number Act and "
                        "exposes the person to identity theft: remove it."
                    ),
                )


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class CardRule:
    code = "pii.credit_card"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        for match in _CARD.finditer(text.narrow):
            digits = _digits(match.group())
            if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits):
                yield Hit(
                    match.start(),
                    match.end(),
                    _("A payment card number. Never post card numbers: remove it."),
                )
