"""The social-media policy pages: read and acknowledge the current version; for the program
team and 法務, publish a new version, see who acknowledged each one, export it as CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, can
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.governance.forms import PolicyForm
from ouendan.governance.selectors import (
    policy_acknowledgments,
    policy_pending_advocates,
    policy_status,
    policy_version_get,
    policy_versions,
)
from ouendan.governance.services.policy import policy_acknowledge, policy_publish

PAGE_SIZE = 50


@login_required
@require_safe
def policy_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POLICY_READ)
    manage = can(actor, Action.POLICY_MANAGE)
    return render(
        request,
        "governance/policy.html",
        {
            "status": policy_status(actor=actor),
            "can_manage": manage,
            "versions": list(policy_versions(actor=actor)[:20]) if manage else [],
            "pending": policy_pending_advocates(actor=actor) if manage else 0,
            "can_acknowledge": actor.membership is not None,
            "next": request.GET.get("next", "")[:500],
        },
    )


@login_required
@require_POST
def policy_acknowledge_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POLICY_ACKNOWLEDGE)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        policy_acknowledge(actor=actor, version=version)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: you have acknowledged the policy."))
        # Back to where sharing asked for it (the share page), if that is one of our pages.
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    return redirect("governance:policy")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def policy_publish_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POLICY_MANAGE)
    current = policy_status(actor=actor).current
    initial = {"title": current.title, "body": current.body} if current else {}
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = policy_publish(actor=actor, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)d is published: everyone is asked to acknowledge it.")
                % {"number": version.number},
            )
            return redirect("governance:policy")
    return render(request, "governance/policy_form.html", {"form": form, "current": current})


@login_required
@require_safe
def policy_version_view(request: HttpRequest, number: int) -> HttpResponse:
    actor = page_actor(request, Action.POLICY_MANAGE)
    try:
        version = policy_version_get(actor=actor, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = Paginator(policy_acknowledgments(actor=actor, number=number), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "governance/policy_version.html", {"version": version, "page_obj": page})


@login_required
@require_safe
def policy_acknowledgments_csv(request: HttpRequest, number: int) -> HttpResponse:
    """Who acknowledged a version, for the records (UTF-8 with a BOM, so Excel reads it)."""
    actor = page_actor(request, Action.POLICY_MANAGE)
    try:
        policy_version_get(actor=actor, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="policy-v{number}-acknowledgments.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("Name"), _("E-mail"), _("Employee number"), _("Department"), _("Acknowledged at")]
    )
    zone = timezone.get_current_timezone()
    for row in policy_acknowledgments(actor=actor, number=number).iterator():
        person = row.membership
        writer.writerow(
            [
                person.full_name,
                person.user.email,
                person.employee_number,
                person.department.name if person.department else "",
                row.acknowledged_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response
