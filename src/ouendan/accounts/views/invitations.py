"""Invitations: the admin's list and invite form, revoke and resend, and the public accept page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.models import Invitation, User
from ouendan.accounts.permissions import Action, can
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import (
    INVITATION_FILTERS,
    department_choices,
    invitation_by_token,
    invitation_has_sign_in,
    invitation_list,
)
from ouendan.accounts.services.invitations import (
    InvitationUnusable,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from ouendan.accounts.sessions import ORGANIZATION
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 50


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Used in the e-mail; they can correct it when they accept."),
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        departments: list[tuple[int, str]],
        may_assign_roles: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, initial={"roles": [Role.ADVOCATE.value]}, **kwargs)
        roles: Any = self.fields["roles"]
        if not may_assign_roles:
            roles.choices = [(Role.ADVOCATE.value, Role.ADVOCATE.label)]
            roles.help_text = _("Only an organization admin can invite with other roles.")
        department: Any = self.fields["department"]
        department.choices = [("", _("No department")), *departments]


class AcceptForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=120,
        help_text=gettext_lazy("As your colleagues know you, e.g. 山田 太郎."),
    )
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters; not a common or all-number password."),
    )
    password_confirm = forms.CharField(
        label=gettext_lazy("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, data: Any = None, *, needs_password: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if not needs_password:
            del self.fields["password"]
            del self.fields["password_confirm"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            "password" in self.fields
            and cleaned.get("password")
            and cleaned.get("password") != cleaned.get("password_confirm")
        ):
            self.add_error("password_confirm", _("The two passwords are not the same."))
        return cleaned


def _status_filter(value: str | None) -> str:
    return value if value in INVITATION_FILTERS else ""


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.INVITATIONS_MANAGE)
    form = InvitationForm(
        request.POST if request.method == "POST" else None,
        departments=department_choices(actor=actor),
        may_assign_roles=can(actor, Action.ROLES_ASSIGN),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_create(
                actor=actor,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"] or [Role.ADVOCATE.value],
                department_id=form.cleaned_data["department"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, {"department_id": "department"})
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for %(days)d days.")
                % {"email": invitation.email, "days": settings.INVITATION_TTL_DAYS},
            )
            return redirect("accounts:invitations")
    status = _status_filter(request.GET.get("status"))
    page = Paginator(invitation_list(actor=actor, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/invitations/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [(invitation, _role_labels(invitation)) for invitation in page],
            "can_import": can(actor, Action.PEOPLE_IMPORT),
            "status": status,
            "status_choices": [
                (value, label)
                for value, label in Invitation.Status.choices
                if value in INVITATION_FILTERS
            ],
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


def _role_labels(invitation: Invitation) -> list[str]:
    return [str(Role(code).label) for code in invitation.roles if code in Role.values]


def _back_to_list(request: HttpRequest) -> HttpResponse:
    status = _status_filter(request.POST.get("status"))
    url = reverse("accounts:invitations")
    return redirect(f"{url}?status={status}" if status else url)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = page_actor(request, Action.INVITATIONS_MANAGE)
    try:
        invitation = invitation_revoke(actor=actor, invitation_id=invitation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was revoked; its link no longer works.")
            % {"email": invitation.email},
        )
    return _back_to_list(request)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = page_actor(request, Action.INVITATIONS_MANAGE)
    try:
        invitation, _token = invitation_resend(actor=actor, invitation_id=invitation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The invitation to %(email)s was sent again with a new link; the old link no "
                "longer works."
            )
            % {"email": invitation.email},
        )
    return _back_to_list(request)


def _unusable(
    request: HttpRequest, error: InvitationUnusable, invitation: Invitation | None
) -> HttpResponse:
    status = 404 if error.code == "invitation_invalid" else 410
    return render(
        request,
        "accounts/invitations/unusable.html",
        {"error": error, "invitation": invitation},
        status=status,
    )


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: whoever holds the link may join, once, before it expires."""
    found = invitation_by_token(token=token)
    try:
        invitation = invitation_check(found)
    except InvitationUnusable as exc:
        return _unusable(request, exc, found)
    with timezone.override(invitation.organization.time_zone):
        return _accept(request, token, invitation)


def _accept(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    has_sign_in = invitation_has_sign_in(invitation=invitation)
    is_invitee = user is not None and user.email.lower() == invitation.email.lower()
    form = AcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"full_name": invitation.full_name},
        needs_password=not has_sign_in,
    )
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "form": form,
        "has_sign_in": has_sign_in,
        "is_invitee": is_invitee,
        "signed_in_as": user.email if user is not None else "",
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
    }
    if request.method == "POST" and form.is_valid() and (is_invitee or not has_sign_in):
        try:
            membership = invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data.get("password", ""),
                user=user if is_invitee else None,
            )
        except InvitationUnusable as exc:
            return _unusable(request, exc, invitation)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if not is_invitee:
                # login() starts a fresh session, so a different signed-in person is signed out.
                login(request, membership.user, backend="ouendan.accounts.backends.EmailBackend")
            request.session[ORGANIZATION] = membership.organization_id
            messages.success(
                request,
                _("Welcome to %(organization)s!") % {"organization": membership.organization.name},
            )
            return redirect("core:home")
    return render(
        request,
        "accounts/invitations/accept.html",
        context,
        status=400 if form.errors else 200,
    )
