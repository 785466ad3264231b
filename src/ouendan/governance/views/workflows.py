"""Workflow pages: the list, adding and editing a workflow with its stages, removing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.selectors import department_choices
from ouendan.accounts.views.people import page_actor
from ouendan.content.selectors import campaign_choices, topic_choices
from ouendan.core.errors import DomainError, NotFound
from ouendan.governance.forms import StageForm, StageFormSet, WorkflowForm
from ouendan.governance.models import Workflow
from ouendan.governance.selectors import workflow_get, workflows_list
from ouendan.governance.services.reviews import DEFAULT_SLA_HOURS
from ouendan.governance.services.workflows import (
    STAGES_MAX,
    StageData,
    WorkflowData,
    workflow_create,
    workflow_delete,
    workflow_update,
)


@login_required
@require_safe
def workflows_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.WORKFLOWS_MANAGE)
    return render(request, "governance/workflows.html", {"workflows": workflows_list(actor=actor)})


def _forms(request: HttpRequest, actor: Actor, workflow: Workflow | None) -> tuple[Any, Any]:
    initial: dict[str, Any] = {"active": True}
    stages: list[dict[str, Any]] = [{"sla_hours": DEFAULT_SLA_HOURS}]
    if workflow is not None:
        scope = (
            f"topic:{workflow.topic_id}"
            if workflow.topic_id
            else f"campaign:{workflow.campaign_id}"
            if workflow.campaign_id
            else ""
        )
        initial = {"name": workflow.name, "scope": scope, "active": workflow.active}
        stages = [
            {
                "name": stage.name,
                "role": stage.reviewer_role,
                "department": stage.department_id,
                "emails": "\n".join(p.user.email for p in stage.reviewers.all()),
                "sla_hours": stage.sla_hours,
            }
            for stage in workflow.stages.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = WorkflowForm(
        data,
        initial=initial,
        topics=topic_choices(actor=actor),
        campaigns=campaign_choices(actor=actor),
    )
    formset = StageFormSet(
        data,
        initial=stages,
        prefix="stages",
        form_kwargs={"departments": department_choices(actor=actor)},
    )
    return form, formset


def _data(actor: Actor, form: Any, formset: Any) -> WorkflowData:
    stages = []
    for stage_form in formset.forms:
        if not (stage_form.cleaned_data.get("name") or "").strip():
            continue  # an empty row: no stage
        emails = stage_form.email_list()
        people = dict(
            Membership.objects.filter(
                organization=actor.organization, user__email__in=[e.lower() for e in emails]
            ).values_list("user__email", "pk")
        )
        unknown = [e for e in emails if e.lower() not in people]
        if unknown:
            raise DomainError(
                _("Not a member here: %(emails)s") % {"emails": ", ".join(unknown)},
                fields={"emails": [_("Unknown address.")]},
            )
        stages.append(
            StageData(
                name=stage_form.cleaned_data.get("name") or "",
                role=stage_form.cleaned_data.get("role") or "",
                department_id=stage_form.cleaned_data.get("department"),
                reviewer_ids=list(people.values()),
                sla_hours=stage_form.cleaned_data.get("sla_hours") or DEFAULT_SLA_HOURS,
            )
        )
    topic_id, campaign_id = form.scope_ids()
    return WorkflowData(
        name=form.cleaned_data["name"],
        stages=stages,
        topic_id=topic_id,
        campaign_id=campaign_id,
        active=form.cleaned_data["active"],
    )


def _page(request: HttpRequest, actor: Actor, workflow: Workflow | None) -> HttpResponse:
    form, formset = _forms(request, actor, workflow)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            data = _data(actor, form, formset)
            if workflow is None:
                workflow_create(actor=actor, data=data)
            else:
                workflow_update(actor=actor, workflow_id=workflow.pk, data=data)
        except DomainError as error:
            add_domain_error(form, error, {"topic_id": "scope", "campaign_id": "scope"})
        else:
            messages.success(request, _("Workflow saved."))
            return redirect("governance:workflows")
    return render(
        request,
        "governance/workflow_form.html",
        {"form": form, "formset": formset, "workflow": workflow, "max_stages": STAGES_MAX},
    )


@login_required
@require_safe
def workflow_stage_row(request: HttpRequest) -> HttpResponse:
    """One more empty stage, and the formset's new total (swapped in out of band). Only the
    workflow form asks for it; a person who opens the address lands on a new workflow."""
    actor = page_actor(request, Action.WORKFLOWS_MANAGE)
    if not getattr(request, "htmx", False):
        return redirect("governance:workflow_create")
    try:
        index = min(max(int(request.GET.get("index", "0")), 0), STAGES_MAX - 1)
    except ValueError:
        index = 0
    stage = StageForm(
        prefix=f"stages-{index}",
        initial={"sla_hours": DEFAULT_SLA_HOURS},
        departments=department_choices(actor=actor),
    )
    return render(
        request,
        "governance/_stage_row.html",
        {
            "stage": stage,
            "index": index,
            "next_index": index + 1,
            "max_stages": STAGES_MAX,
            "oob": True,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_create_view(request: HttpRequest) -> HttpResponse:
    return _page(request, page_actor(request, Action.WORKFLOWS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_edit(request: HttpRequest, workflow_id: int) -> HttpResponse:
    actor = page_actor(request, Action.WORKFLOWS_MANAGE)
    try:
        workflow = workflow_get(actor=actor, workflow_id=workflow_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _page(request, actor, workflow)


@login_required
@require_POST
def workflow_delete_view(request: HttpRequest, workflow_id: int) -> HttpResponse:
    actor = page_actor(request, Action.WORKFLOWS_MANAGE)
    try:
        workflow_delete(actor=actor, workflow_id=workflow_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Workflow removed; content in review keeps its stages."))
    return redirect("governance:workflows")
