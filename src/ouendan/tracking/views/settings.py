"""The conversion settings page: how to install the snippet, the attribution settings, the
allowed origins, the signing secret (shown once) and the conversion types."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.auth import reveal_once_pop, reveal_once_store
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.tracking.models import AttributionModel
from ouendan.tracking.selectors import conversion_types_list, tracking_settings_of
from ouendan.tracking.services.settings import (
    TrackingRules,
    conversion_type_create,
    conversion_type_update,
    signing_secret_rotate,
    tracking_settings_update,
)
from ouendan.tracking.signing import ORGANIZATION_HEADER, SIGNATURE_HEADER
from ouendan.tracking.snippet import STUB, ouendan_origin, snippet_url, stub_csp_source

_SECRET_REVEAL = "ouendan_signing_secret_reveal"  # noqa: S105 - a session key name
TEMPLATE = "tracking/settings.html"


def _context(request: HttpRequest, actor: Actor, **extra: Any) -> dict[str, Any]:
    found = tracking_settings_of(actor.organization)
    origin = ouendan_origin()
    return {
        "settings": found,
        "origins_text": "\n".join(found.allowed_origins),
        "models": AttributionModel.choices,
        "types": list(conversion_types_list(actor=actor)),
        "snippet_url": snippet_url(actor.organization),
        "stub": STUB,
        "stub_csp": stub_csp_source(),
        "ouendan_origin": origin,
        "conversions_api": f"{origin}{reverse('api:conversion_record_api')}",
        "signature_header": SIGNATURE_HEADER,
        "organization_header": ORGANIZATION_HEADER,
        **extra,
    }


@never_cache
@login_required
def conversions_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONVERSIONS_MANAGE)
    revealed = reveal_once_pop(request, _SECRET_REVEAL)
    return render(request, TEMPLATE, _context(request, actor, revealed_secret=revealed))


def _number(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise DomainError(_("Enter a whole number."), fields={field: [_("Not a number.")]}) from exc


def _amount(value: str, field: str = "default_value") -> Decimal | None:
    text = value.strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise DomainError(_("Enter an amount."), fields={field: [_("Not a number.")]}) from exc


@login_required
@require_POST
def settings_update_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONVERSIONS_MANAGE)
    try:
        tracking_settings_update(
            actor=actor,
            rules=TrackingRules(
                attribution_window_days=_number(
                    request.POST.get("attribution_window_days", ""), "attribution_window_days"
                ),
                default_model=request.POST.get("default_model", ""),
                half_life_days=_number(request.POST.get("half_life_days", ""), "half_life_days"),
                allowed_origins=request.POST.get("allowed_origins", "").splitlines(),
            ),
        )
    except DomainError as error:
        context = _context(request, actor, error=error, posted=request.POST)
        return render(request, TEMPLATE, context, status=400)
    messages.success(request, _("Conversion settings saved."))
    return redirect("conversions:settings")


@login_required
@require_POST
def secret_rotate_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONVERSIONS_MANAGE)
    _found, secret = signing_secret_rotate(actor=actor)
    reveal_once_store(request, _SECRET_REVEAL, secret)
    messages.success(request, _("A new signing secret was made; the previous one no longer works."))
    return redirect(f"{reverse('conversions:settings')}#secret-heading")


@login_required
@require_POST
def type_create_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONVERSIONS_MANAGE)
    try:
        created = conversion_type_create(
            actor=actor,
            key=request.POST.get("key", ""),
            label=request.POST.get("label", ""),
            default_value=_amount(request.POST.get("default_value", "")),
            active=True,
        )
    except DomainError as error:
        context = _context(request, actor, type_error=error, posted=request.POST)
        return render(request, TEMPLATE, context, status=400)
    messages.success(
        request, _("The conversion type “%(label)s” was added.") % {"label": created.label}
    )
    return redirect(f"{reverse('conversions:settings')}#types-heading")


@login_required
@require_POST
def type_update_view(request: HttpRequest, conversion_type_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONVERSIONS_MANAGE)
    try:
        changed = conversion_type_update(
            actor=actor,
            conversion_type_id=conversion_type_id,
            label=request.POST.get("label", ""),
            default_value=_amount(request.POST.get("default_value", "")) or Decimal(0),
            active=request.POST.get("active") == "on",
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        context = _context(
            request, actor, type_error=error, type_error_id=conversion_type_id, posted=request.POST
        )
        return render(request, TEMPLATE, context, status=400)
    messages.success(
        request,
        _("The conversion type “%(label)s” was saved.") % {"label": changed.display_label},
    )
    return redirect(f"{reverse('conversions:settings')}#types-heading")
