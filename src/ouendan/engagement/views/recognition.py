"""Recognition pages: one's shout-outs and the month's highlights (and, for the program and
managers, sending a shout-out); the feed's community block, loaded by htmx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.engagement.forms_recognition import ShoutOutForm
from ouendan.engagement.selectors_recognition import (
    community,
    highlights,
    recipient_by_handle,
    shout_out_content_choices,
    shout_out_views,
    shout_outs_received,
    shout_outs_sent,
)
from ouendan.engagement.services.recognition import shout_out_send

PAGE_SIZE = 20
SENT_SHOWN = 10


def _render(
    request: HttpRequest, actor: Actor, *, form: ShoutOutForm | None = None, status: int = 200
) -> HttpResponse:
    received = Paginator(shout_outs_received(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sender = can(actor, Action.SHOUT_OUTS_SEND) and actor.membership is not None
    if sender and form is None:
        form = ShoutOutForm(content_choices=shout_out_content_choices(actor=actor))
    return render(
        request,
        "engagement/recognition/recognition.html",
        {
            "page_obj": received,
            "received": shout_out_views(received.object_list, actor=actor, own=True),
            "sent": shout_out_views(
                shout_outs_sent(actor=actor)[:SENT_SHOWN], actor=actor, own=True
            )
            if sender
            else [],
            "form": form if sender else None,
            "highlights": highlights(actor=actor),
        },
        status=status,
    )


@login_required
@require_safe
def recognition_page(request: HttpRequest) -> HttpResponse:
    return _render(request, page_actor(request, Action.POINTS_VIEW_OWN))


@login_required
@require_POST
def shout_out_send_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.SHOUT_OUTS_SEND)
    form = ShoutOutForm(request.POST, content_choices=shout_out_content_choices(actor=actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = recipient_by_handle(actor=actor, handle=data["person"])
            shout_out_send(
                actor=actor,
                recipient_id=person.pk,
                message=data["message"],
                content_id=data.get("content"),
            )
        except DomainError as error:
            add_domain_error(form, error, renames={"recipient_id": "person"})
        else:
            messages.success(request, _("Sent: %(name)s sees it now.") % {"name": person.full_name})
            return redirect("engagement:recognition")
    return _render(request, actor, form=form, status=400)


@login_required
@require_safe
def community_view(request: HttpRequest) -> HttpResponse:
    """The feed's community block (htmx); the recognition page for a browser that asks for
    the block itself."""
    actor = page_actor(request, Action.ENGAGEMENT_VIEW)
    if not getattr(request, "htmx", False):
        return redirect("engagement:recognition")
    return render(
        request,
        "engagement/recognition/_community.html",
        {"community": community(actor=actor), "highlights": highlights(actor=actor)},
    )
