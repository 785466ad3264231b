"""Organization settings, the department tree and locations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts.forms import (
    DepartmentForm,
    LocationForm,
    OrganizationSettingsForm,
    add_domain_error,
)
from ouendan.accounts.models import Location
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.selectors import (
    department_choices,
    department_descendant_ids,
    department_get,
    department_tree,
    department_usage,
    locations_with_counts,
    organization_get,
)
from ouendan.accounts.services.organizations import (
    department_create,
    department_delete,
    department_update,
    location_create,
    location_delete,
    location_update,
    organization_update,
)
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound

GET_OR_POST = ["GET", "HEAD", "POST"]


@login_required
@require_http_methods(GET_OR_POST)
def settings_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ORG_MANAGE)
    org = organization_get(actor=actor)
    initial = {
        "name": org.name,
        "locale": org.locale,
        "time_zone": org.time_zone,
        "require_two_factor": org.require_two_factor,
        "default_appear_as": org.default_appear_as,
    }
    if request.method == "POST":
        form = OrganizationSettingsForm(request.POST, request.FILES, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organization_update(
                    actor=actor,
                    name=data["name"],
                    locale=data["locale"],
                    time_zone=data["time_zone"],
                    require_two_factor=data["require_two_factor"],
                    logo=data["logo"],
                    remove_logo=data["remove_logo"],
                    default_appear_as=data["default_appear_as"] or None,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The organization settings were saved."))
                return redirect("accounts:settings")
    else:
        form = OrganizationSettingsForm(initial=initial)
    return render(request, "accounts/organization/settings.html", {"form": form, "org": org})


def _require_manage(actor: Actor) -> None:
    if not can(actor, Action.DEPARTMENTS_MANAGE):
        raise PermissionDenied(Action.DEPARTMENTS_MANAGE.value)


@login_required
@require_http_methods(GET_OR_POST)
def departments(request: HttpRequest) -> HttpResponse:
    """The tree with member counts for everyone; the add form for those who manage it."""
    actor = page_actor(request, Action.DEPARTMENTS_VIEW)
    can_manage = can(actor, Action.DEPARTMENTS_MANAGE)
    form = None
    if request.method == "POST":
        _require_manage(actor)
        form = DepartmentForm(request.POST, parents=department_choices(actor=actor))
        if form.is_valid():
            try:
                dept = department_create(
                    actor=actor,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    parent_id=form.cleaned_data["parent_id"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The department %(name)s was added.") % {"name": dept})
                return redirect("accounts:departments")
    elif can_manage:
        form = DepartmentForm(
            parents=department_choices(actor=actor),
            initial={"parent_id": request.GET.get("parent")},
        )
    context = {"rows": department_tree(actor=actor), "form": form, "can_manage": can_manage}
    return render(request, "accounts/organization/departments.html", context)


@login_required
@require_http_methods(GET_OR_POST)
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    """Rename, recode or move a department; its own branch is never offered as a parent."""
    actor = page_actor(request, Action.DEPARTMENTS_MANAGE)
    try:
        dept = department_get(actor=actor, department_id=department_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    branch = department_descendant_ids(actor=actor, department_id=dept.pk)
    parents = [(pk, path) for pk, path in department_choices(actor=actor) if pk not in branch]
    initial = {"name": dept.name, "code": dept.code, "parent_id": dept.parent_id}
    if request.method == "POST":
        # A parent inside its own branch is not a valid choice: a tampered form changes nothing.
        form = DepartmentForm(request.POST, parents=parents, initial=initial)
        if form.is_valid():
            try:
                department_update(
                    actor=actor,
                    department_id=dept.pk,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    parent_id=form.cleaned_data["parent_id"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The department %(name)s was saved.") % {"name": dept})
                return redirect("accounts:departments")
    else:
        form = DepartmentForm(parents=parents, initial=initial)
    context = {
        "form": form,
        "department": dept,
        # What still uses it: the page says so instead of offering a delete that would fail.
        "usage": department_usage(actor=actor, department_id=dept.pk),
    }
    return render(request, "accounts/organization/department_edit.html", context)


@login_required
@require_POST
def department_delete_view(request: HttpRequest, department_id: int) -> HttpResponse:
    actor = page_actor(request, Action.DEPARTMENTS_MANAGE)
    try:
        dept = department_delete(actor=actor, department_id=department_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:department_edit", department_id=department_id)
    messages.success(request, _("The department %(name)s was deleted.") % {"name": dept.name})
    return redirect("accounts:departments")


@login_required
@require_http_methods(GET_OR_POST)
def locations(request: HttpRequest) -> HttpResponse:
    """Locations with member counts; managers add one, or rename one (``?edit=<id>``)."""
    actor = page_actor(request, Action.DEPARTMENTS_VIEW)
    can_manage = can(actor, Action.DEPARTMENTS_MANAGE)
    rows = list(locations_with_counts(actor=actor))
    editing: Location | None = None
    edit_id = request.POST.get("location_id") or request.GET.get("edit")
    if can_manage and edit_id:
        editing = next((loc for loc in rows if str(loc.pk) == edit_id), None)
        if editing is None:
            raise Http404
    form = None
    if request.method == "POST":
        _require_manage(actor)
        form = LocationForm(request.POST)
        if form.is_valid():
            try:
                if editing is not None:
                    location = location_update(
                        actor=actor, location_id=editing.pk, **form.cleaned_data
                    )
                    message = _("The location %(name)s was saved.")
                else:
                    location = location_create(actor=actor, **form.cleaned_data)
                    message = _("The location %(name)s was added.")
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, message % {"name": location.name})
                return redirect("accounts:locations")
    elif can_manage:
        initial = {"name": editing.name, "code": editing.code} if editing else None
        form = LocationForm(initial=initial)
    context = {"rows": rows, "form": form, "editing": editing, "can_manage": can_manage}
    return render(request, "accounts/organization/locations.html", context)


@login_required
@require_POST
def location_delete_view(request: HttpRequest, location_id: int) -> HttpResponse:
    actor = page_actor(request, Action.DEPARTMENTS_MANAGE)
    try:
        location = location_delete(actor=actor, location_id=location_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The location %(name)s was deleted.") % {"name": location.name})
    return redirect("accounts:locations")
