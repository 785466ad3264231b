"""The buttons on a content item's page: submit, withdraw, publish, archive, restore,
and adding or removing images. Each is a POST that calls one service and comes back to the page
with what happened (or why not) as a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.content.forms import ArchiveForm, ImageForm
from ouendan.content.services.images import (
    IMAGE_MAX_BYTES,
    content_image_add,
    content_image_delete,
)
from ouendan.content.services.items import (
    content_archive,
    content_publish_now,
    content_restore,
    content_submit,
    content_withdraw,
)
from ouendan.content.views.library import item_or_404
from ouendan.core.errors import DomainError


def _act(
    request: HttpRequest,
    content_id: int,
    action: Action,
    run: Callable[[Actor], object],
    done: str,
) -> HttpResponse:
    actor = page_actor(request, action)
    item_or_404(actor, content_id)  # another organization's id is a 404, not a message
    try:
        run(actor)
    except DomainError as error:
        messages.error(request, error.message)
        for problems in error.fields.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("content:detail", content_id=content_id)


@login_required
@require_POST
def submit(request: HttpRequest, content_id: int) -> HttpResponse:
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_submit(actor=actor, content_id=content_id),
        _("Sent for review. The reviewers will find it in the library."),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, content_id: int) -> HttpResponse:
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_withdraw(actor=actor, content_id=content_id),
        _("Taken out of review: it is a draft again."),
    )


@login_required
@require_POST
def publish(request: HttpRequest, content_id: int) -> HttpResponse:
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_publish_now(actor=actor, content_id=content_id),
        _("Published: it is in the feed now."),
    )


@login_required
@require_POST
def archive(request: HttpRequest, content_id: int) -> HttpResponse:
    form = ArchiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_archive(actor=actor, content_id=content_id, reason=reason),
        _("Archived. Links already shared keep working."),
    )


@login_required
@require_POST
def restore(request: HttpRequest, content_id: int) -> HttpResponse:
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_restore(actor=actor, content_id=content_id),
        _("Restored as a draft."),
    )


@login_required
@require_POST
def image_add(request: HttpRequest, content_id: int) -> HttpResponse:
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        item_or_404(page_actor(request, Action.CONTENT_MANAGE), content_id)
        messages.error(request, _("Choose an image file to upload."))
        return redirect("content:detail", content_id=content_id)
    upload = form.cleaned_data["image"]

    def add(actor: Actor) -> object:
        if upload.size is not None and upload.size > IMAGE_MAX_BYTES:
            raise DomainError(_("The image must be 5 MB or smaller."))
        return content_image_add(
            actor=actor,
            content_id=content_id,
            data=upload.read(IMAGE_MAX_BYTES + 1),
            alt_text=form.cleaned_data["alt_text"],
        )

    return _act(request, content_id, Action.CONTENT_MANAGE, add, _("Image added."))


@login_required
@require_POST
def image_delete(request: HttpRequest, content_id: int, image_id: int) -> HttpResponse:
    return _act(
        request,
        content_id,
        Action.CONTENT_MANAGE,
        lambda actor: content_image_delete(actor=actor, content_id=content_id, image_id=image_id),
        _("Image removed."),
    )
