"""The content editor: paste a link and fetch its preview, write suggested texts per network with
live counts, save a draft or send it for review. The live parts are htmx partials (preview,
measure, one more text row); without them the form still works."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.selectors import department_choices, location_list
from ouendan.accounts.views.people import page_actor
from ouendan.content.composing import share_text_measure
from ouendan.content.fetching import FetchError
from ouendan.content.forms import ContentForm, VariantForm, VariantFormSet, variant_initial
from ouendan.content.link_preview import link_preview_fetch
from ouendan.content.models import ContentItem, compose_text
from ouendan.content.selectors import campaign_choices, topic_choices
from ouendan.content.services.items import content_create, content_submit, content_update
from ouendan.content.services.recording import APPROVED_FAMILY
from ouendan.content.services.variants import clean_hashtags
from ouendan.content.views.library import item_or_404
from ouendan.core.errors import DomainError
from ouendan.networks import PROBLEM_MESSAGES, RULES, Network

# A new item starts with a text for any network, one for X and one for LinkedIn.
STARTER_NETWORKS = ("", "x", "linkedin")


def _content_form(request: HttpRequest, actor: Actor, initial: dict[str, Any]) -> ContentForm:
    return ContentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        topics=topic_choices(actor=actor),
        campaigns=campaign_choices(actor=actor),
        departments=department_choices(actor=actor),
        locations=list(location_list(actor=actor).values_list("id", "name")),
    )


def _variants(request: HttpRequest, initial: list[dict[str, Any]]) -> Any:
    return VariantFormSet(request.POST if request.method == "POST" else None, initial=initial)


def _save(
    request: HttpRequest, actor: Actor, form: ContentForm, formset: Any, item: ContentItem | None
) -> ContentItem | None:
    """Save through the services; a refusal goes back on the form. Returns the item, or None."""
    variants = [data for f in formset.forms if (data := f.variant_data()) is not None]
    try:
        if item is None:
            item = content_create(
                actor=actor,
                data=form.content_data(creating=True),
                variants=variants,
                image_url=form.cleaned_data["image_url"],
            )
        else:
            content_update(
                actor=actor,
                content_id=item.pk,
                data=form.content_data(creating=False),
                variants=variants,
            )
    except DomainError as error:
        add_domain_error(form, error, {"campaign_id": "campaign", "topic_ids": "topics"})
        return None
    if request.POST.get("then") == "submit":
        try:
            content_submit(actor=actor, content_id=item.pk)
        except DomainError as error:
            messages.warning(
                request, _("Saved as a draft, not sent: %(why)s") % {"why": error.message}
            )
            for problems in error.fields.values():
                for problem in problems:
                    messages.warning(request, problem)
        else:
            messages.success(request, _("Saved and sent for review."))
            return item
    messages.success(request, _("Saved."))
    return item


def _editor(
    request: HttpRequest, form: ContentForm, formset: Any, item: ContentItem | None
) -> HttpResponse:
    return render(
        request,
        "content/editor/form.html",
        {
            "form": form,
            "formset": formset,
            "item": item,
            "rows": list(zip(formset.forms, _row_measures(form, formset), strict=True)),
            "returns_to_review": item is not None and item.status in APPROVED_FAMILY,
            **_count_context(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def content_create_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_MANAGE)
    form = _content_form(request, actor, {})
    formset = _variants(request, [{"network": network} for network in STARTER_NETWORKS])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        item = _save(request, actor, form, formset, None)
        if item is not None:
            return redirect("content:detail", content_id=item.pk)
    return _editor(request, form, formset, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def content_edit(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_MANAGE)
    item = item_or_404(actor, content_id)
    if item.status == ContentItem.Status.ARCHIVED:
        messages.error(request, _("Archived content cannot be edited: restore it first."))
        return redirect("content:detail", content_id=item.pk)
    form = _content_form(
        request,
        actor,
        {
            "url": item.url,
            "title": item.title,
            "summary": item.summary,
            "advocate_note": item.advocate_note,
            "language": item.language,
            "topics": [t.pk for t in item.topics.all()],
            "campaign": item.campaign_id,
            "promotional": item.promotional,
            "featured": item.featured,
            "pinned": item.pinned,
            "publish_at": item.publish_at,
            "expire_at": item.expire_at,
            "departments": [d.pk for d in item.audience_departments.all()],
            "locations": [loc.pk for loc in item.audience_locations.all()],
            "audience_languages": item.audience_languages,
            "audience_roles": item.audience_roles,
        },
    )
    formset = _variants(request, variant_initial(item))
    valid = request.method == "POST" and form.is_valid() and formset.is_valid()
    if valid and _save(request, actor, form, formset, item) is not None:
        return redirect("content:detail", content_id=item.pk)
    return _editor(request, form, formset, item)


# --- Live parts (htmx) ---------------------------------------------------------------------------


def _measures(network: str, text: str, hashtags: str, *, with_link: bool) -> list[Any]:
    """The text's length on its network, or on every network for a text meant for any."""
    try:
        tags = clean_hashtags(hashtags.replace(",", " ").split())
    except DomainError:
        tags = []
    composed = compose_text(text, tags)
    networks = [Network(network)] if network in {n.value for n in Network} else list(Network)
    return [share_text_measure(text=composed, network=n, with_link=with_link) for n in networks]


def _row_measures(form: ContentForm, formset: Any) -> list[list[Any]]:
    with_link = bool((form["url"].value() or "").strip())
    return [
        _measures(
            str(f["network"].value() or ""),
            str(f["text"].value() or ""),
            str(f["hashtags"].value() or ""),
            with_link=with_link,
        )
        for f in formset.forms
    ]


@login_required
@require_POST
def measure(request: HttpRequest) -> HttpResponse:
    """The count of one text row as the person types (``row`` names the row's form prefix)."""
    page_actor(request, Action.CONTENT_MANAGE)
    prefix = request.POST.get("row", "")[:20]
    measures = _measures(
        request.POST.get(f"{prefix}-network", "")[:16],
        request.POST.get(f"{prefix}-text", "")[:10_000],
        request.POST.get(f"{prefix}-hashtags", "")[:1000],
        with_link=bool(request.POST.get("url", "").strip()),
    )
    return render(
        request, "content/editor/_counts.html", {"measures": measures, **_count_context()}
    )


def _count_context() -> dict[str, Any]:
    """What the count chips need: each network's name, and each problem in words."""
    return {
        "labels": {n.value: str(r.label) for n, r in RULES.items()},
        "problem_messages": {p.value: str(m) for p, m in PROBLEM_MESSAGES.items()},
    }


@login_required
@require_safe
def variant_row(request: HttpRequest) -> HttpResponse:
    """One more empty text row, and the formset's new total (swapped in out of band). Only the
    editor asks for it; a person who opens the address lands on the editor itself."""
    page_actor(request, Action.CONTENT_MANAGE)
    if not getattr(request, "htmx", False):
        return redirect("content:create")
    try:
        index = min(max(int(request.GET.get("index", "0")), 0), 49)
    except ValueError:
        index = 0
    network = request.GET.get("network", "")
    row = VariantForm(prefix=f"form-{index}", initial={"network": network})
    return render(
        request,
        "content/editor/_variant_row.html",
        {
            "row": row,
            "index": index,
            "next_index": index + 1,
            "measures": _measures(network, "", "", with_link=False),
            "oob": True,
            **_count_context(),
        },
    )


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Fetch the pasted link's Open Graph data; fill the title and summary if they are empty."""
    page_actor(request, Action.CONTENT_MANAGE)
    url = request.POST.get("url", "").strip()[:2048]
    context: dict[str, Any] = {"url": url}
    if not url:
        context["error"] = _("Paste a link first.")
    else:
        try:
            found = link_preview_fetch(url=url)
        except FetchError as error:
            context["error"] = error.message
        else:
            context.update(
                preview=found,
                fill_title=not request.POST.get("title", "").strip() and found.title,
                fill_summary=not request.POST.get("summary", "").strip() and found.description,
            )
    return render(request, "content/editor/_preview.html", context)
