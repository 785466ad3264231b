"""Topics: everyone follows the ones they like; curators add, rename and remove them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.content.forms import TopicForm
from ouendan.content.models import Topic
from ouendan.content.selectors import topic_get, topics_list
from ouendan.content.services.topics import topic_create, topic_delete, topic_follow, topic_update
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 50


def _topic_or_404(actor: Actor, topic_id: int) -> Topic:
    try:
        return topic_get(actor=actor, topic_id=topic_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.TOPICS_VIEW)
    can_manage = can(actor, Action.TOPICS_MANAGE)
    form = TopicForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        page_actor(request, Action.TOPICS_MANAGE)
        if form.is_valid():
            try:
                topic = topic_create(
                    actor=actor,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Topic %(name)s added.") % {"name": topic.name})
                return redirect("content:topics")
    page = Paginator(topics_list(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/topics/list.html",
        {
            "page_obj": page,
            "form": form if can_manage else None,
            "can_manage": can_manage,
            "can_follow": actor.membership is not None,
        },
    )


@login_required
@require_POST
def topic_follow_view(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = page_actor(request, Action.TOPICS_SUBSCRIBE)
    topic = _topic_or_404(actor, topic_id)
    follow = request.POST.get("follow") == "1"
    topic_follow(actor=actor, topic_id=topic.pk, follow=follow)
    if getattr(request, "htmx", False):
        return render(
            request,
            "content/topics/_follow.html",
            {"topic": _topic_or_404(actor, topic_id), "can_follow": True},
        )
    return redirect("content:topics")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = page_actor(request, Action.TOPICS_MANAGE)
    topic = _topic_or_404(actor, topic_id)
    form = TopicForm(
        request.POST if request.method == "POST" else None,
        initial={"name": topic.name, "description": topic.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            topic_update(
                actor=actor,
                topic_id=topic.pk,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("content:topics")
    return render(request, "content/topics/edit.html", {"form": form, "topic": topic})


@login_required
@require_POST
def topic_delete_view(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = page_actor(request, Action.TOPICS_MANAGE)
    topic = _topic_or_404(actor, topic_id)
    topic_delete(actor=actor, topic_id=topic.pk)
    messages.success(request, _("Topic %(name)s removed.") % {"name": topic.name})
    return redirect("content:topics")
