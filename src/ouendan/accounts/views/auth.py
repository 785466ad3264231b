"""Sign-in, sign-out, two-factor, the security page, password change and reset, organization switch.

Each view validates a small form, calls one service from ``services.security`` and renders; the
session handling (rotating the key, the pending second factor, what is shown once) lives here.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts import crypto
from ouendan.accounts.models import User
from ouendan.accounts.selectors import active_memberships_of
from ouendan.accounts.services import security as security_service
from ouendan.accounts.sessions import ORGANIZATION, TWO_FACTOR_PENDING_USER, TWO_FACTOR_VERIFIED
from ouendan.core.errors import DomainError

# Session keys private to these views (the shared ones are in ``accounts.sessions``).
_PENDING_SINCE = "ouendan_two_factor_pending_since"
_LOGIN_NEXT = "ouendan_login_next"
_RECOVERY_REVEAL = "ouendan_recovery_codes_reveal"  # encrypted: shown once, then dropped
_RESET_TOKEN = "ouendan_password_reset_token"  # noqa: S105 - a session key name
_RESET_URL_TOKEN = "set-password"  # noqa: S105 - replaces the token in the URL (no Referer leak)
PENDING_TWO_FACTOR_SECONDS = 10 * 60


# --- Forms ---------------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    """A form that can show a service's ``DomainError`` on its fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def apply(self, exc: DomainError) -> None:
        """Show a service's error above the form, and on the fields it names."""
        self.add_error(None, exc.message)
        for name, errors in exc.fields.items():
            if name in self.fields:
                for error in errors:
                    self.add_error(name, error)


def _password(label: str | Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class LoginForm(ServiceForm):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = _password(gettext_lazy("Password"), "current-password")


class CodeForm(ServiceForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code from your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class SetupCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The 6-digit code your app shows now.")
        self.fields["code"].widget.attrs.pop("autofocus", None)


class PasswordConfirmForm(ServiceForm):
    password = _password(gettext_lazy("Current password"), "current-password")


class NewPasswordForm(ServiceForm):
    new_password1 = _password(gettext_lazy("New password"), "new-password")
    new_password2 = _password(gettext_lazy("New password again"), "new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = _password(gettext_lazy("Current password"), "current-password")
    field_order = ["old_password", "new_password1", "new_password2"]


class PasswordResetForm(ServiceForm):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


# --- Helpers -------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it points back into this site, else the home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _next_param(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if _safe_next(request, value) == value else ""


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _two_factor_required(request: HttpRequest, user: User) -> bool:
    """Whether the organization the person acts in (if any) requires their second factor."""
    actor = getattr(request, "actor", None)
    return security_service.two_factor_required(
        user=user, membership=actor.membership if actor else None
    )


def reveal_once_store(request: HttpRequest, key: str, value: Any) -> None:
    """Keep a secret for the next page only (after a redirect), encrypted in the session."""
    request.session[key] = crypto.encrypt(json.dumps(value))


def reveal_once_pop(request: HttpRequest, key: str) -> Any:
    """The secret kept by ``reveal_once_store``, removed from the session as it is read."""
    stored = request.session.pop(key, None)
    if not stored:
        return None
    try:
        return json.loads(crypto.decrypt(stored))
    except ValueError:
        return None


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(TWO_FACTOR_PENDING_USER)
    since = request.session.get(_PENDING_SINCE, 0)
    if user_id is None or time.time() - since > PENDING_TWO_FACTOR_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _pending_clear(request: HttpRequest) -> None:
    for key in (TWO_FACTOR_PENDING_USER, _PENDING_SINCE, _LOGIN_NEXT):
        request.session.pop(key, None)


def _complete_sign_in(request: HttpRequest, user: User, method: str, verified: bool) -> None:
    security_service.sign_in_complete(
        user=user, method=method, client=security_service.client_hash_for_request(request)
    )
    _pending_clear(request)
    login(request, user)  # also rotates the session key
    request.session[TWO_FACTOR_VERIFIED] = verified


# --- Sign-in and sign-out ------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_param(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request, next_url))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client = security_service.client_hash_for_request(request)
        try:
            user = security_service.sign_in_attempt(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client=client,
            )
        except security_service.SignInThrottled as exc:
            form.apply(exc)
            status = 429
        except DomainError as exc:
            form.apply(exc)
        else:
            if security_service.totp_device_confirmed(user) is not None:
                if request.user.is_authenticated:
                    logout(request)
                request.session.cycle_key()
                request.session[TWO_FACTOR_PENDING_USER] = user.pk
                request.session[_PENDING_SINCE] = time.time()
                request.session[_LOGIN_NEXT] = next_url
                return redirect("accounts:two_factor_verify")
            _complete_sign_in(request, user, "password", verified=False)
            return redirect(_safe_next(request, next_url))
    response = render(
        request, "accounts/auth/login.html", {"form": form, "next": next_url}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(
            security_service.sign_in_retry_after(
                email=form.cleaned_data.get("email", ""),
                client=security_service.client_hash_for_request(request),
            )
            or settings.LOGIN_LOCKOUT_SECONDS
        )
    return response


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm (a link cannot sign anyone out); POST signs out."""
    if request.method == "POST":
        logout(request)
        messages.success(request, _("You are signed out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/auth/logout.html")


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a TOTP or recovery code, for a pending sign-in or an unverified session."""
    pending = _pending_user(request)
    signed_in = request.user.is_authenticated and not request.session.get(TWO_FACTOR_VERIFIED)
    user = pending or (_user(request) if signed_in else None)
    if user is None or security_service.totp_device_confirmed(user) is None:
        _pending_clear(request)
        if request.user.is_authenticated:
            return redirect(_safe_next(request, _next_param(request)))
        messages.info(request, _("Sign in again, please."))
        return redirect("accounts:login")
    next_url = request.session.get(_LOGIN_NEXT, "") if pending else _next_param(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            method = security_service.second_factor_verify(
                user=user,
                code=form.cleaned_data["code"],
                client=security_service.client_hash_for_request(request),
            )
        except security_service.SignInThrottled as exc:
            if pending is not None:
                _pending_clear(request)
                messages.error(request, exc.message)
                return redirect("accounts:login")
            form.apply(exc)
            status = 429
        except DomainError as exc:
            form.apply(exc)
        else:
            if pending is not None:
                _complete_sign_in(request, user, method, verified=True)
            else:
                security_service.sign_in_complete(
                    user=user,
                    method=method,
                    client=security_service.client_hash_for_request(request),
                )
                request.session.cycle_key()
                request.session[TWO_FACTOR_VERIFIED] = True
            if method == "recovery_code":
                left = security_service.recovery_codes_remaining(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. "
                        "Make new ones on the security page.",
                        "You used a recovery code; %(count)d are left. "
                        "Make new ones on the security page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_safe_next(request, next_url))
    return render(
        request,
        "accounts/auth/two_factor_verify.html",
        {"form": form, "next": "" if pending else next_url},
        status=status,
    )


# --- Security page, password, two-factor setup ---------------------------------------------------


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    device = security_service.totp_device_confirmed(user)
    return render(
        request,
        "accounts/auth/security.html",
        {
            "device": device,
            "recovery_left": security_service.recovery_codes_remaining(user) if device else 0,
            "required": _two_factor_required(request, user),
            "memberships": list(active_memberships_of(user.pk)),
        },
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        try:
            security_service.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                client=security_service.client_hash_for_request(request),
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(
                request, _("Your password was changed. Other sessions were signed out.")
            )
            return redirect("accounts:security")
    return render(request, "accounts/auth/password_change.html", {"form": form})


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    next_url = _next_param(request)
    if security_service.totp_device_confirmed(user) is not None:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("accounts:security")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = security_service.totp_device_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.apply(exc)
        else:
            update_session_auth_hash(request, user)
            request.session[TWO_FACTOR_VERIFIED] = True
            reveal_once_store(request, _RECOVERY_REVEAL, {"codes": codes, "next": next_url})
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("accounts:recovery_codes")
    setup = security_service.totp_device_start(user=user)
    return render(
        request,
        "accounts/auth/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": setup.secret_grouped,
            "qr_svg": setup.qr_svg(_("QR code to scan with your authenticator app")),
            "required": _two_factor_required(request, user),
        },
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if security_service.totp_device_confirmed(user) is None:
        return redirect("accounts:security")
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            security_service.totp_device_disable(
                user=user,
                password=form.cleaned_data["password"],
                client=security_service.client_hash_for_request(request),
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            update_session_auth_hash(request, user)
            request.session[TWO_FACTOR_VERIFIED] = False
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:security")
    return render(
        request,
        "accounts/auth/two_factor_disable.html",
        {
            "form": form,
            "required": _two_factor_required(request, user),
        },
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new codes once (right after setup or regeneration); otherwise offers to regenerate."""
    user = _user(request)
    if security_service.totp_device_confirmed(user) is None:
        return redirect("accounts:security")
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = security_service.recovery_codes_regenerate(
                user=user,
                password=form.cleaned_data["password"],
                client=security_service.client_hash_for_request(request),
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            reveal_once_store(request, _RECOVERY_REVEAL, {"codes": codes, "next": ""})
            return redirect("accounts:recovery_codes")
    revealed = reveal_once_pop(request, _RECOVERY_REVEAL) if request.method == "GET" else None
    return render(
        request,
        "accounts/auth/recovery_codes.html",
        {
            "form": form,
            "codes": revealed["codes"] if revealed else None,
            "codes_text": "\n".join(revealed["codes"]) if revealed else "",
            "continue_url": _safe_next(request, revealed.get("next")) if revealed else "",
            "left": security_service.recovery_codes_remaining(user),
        },
    )


# --- Password reset ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            security_service.password_reset_request(
                email=form.cleaned_data["email"],
                client=security_service.client_hash_for_request(request),
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            return redirect("accounts:password_reset_sent")
    return render(request, "accounts/auth/password_reset.html", {"form": form})


@require_http_methods(["GET"])
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/auth/password_reset_sent.html")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != _RESET_URL_TOKEN:
        # Keep the token out of the address bar (and any Referer) from here on.
        if security_service.password_reset_user(uidb64=uidb64, token=token) is None:
            return render(request, "accounts/auth/password_reset_confirm.html", {"form": None})
        request.session[_RESET_TOKEN] = token
        return HttpResponseRedirect(
            reverse(
                "accounts:password_reset_confirm",
                kwargs={"uidb64": uidb64, "token": _RESET_URL_TOKEN},
            )
        )
    session_token = request.session.get(_RESET_TOKEN, "")
    if security_service.password_reset_user(uidb64=uidb64, token=session_token) is None:
        return render(request, "accounts/auth/password_reset_confirm.html", {"form": None})
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            security_service.password_reset_complete(
                uidb64=uidb64,
                token=session_token,
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            request.session.pop(_RESET_TOKEN, None)
            messages.success(request, _("Your password was changed. Sign in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/auth/password_reset_confirm.html", {"form": form})


# --- Organization switch -------------------------------------------------------------------------


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    """Act in another organization the person is an active member of."""
    raw = request.POST.get("organization", "")
    membership = None
    if raw.isdigit():
        membership = (
            active_memberships_of(_user(request).pk).filter(organization_id=int(raw)).first()
        )
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        request.session[ORGANIZATION] = membership.organization_id
        messages.success(
            request,
            _("You are now working in %(organization)s.")
            % {"organization": membership.organization.name},
        )
    return redirect(_safe_next(request, _next_param(request)))
