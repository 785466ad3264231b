"""The leaderboard (month, quarter, all time; the organization or a department) and the page
where a person chooses how they appear on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.models import AppearAs
from ouendan.accounts.permissions import Action
from ouendan.accounts.selectors import department_choices, public_name
from ouendan.accounts.services.appearance import Appearance, appearance_set
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.forms import DEFAULT, AppearanceForm
from ouendan.engagement.periods import PERIODS
from ouendan.engagement.selectors import leaderboard, person_of


def _period_labels() -> dict[str, str]:
    return {"month": _("This month"), "quarter": _("This quarter"), "all": _("All time")}


@login_required
@require_safe
def leaderboard_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_VIEW)
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    try:
        department_id: int | None = int(request.GET.get("department", ""))
    except ValueError:
        department_id = None
    try:
        board = leaderboard(actor=actor, period=period, department_id=department_id, limit=100)
    except NotFound:
        department_id = None
        board = leaderboard(actor=actor, period=period, limit=100)
    return render(
        request,
        "engagement/leaderboard.html",
        {
            "board": board,
            "periods": list(_period_labels().items()),
            "departments": department_choices(actor=actor),
            "department_id": department_id,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appearance_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.APPEARANCE_CHOOSE)
    person = person_of(actor)
    default = actor.organization.default_appear_as
    default_label = str(AppearAs(default).label)
    initial = {"appear_as": person.appear_as or DEFAULT, "nickname": person.nickname}
    form = AppearanceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        default_label=default_label,
    )
    if request.method == "POST" and form.is_valid():
        try:
            appearance_set(
                actor=actor,
                appearance=Appearance(
                    appear_as=form.choice(), nickname=form.cleaned_data["nickname"]
                ),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved: this is how colleagues see you now."))
            return redirect("engagement:appearance")
    return render(
        request,
        "engagement/appearance.html",
        {
            "form": form,
            "shown_as": public_name(person, actor.organization),
        },
        status=400 if form.errors else 200,
    )
