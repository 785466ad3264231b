"""The social-media policy: versions published by the program team or 法務, and each person's
acknowledgment of the current version (asked again when a new version is published).

The policy is written in Markdown. It is rendered with markdown-it-py (CommonMark, raw HTML
disabled) and the HTML is sanitised again with nh3 (an allow-list of tags; links get
``rel="noopener noreferrer"``), so nothing a writer types can run in a reader's browser.
"""

from __future__ import annotations

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.governance.models import PolicyAcknowledgment, PolicyVersion

TITLE_MAX = 200
BODY_MAX = 50_000
CHANGES_MAX = 500
ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def policy_render(body: str) -> str:
    """Markdown → sanitised HTML. Headings move one level down (# is an h2): the page that
    shows the policy has its own h1."""
    tokens = _MARKDOWN.parse(body)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _clean(title: str, body: str, changes: str) -> tuple[str, str, str]:
    title, body, changes = title.strip(), body.strip(), changes.strip()
    problems: dict[str, list[str]] = {}
    if not title:
        problems["title"] = [_("Required.")]
    elif len(title) > TITLE_MAX:
        problems["title"] = [_("Too long.")]
    if not body:
        problems["body"] = [_("Required.")]
    elif len(body) > BODY_MAX:
        problems["body"] = [_("Too long.")]
    if len(changes) > CHANGES_MAX:
        problems["changes"] = [_("Too long.")]
    if problems:
        raise DomainError(_("The policy needs a title and a text."), fields=problems)
    return title, body, changes


def policy_publish(*, actor: Actor, title: str, body: str, changes: str = "") -> PolicyVersion:
    """Publish a new version: from now on, everyone is asked to acknowledge it before sharing."""
    require(actor, Action.POLICY_MANAGE)
    title, body, changes = _clean(title, body, changes)
    try:
        with transaction.atomic():
            latest = PolicyVersion.objects.filter(organization=actor.organization).aggregate(
                latest=Max("number")
            )["latest"]
            version = PolicyVersion.objects.create(
                organization=actor.organization,
                number=(latest or 0) + 1,
                title=title,
                body=body,
                body_html=policy_render(body),
                changes=changes,
                published_by=actor.membership,
            )
            audit_record(
                actor=actor,
                action="policy.published",
                target=version,
                data={"version": version.number, "changes": changes},
            )
    except IntegrityError as exc:  # two publishers at the same moment
        raise Conflict(
            _("Someone published a version at the same moment: reload and try again."),
            code="version_changed",
        ) from exc
    return version


def policy_acknowledge(*, actor: Actor, version: int | None = None) -> PolicyAcknowledgment:
    """The actor accepts the current version (``version``, when given, must be it: a person
    accepts the text they read). Acknowledging twice is harmless."""
    require(actor, Action.POLICY_ACKNOWLEDGE)
    if actor.membership is None:
        raise DomainError(
            _("Only a person can acknowledge the policy, not an organization token."),
            code="person_required",
        )
    current = PolicyVersion.objects.filter(organization=actor.organization).first()
    if current is None:
        raise NotFound(_("The organization has not published a policy yet."), code="no_policy")
    if version is not None and version != current.number:
        raise Conflict(
            _("A newer version of the policy was published: read version %(number)d.")
            % {"number": current.number},
            code="version_changed",
        )
    with transaction.atomic():
        acknowledgment, created = PolicyAcknowledgment.objects.get_or_create(
            organization=actor.organization, policy=current, membership=actor.membership
        )
        if created:
            audit_record(
                actor=actor,
                action="policy.acknowledged",
                target=current,
                data={"version": current.number},
            )
    return acknowledgment
