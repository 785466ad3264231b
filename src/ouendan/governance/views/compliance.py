"""The compliance rules page: the lists and severities, with a box to try the scanner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.governance.compliance import RULES_BY_CODE, ScanResult
from ouendan.governance.forms import LIST_LABELS, ComplianceSettingsForm, TryForm
from ouendan.governance.selectors import compliance_settings_get
from ouendan.governance.services.compliance import compliance_settings_update, compliance_text_scan
from ouendan.networks import Network


def highlighted(text: str, result: ScanResult) -> list[tuple[str, str]]:
    """The text cut into (piece, severity or "") so that the page can mark what was found."""
    pieces: list[tuple[str, str]] = []
    cursor = 0
    for finding in sorted(result.findings, key=lambda f: (f.start, -f.end)):
        if finding.end - finding.start >= len(text) or finding.start < cursor:
            continue  # the whole text, or inside a piece already marked
        pieces.append((text[cursor : finding.start], ""))
        pieces.append((text[finding.start : finding.end], finding.severity.value))
        cursor = finding.end
    pieces.append((text[cursor:], ""))
    return [piece for piece in pieces if piece[0]]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def compliance_settings(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.COMPLIANCE_MANAGE)
    row = compliance_settings_get(actor=actor)
    defaults = {code: rule.default.value for code, rule in RULES_BY_CODE.items()}
    initial: dict[str, Any] = {name: "\n".join(getattr(row, name)) for name in LIST_LABELS}
    initial.update({f"severity_{code}": level for code, level in row.severities.items()})
    form = ComplianceSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, defaults=defaults
    )
    if request.method == "POST" and form.is_valid():
        try:
            compliance_settings_update(
                actor=actor, lists=form.lists(), severities=form.severities()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Compliance rules saved."))
            return redirect("governance:compliance")
    return render(
        request,
        "governance/compliance.html",
        {"form": form, "try_form": TryForm(), "row": row},
    )


@login_required
@require_POST
def compliance_try(request: HttpRequest) -> HttpResponse:
    """The scanner's answer for a text typed on the settings page (an htmx fragment)."""
    actor = page_actor(request, Action.COMPLIANCE_SCAN)
    form = TryForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        network = form.cleaned_data["network"]
        result = compliance_text_scan(
            actor=actor,
            text=form.cleaned_data["text"],
            network=Network(network) if network else None,
            promotional=form.cleaned_data["promotional"],
        )
        context.update(result=result, pieces=highlighted(form.cleaned_data["text"], result))
    return render(request, "governance/_try_result.html", context)
