"""The audit log page: filter, read, and see whether the hash chain is intact."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ouendan.accounts import selectors
from ouendan.accounts.audit import audit_chain_check
from ouendan.accounts.forms import AuditFilterForm
from ouendan.accounts.models import AuditChainHead, AuditEvent
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor

PAGE_SIZE = 50
VALUE_MAX = 80

# Human names for the actions people ask about most; any other code is shown as it is.
ACTION_LABELS: dict[str, str | Promise] = {
    "person.created": gettext_lazy("Person added"),
    "person.updated": gettext_lazy("Person changed"),
    "person.offboarded": gettext_lazy("Person marked as left"),
    "person.reinstated": gettext_lazy("Person reinstated"),
    "people.imported": gettext_lazy("Employees imported"),
    "organization.created": gettext_lazy("Organization created"),
    "organization.updated": gettext_lazy("Organization settings changed"),
    "department.created": gettext_lazy("Department added"),
    "department.updated": gettext_lazy("Department changed"),
    "department.deleted": gettext_lazy("Department deleted"),
    "departments.imported": gettext_lazy("Departments imported"),
    "location.created": gettext_lazy("Location added"),
    "location.updated": gettext_lazy("Location changed"),
    "location.deleted": gettext_lazy("Location deleted"),
    "invitation.created": gettext_lazy("Invitation sent"),
    "invitation.sent": gettext_lazy("Invitation sent"),
    "invitation.resent": gettext_lazy("Invitation sent again"),
    "invitation.revoked": gettext_lazy("Invitation revoked"),
    "invitation.accepted": gettext_lazy("Invitation accepted"),
    "invitations.expired": gettext_lazy("Invitations expired"),
    "api_token.created": gettext_lazy("API token created"),
    "api_token.revoked": gettext_lazy("API token revoked"),
    "auth.signed_in": gettext_lazy("Signed in"),
    "auth.locked_out": gettext_lazy("Locked out after failed sign-ins"),
    "auth.password_changed": gettext_lazy("Password changed"),
    "auth.password_reset": gettext_lazy("Password reset"),
    "auth.two_factor_enabled": gettext_lazy("Two-factor authentication turned on"),
    "auth.two_factor_disabled": gettext_lazy("Two-factor authentication turned off"),
    "auth.two_factor_reset": gettext_lazy("Two-factor authentication reset by an admin"),
    "auth.recovery_code_used": gettext_lazy("Recovery code used"),
    "auth.recovery_codes_regenerated": gettext_lazy("Recovery codes renewed"),
}

TARGET_LABELS: dict[str, str | Promise] = {
    "accounts.membership": gettext_lazy("Person"),
    "accounts.user": gettext_lazy("Sign-in"),
    "accounts.organization": gettext_lazy("Organization"),
    "accounts.department": gettext_lazy("Department"),
    "accounts.location": gettext_lazy("Location"),
    "accounts.invitation": gettext_lazy("Invitation"),
    "accounts.apitoken": gettext_lazy("API token"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _compact(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        text = ", ".join(_compact(item) for item in value) or "—"
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    else:
        text = str(value)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


@dataclass(frozen=True)
class AuditRow:
    seq: int
    created_at: datetime
    actor_label: str
    action: str
    action_label: str
    target_type_label: str
    target_label: str
    target_url: str
    data: list[tuple[str, str]]


def _target_url(actor: Actor, event: AuditEvent, departments: set[int]) -> str:
    if not event.target_id.isdigit():
        return ""
    if event.target_type == "accounts.membership" and can(actor, Action.PEOPLE_VIEW):
        return reverse("accounts:person_detail", args=[int(event.target_id)])
    if event.target_type == "accounts.department" and int(event.target_id) in departments:
        return reverse("accounts:department_edit", args=[int(event.target_id)])
    return ""


def audit_rows(actor: Actor, events: Iterable[AuditEvent]) -> list[AuditRow]:
    """What a person reads in a row: human names where known, data as ``key: value``."""
    events = list(events)
    # Departments are deleted sometimes: link only to those still there (one query).
    departments = (
        selectors.departments_existing(
            actor=actor,
            ids={
                int(event.target_id)
                for event in events
                if event.target_type == "accounts.department" and event.target_id.isdigit()
            },
        )
        if can(actor, Action.DEPARTMENTS_MANAGE)
        else set()
    )
    return [
        AuditRow(
            seq=event.seq,
            created_at=event.created_at,
            actor_label=event.actor_label,
            action=event.action,
            action_label=action_label(event.action),
            target_type_label=str(TARGET_LABELS.get(event.target_type, event.target_type)),
            target_label=event.target_label,
            target_url=_target_url(actor, event, departments),
            data=[(str(key), _compact(value)) for key, value in sorted(event.data.items())],
        )
        for event in events
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.AUDIT_VIEW)
    if request.method == "POST":  # "Verify now"
        problem = audit_chain_check(actor.organization)
        if problem is None:
            messages.success(request, _("The audit log was verified just now: it is intact."))
        return redirect(request.get_full_path())
    head = AuditChainHead.objects.filter(organization=actor.organization).first()
    if head is None or head.verified_at is None:
        audit_chain_check(actor.organization)  # first visit: check once, then the job keeps up
        head = AuditChainHead.objects.filter(organization=actor.organization).first()
    actions, target_types = selectors.audit_facets(actor=actor)
    form = AuditFilterForm(
        request.GET,
        actions=[(code, action_label(code)) for code in actions],
        target_types=[(code, str(TARGET_LABELS.get(code, code))) for code in target_types],
    )
    filters = form.to_filter()
    events = selectors.audit_list(actor=actor, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": audit_rows(actor, page),
        "narrowed": filters != selectors.AuditFilter(),
        "one_target": filters.target_id,
        "chain": head,
    }
    return render(request, "accounts/audit/list.html", context)
