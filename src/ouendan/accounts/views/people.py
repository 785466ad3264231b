"""The people directory, a person's page, adding and editing people, leavers (退職), and an
admin's reset of someone's two-factor authentication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import (
    PERSON_FIELD_RENAMES,
    OffboardForm,
    PeopleFilterForm,
    PersonForm,
    TwoFactorResetForm,
    add_domain_error,
)
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.accounts.selectors import (
    department_choices,
    department_paths,
    location_list,
    people_list,
    person_active_token_count,
    person_audit_events,
    person_find,
    person_other_organization_count,
    person_two_factor_since,
)
from ouendan.accounts.services.people import (
    person_create,
    person_offboard,
    person_reinstate,
    person_update,
)
from ouendan.accounts.services.security import (
    two_factor_required,
    two_factor_reset,
    two_factor_reset_refusal,
)
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 50


def page_actor(request: HttpRequest, action: Action) -> Actor:
    """The signed-in person, if they may perform ``action``; otherwise the page is forbidden.

    Shared by the organization and audit pages too.
    """
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionDenied
    require(actor, action)
    return actor


def _person_or_404(actor: Actor, membership_id: int) -> Membership:
    try:
        return person_find(actor=actor, membership_id=membership_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _location_choices(actor: Actor) -> list[tuple[int, str]]:
    return list(location_list(actor=actor).values_list("id", "name"))


@login_required
@require_safe
def people_list_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_VIEW)
    paths = department_paths(actor=actor)
    form = PeopleFilterForm(
        request.GET,
        departments=sorted(paths.items(), key=lambda item: (item[1], item[0])),
        locations=_location_choices(actor),
    )
    page = Paginator(people_list(actor=actor, filters=form.to_filter()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "rows": [(person, paths.get(person.department_id or 0, "")) for person in page],
        "narrowed": form.narrows,
        "can_manage": can(actor, Action.PEOPLE_MANAGE),
        "can_invite": can(actor, Action.INVITATIONS_MANAGE),
        "can_import": can(actor, Action.PEOPLE_IMPORT),
    }
    partial = bool(getattr(request, "htmx", False)) and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "accounts/people/_results.html" if partial else "accounts/people/list.html"
    response = render(request, template, context)
    # The same URL answers with a fragment for htmx and a page otherwise: caches must tell apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def person_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    from ouendan.accounts.views.audit import audit_rows  # the audit views import this module

    actor = page_actor(request, Action.PEOPLE_VIEW)
    person = _person_or_404(actor, membership_id)
    is_self = actor.membership is not None and actor.membership.pk == person.pk
    can_audit = can(actor, Action.AUDIT_VIEW)
    can_reset = can(actor, Action.PEOPLE_SECURITY_RESET)
    context = {
        "person": person,
        "department_path": department_paths(actor=actor).get(person.department_id or 0, ""),
        "events": (
            audit_rows(actor, person_audit_events(actor=actor, membership=person))
            if can_audit
            else None
        ),
        "can_audit": can_audit,
        "can_edit": can(actor, Action.PEOPLE_MANAGE),
        "can_offboard": can(actor, Action.PEOPLE_OFFBOARD) and not is_self,
        "is_self": is_self,
        # Whether someone uses a second factor is shown only to those who may reset it.
        "show_two_factor": can_reset,
        "two_factor_since": (
            person_two_factor_since(actor=actor, membership=person) if can_reset else None
        ),
        "two_factor_required": (
            can_reset
            and person.is_active
            and two_factor_required(user=person.user, membership=person)
        ),
        "can_reset_two_factor": can_reset and not is_self and person.is_active,
    }
    return render(request, "accounts/people/detail.html", context)


def _person_form(
    request: HttpRequest, actor: Actor, *, person: Membership | None = None
) -> PersonForm:
    initial: dict[str, Any] = {"roles": ["advocate"]}
    current_roles: list[str] = []
    if person is not None:
        current_roles = sorted(person.role_set())
        initial = {
            "full_name": person.full_name,
            "full_name_kana": person.full_name_kana,
            "employee_number": person.employee_number,
            "department": person.department_id,
            "location": person.location_id,
            "title": person.title,
            "language": person.user.language,
            "roles": current_roles,
        }
    return PersonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        departments=department_choices(actor=actor),
        locations=_location_choices(actor),
        can_assign_roles=can(actor, Action.ROLES_ASSIGN),
        current_roles=current_roles,
        creating=person is None,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_MANAGE)
    form = _person_form(request, actor)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(
                actor=actor,
                email=form.cleaned_data["email"],
                data=form.person_data(),
                roles=form.cleaned_data["roles"],
            )
        except DomainError as error:
            add_domain_error(form, error, PERSON_FIELD_RENAMES)
        else:
            messages.success(
                request, _("%(name)s was added to the directory.") % {"name": person.full_name}
            )
            return redirect("accounts:person_detail", membership_id=person.pk)
    return render(request, "accounts/people/form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_MANAGE)
    person = _person_or_404(actor, membership_id)
    form = _person_form(request, actor, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(
                actor=actor,
                membership_id=person.pk,
                data=form.person_data(),
                roles=form.cleaned_data["roles"],
            )
        except DomainError as error:
            add_domain_error(form, error, PERSON_FIELD_RENAMES)
        else:
            messages.success(
                request, _("The changes to %(name)s were saved.") % {"name": person.full_name}
            )
            return redirect("accounts:person_detail", membership_id=person.pk)
    return render(request, "accounts/people/form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_offboard_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A confirmation page; the POST marks the person as a leaver."""
    actor = page_actor(request, Action.PEOPLE_OFFBOARD)
    person = _person_or_404(actor, membership_id)
    if not person.is_active:
        messages.info(request, _("%(name)s has already left.") % {"name": person.full_name})
        return redirect("accounts:person_detail", membership_id=person.pk)
    form = OffboardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person_offboard(
                actor=actor, membership_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is marked as having left. They were signed out everywhere and "
                    "their API tokens no longer work."
                )
                % {"name": person.full_name},
            )
            return redirect("accounts:person_detail", membership_id=person.pk)
    active_tokens = person_active_token_count(actor=actor, membership=person)
    return render(
        request,
        "accounts/people/offboard.html",
        {"form": form, "person": person, "active_tokens": active_tokens},
    )


@login_required
@require_POST
def person_reinstate_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_OFFBOARD)
    person = _person_or_404(actor, membership_id)
    try:
        person_reinstate(actor=actor, membership_id=person.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is active again. They can sign in; API tokens must be created anew.")
            % {"name": person.full_name},
        )
    return redirect("accounts:person_detail", membership_id=person.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_two_factor_reset_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A confirmation page; the POST removes the person's second factor and signs them out."""
    actor = page_actor(request, Action.PEOPLE_SECURITY_RESET)
    person = _person_or_404(actor, membership_id)
    since = person_two_factor_since(actor=actor, membership=person)
    if request.method != "POST":
        refusal = two_factor_reset_refusal(actor=actor, membership=person, enabled=bool(since))
        if refusal is not None:
            messages.info(request, refusal.message)
            if refusal.code == "self_two_factor_reset":
                return redirect("accounts:security")
            return redirect("accounts:person_detail", membership_id=person.pk)
    form = TwoFactorResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_reset(
                actor=actor, membership_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.fields:
                add_domain_error(form, error)
            else:
                # A refusal (already reset by someone else, left meanwhile): nothing to confirm.
                messages.error(request, error.message)
                return redirect("accounts:person_detail", membership_id=person.pk)
        else:
            messages.success(
                request,
                _(
                    "The two-factor authentication of %(name)s was reset and they were signed "
                    "out everywhere. They can set it up again at their next sign-in."
                )
                % {"name": person.full_name},
            )
            return redirect("accounts:person_detail", membership_id=person.pk)
    context = {
        "form": form,
        "person": person,
        "two_factor_since": since,
        "required": two_factor_required(user=person.user, membership=person),
        "other_organizations": person_other_organization_count(actor=actor, membership=person),
    }
    return render(request, "accounts/people/two_factor_reset.html", context)
