"""Every page, as its users see it, passes the accessibility basics a screen reader needs.

Walks every page route (the tenant walker's list, so new pages are checked the day they land),
signed in as the organization's admin with its own objects filled into the URL, plus the public
pages signed out, and checks each HTML answer: a page language, one ``h1``, a label for every
form control, alternative text for images, a name for every button and link, unique ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role
from ouendan.accounts.services.security import password_reset_tokens
from tests.conftest import signed_in
from tests.test_tenant_isolation import TenantA, all_routes, fillings, public_reason, tenant_a

__all__ = ["tenant_a"]  # the fixture, shared with the tenant walker

UNLABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inside_label: bool = False
    has_named_image: bool = False


@dataclass
class PageAudit(HTMLParser):
    html_lang: str = ""
    h1_count: int = 0
    controls: list[Element] = field(default_factory=list)
    images: list[Element] = field(default_factory=list)
    named: list[Element] = field(default_factory=list)  # buttons and links, with their text
    label_targets: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    _open_named: list[Element] = field(default_factory=list)
    _label_depth: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang", "")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        elif tag in {"input", "select", "textarea"}:
            if attrs.get("type", "text") not in UNLABELLED_TYPES:
                self.controls.append(Element(tag, attrs, inside_label=self._label_depth > 0))
        elif tag == "img":
            self.images.append(Element(tag, attrs))
            if "alt" in attrs and attrs["alt"].strip():
                for element in self._open_named:
                    element.has_named_image = True
        elif tag in {"button", "a"} and (tag == "button" or "href" in attrs):
            element = Element(tag, attrs)
            self.named.append(element)
            self._open_named.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag in {"button", "a"} and self._open_named and self._open_named[-1].tag == tag:
            self._open_named.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open_named:
            element.text += data

    def problems(self) -> list[str]:
        found = []
        if not self.html_lang:
            found.append("<html> has no lang")
        if self.h1_count != 1:
            found.append(f"{self.h1_count} <h1> elements (want exactly one)")
        for control in self.controls:
            labelled = (
                control.inside_label
                or control.attrs.get("id", "\0") in self.label_targets
                or control.attrs.get("aria-label", "").strip()
                or control.attrs.get("aria-labelledby", "").strip()
                or control.attrs.get("title", "").strip()
            )
            if not labelled:
                found.append(f"unlabelled <{control.tag} name={control.attrs.get('name')!r}>")
        for image in self.images:
            if "alt" not in image.attrs:
                found.append(f"<img src={image.attrs.get('src')!r}> has no alt")
        for element in self.named:
            name = (
                element.text.strip()
                or element.attrs.get("aria-label", "").strip()
                or element.attrs.get("title", "").strip()
                or element.has_named_image
            )
            if not name:
                found.append(f"<{element.tag}> without a name: {element.attrs}")
        duplicates = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if duplicates:
            found.append(f"duplicate ids: {duplicates}")
        return found


def audit_html(html: str) -> list[str]:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser.problems()


def page_routes() -> list:
    return [route for route in all_routes() if not route.is_api and route.name]


def url_values(route, tenant: TenantA, admin: Membership) -> dict[str, object]:
    """The route's parameters filled with the admin's own objects (or a real reset link)."""
    if route.name == "accounts:password_reset_confirm":
        user = admin.user
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": password_reset_tokens.make_token(user),
        }
    return fillings(route, tenant)[0]


def test_the_checker_finds_what_it_should():
    bad = (
        '<html><body><h1>a</h1><h1>b</h1><input name="q"><img src="x.png">'
        '<a href="/"></a><button></button><p id="d"></p><p id="d"></p></body></html>'
    )
    problems = audit_html(bad)
    assert "<html> has no lang" in problems
    assert any("2 <h1>" in p for p in problems)
    assert any("unlabelled <input" in p for p in problems)
    assert any("has no alt" in p for p in problems)
    assert sum("without a name" in p for p in problems) == 2
    assert any("duplicate ids" in p for p in problems)
    good = (
        '<html lang="ja"><body><h1>t</h1><label for="q">検索</label><input id="q" name="q">'
        '<label>名前 <input name="n"></label><img src="x.png" alt="">'
        '<a href="/"><img src="l.png" alt="ホーム"></a><button aria-label="閉じる">×</button>'
        "</body></html>"
    )
    assert audit_html(good) == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_meets_the_basics(tenant_a: TenantA, client: Client, language: str):
    admin = Membership.objects.filter(
        organization=tenant_a.org, role_grants__role=Role.ORG_ADMIN, status="active"
    ).first()
    assert admin is not None
    signed = signed_in(admin, language=language)
    anonymous = Client(headers={"Accept-Language": language})
    checked, failures = 0, []
    for route in page_routes():
        browser = anonymous if public_reason(route) else signed
        url = route.url(url_values(route, tenant_a, admin))
        response = browser.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        failures += [f"{url}: {problem}" for problem in audit_html(response.content.decode())]
    assert checked >= 15, f"only {checked} pages answered 200: is the walk broken?"
    assert failures == [], "\n".join(failures)
