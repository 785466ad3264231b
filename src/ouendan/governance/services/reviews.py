"""Approval workflows: content goes through ordered stages (e.g. 広報 → 法務) before it is
approved.

A *round* opens when content enters review (submitted, or edited after its approval) with the
stages of the workflow that applies (its campaign's, else one of its topics', else the
organization's default; with none, one stage any reviewer may decide). Each stage's reviewers —
named people, or holders of a role, optionally in a department and its sub-departments — approve
(the round moves to the next stage), ask for changes (back to draft with the comment) or reject
(archived with the reason). Approving the last stage approves the content. A decision is for the
version read: when the content changes during review, the round starts again at the first stage.
Content tells governance of every move through ``CONTENT_STATUS_HOOKS`` (``on_content_status``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import MATRIX, Action, Actor, can, system_actor
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import department_descendant_ids
from ouendan.content.models import ContentItem
from ouendan.content.services.items import content_decide
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.governance.models import ReviewDecision, ReviewRound, Workflow

Status = ContentItem.Status
COMMENT_MAX = 2000
DEFAULT_SLA_HOURS = 48
REMINDER_RECIPIENTS_MAX = 50


def default_stage() -> dict[str, Any]:
    """The one stage of content no workflow covers: anyone who may review content."""
    return {"name": "", "role": "", "department": None, "reviewers": [], "sla_hours": 48}


def workflow_for(item: ContentItem) -> Workflow | None:
    workflows = Workflow.objects.filter(organization_id=item.organization_id, active=True)
    if item.campaign_id:
        found = workflows.filter(campaign_id=item.campaign_id).first()
        if found:
            return found
    topic_ids = list(item.topics.values_list("pk", flat=True))
    if topic_ids:
        found = workflows.filter(topic_id__in=topic_ids).order_by("name", "pk").first()
        if found:
            return found
    return workflows.filter(topic__isnull=True, campaign__isnull=True).first()


def _stages_of(workflow: Workflow | None) -> list[dict[str, Any]]:
    if workflow is None:
        return [default_stage()]
    stages = [
        {
            "name": stage.name,
            "role": stage.reviewer_role,
            "department": stage.department_id,
            "reviewers": sorted(stage.reviewers.values_list("pk", flat=True)),
            "sla_hours": stage.sla_hours,
        }
        for stage in workflow.stages.order_by("position")
    ]
    return stages or [default_stage()]


def _open_round(item: ContentItem, actor: Actor, now: datetime, *, reason: str) -> ReviewRound:
    workflow = workflow_for(item)
    review = ReviewRound.objects.create(
        organization_id=item.organization_id,
        content=item,
        workflow=workflow,
        stages=_stages_of(workflow),
        version=item.version,
        stage_started_at=now,
    )
    audit_record(
        actor=actor,
        action="review.opened",
        target=item,
        data={
            "workflow": workflow.name if workflow else None,
            "version": item.version,
            "reason": reason,
        },
    )
    return review


def _close(review: ReviewRound, status: str, now: datetime) -> None:
    review.status = status
    review.closed_at = now
    review.save(update_fields=["status", "closed_at"])


def on_content_status(item: ContentItem, *, previous: str, status: str, actor: Actor) -> None:
    """The hook content calls on every move (inside its transaction)."""
    now = timezone.now()
    current = ReviewRound.objects.filter(content=item, status=ReviewRound.Status.OPEN).first()
    if status == Status.IN_REVIEW and previous != Status.IN_REVIEW:
        if current is not None:
            _close(current, ReviewRound.Status.CLOSED, now)
        _open_round(item, actor, now, reason="submitted" if previous == Status.DRAFT else "edited")
    elif status == Status.IN_REVIEW:  # changed while in review: approvals so far are void
        if current is not None and current.version != item.version:
            _close(current, ReviewRound.Status.CLOSED, now)
            _open_round(item, actor, now, reason="changed during review")
    elif previous == Status.IN_REVIEW and current is not None:
        _close(current, ReviewRound.Status.CLOSED, now)  # withdrawn or archived


def stage_reviewer_ids(organization: Organization, stage: dict[str, Any]) -> set[int]:
    """The active people who may decide a stage."""
    people = Membership.objects.filter(organization=organization, status=Membership.Status.ACTIVE)
    chosen: set[int] = set(
        people.filter(pk__in=stage.get("reviewers") or []).values_list("pk", flat=True)
    )
    role = stage.get("role") or ""
    if role:
        holders = people.filter(role_grants__role=role)
        if stage.get("department"):
            subtree = department_descendant_ids(
                actor=system_actor(organization), department_id=int(stage["department"])
            )
            holders = holders.filter(department_id__in=subtree)
        chosen |= set(holders.values_list("pk", flat=True))
    if not stage.get("reviewers") and not role:
        roles = [r.value for r in MATRIX[Action.CONTENT_REVIEW]]
        chosen |= set(people.filter(role_grants__role__in=roles).values_list("pk", flat=True))
    return chosen


def may_decide(
    actor: Actor, review: ReviewRound, *, subtrees: dict[int, set[int]] | None = None
) -> bool:
    """Whether the actor is one of the current stage's reviewers. ``subtrees`` caches the
    departments under each stage's department when asked for many rounds."""
    if actor.membership is None or review.status != ReviewRound.Status.OPEN:
        return False
    stage = review.stages[review.stage]
    if not stage.get("reviewers") and not stage.get("role"):
        return can(actor, Action.CONTENT_REVIEW)
    if actor.membership.pk in (stage.get("reviewers") or []):
        return True
    role = stage.get("role") or ""
    if not role or Role(role) not in actor.roles:
        return False
    if not stage.get("department"):
        return True
    department_id = int(stage["department"])
    cache = subtrees if subtrees is not None else {}
    if department_id not in cache:
        cache[department_id] = department_descendant_ids(actor=actor, department_id=department_id)
    return actor.membership.department_id in cache[department_id]


def review_decide(
    *,
    actor: Actor,
    content_id: int,
    decision: str,
    comment: str = "",
    version: int | None = None,
) -> ReviewRound:
    """A reviewer decides the current stage: ``approve``, ``changes`` or ``reject``."""
    if decision not in ("approve", "changes", "reject"):
        raise DomainError(_("Unknown decision."), fields={"decision": [_("Unknown decision.")]})
    comment = comment.strip()
    if decision != "approve" and not comment:
        raise DomainError(
            _("Say what should change: the curator reads your comment."),
            fields={"comment": [_("Required.")]},
        )
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("The comment is too long."), fields={"comment": [_("Too long.")]})
    now = timezone.now()
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .filter(organization=actor.organization, pk=content_id)
            .first()
        )
        if item is None:
            raise NotFound(_("That content does not exist."))
        review = (
            ReviewRound.objects.select_for_update()
            .filter(content=item, status=ReviewRound.Status.OPEN)
            .first()
        )
        if review is None or item.status != Status.IN_REVIEW:
            raise Conflict(_("This content is not waiting for review."), code="invalid_status")
        if version is not None and version != item.version:
            raise Conflict(
                _("This content changed while you were reading it: review the new version."),
                code="version_changed",
            )
        stage = review.stages[review.stage]
        if not may_decide(actor, review):
            raise PermissionDenied(
                _("You are not a reviewer of this stage (%(stage)s).")
                % {"stage": stage.get("name") or _("Review")}
            )
        ReviewDecision.objects.create(
            organization=actor.organization,
            round=review,
            stage=review.stage,
            stage_name=stage.get("name") or "",
            version=item.version,
            decision=decision,
            comment=comment,
            reviewer=actor.membership,
        )
        audit_record(
            actor=actor,
            action="review.decided",
            target=item,
            data={
                "stage": review.stage + 1,
                "stage_name": stage.get("name") or "",
                "decision": decision,
                "version": item.version,
                "comment": comment,
            },
        )
        last = review.stage + 1 >= len(review.stages)
        if decision == "approve" and not last:
            review.stage += 1
            review.stage_started_at = now
            review.reminded_at = None
            review.save(update_fields=["stage", "stage_started_at", "reminded_at"])
            return review
        _close(
            review,
            {
                "approve": ReviewRound.Status.APPROVED,
                "changes": ReviewRound.Status.CHANGES_REQUESTED,
                "reject": ReviewRound.Status.REJECTED,
            }[decision],
            now,
        )
        content_decide(
            actor=actor,
            content_id=item.pk,
            decision=decision,
            comment=comment,
            version=item.version,
        )
    return review


def review_reminders_due(now: datetime) -> list[ReviewRound]:
    """Open rounds whose current stage has waited longer than its SLA, not yet reminded."""
    due = []
    for review in ReviewRound.objects.filter(
        status=ReviewRound.Status.OPEN, reminded_at__isnull=True
    ).select_related("content", "organization"):
        hours = int(review.stages[review.stage].get("sla_hours") or DEFAULT_SLA_HOURS)
        if review.stage_started_at + timedelta(hours=hours) <= now:
            due.append(review)
    return due


def review_reminders_send(*, now: datetime) -> int:
    """Periodic: e-mail the reviewers of every stage that has waited longer than its SLA (once
    per stage), in each reviewer's language; returns how many rounds were reminded.

    Each round is claimed (``reminded_at`` set) before its e-mails go, so two workers running
    the job at once remind once."""
    sent = 0
    for review in review_reminders_due(now):
        with transaction.atomic():
            claimed = ReviewRound.objects.filter(
                pk=review.pk,
                status=ReviewRound.Status.OPEN,
                stage=review.stage,
                reminded_at__isnull=True,
            ).update(reminded_at=now)
            if not claimed:
                continue
            stage = review.stages[review.stage]
            people = list(
                Membership.objects.filter(
                    pk__in=stage_reviewer_ids(review.organization, stage)
                ).select_related("user")[:REMINDER_RECIPIENTS_MAX]
            )
            audit_record(
                actor=system_actor(review.organization, label="review reminders"),
                action="review.reminded",
                target=review.content,
                data={"stage": review.stage + 1, "reviewers": len(people)},
            )
        _send_reminders(review, stage, people)
        sent += 1
    return sent


def _send_reminders(review: ReviewRound, stage: dict[str, Any], people: list[Membership]) -> None:
    link = settings.BASE_URL + reverse("content:detail", args=[review.content_id])
    hours = int(stage.get("sla_hours") or DEFAULT_SLA_HOURS)
    for person in people:
        with translation.override(person.user.language or review.organization.locale):
            subject = _("Waiting for your review: %(title)s") % {"title": review.content.title[:80]}
            body = "\n\n".join(
                [
                    _("Hello %(name)s,") % {"name": person.full_name},
                    _(
                        "“%(title)s” has waited for the stage “%(stage)s” for more than "
                        "%(hours)d hours."
                    )
                    % {
                        "title": review.content.title,
                        "stage": stage.get("name") or _("Review"),
                        "hours": hours,
                    },
                    _("Review it here: %(link)s") % {"link": link},
                ]
            )
        send_mail(subject, body + "\n", None, [person.user.email])
