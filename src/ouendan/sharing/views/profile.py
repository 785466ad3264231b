"""The sharing profile: how many people follow the person on each network (their potential
reach), entered where no connected account reports it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.sharing.selectors import AudienceRow, audience_mine
from ouendan.sharing.services.audience import FOLLOWERS_MAX, audience_update

FIELD = "followers-"


@dataclass(frozen=True)
class AudienceField:
    row: AudienceRow
    value: str | int | None
    errors: list[str]


def _counts(rows: list[AudienceRow], data: Any) -> dict[str, int | None]:
    """The counts the form sent (editable networks only; empty forgets a count). ``1,200`` and
    full-width digits are read as people type them."""
    counts: dict[str, int | None] = {}
    wrong: dict[str, list[str]] = {}
    for row in rows:
        name = FIELD + row.network
        if row.connected or name not in data:
            continue
        value = unicodedata.normalize("NFKC", data[name]).replace(",", "").strip()
        if not value:
            counts[row.network] = None
        elif value.isascii() and value.removeprefix("-").isdigit() and len(value) <= 12:
            counts[row.network] = int(value)  # the range is the service's to check
        else:
            wrong[row.network] = [_("Enter whole numbers.")]
    if wrong:
        raise DomainError(_("Check the numbers."), fields=wrong)
    return counts


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.SHARES_CREATE)
    rows = audience_mine(actor=actor)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            audience_update(actor=actor, counts=_counts(rows, request.POST))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Saved. Your next shares carry these counts."))
            return redirect("sharing:profile")
    fields = [
        AudienceField(
            row,
            # After an error, what the person typed (nothing was stored); else the known count.
            request.POST.get(FIELD + row.network, "")[:20] if error else row.followers,
            error.fields.get(row.network, []) if error else [],
        )
        for row in rows
    ]
    used = [field for field in fields if field.row.used]
    others = [field for field in fields if not field.row.used] if used else []
    return render(
        request,
        "sharing/profile.html",
        {
            "used": used or fields,
            "others": others,
            "open_others": any(field.errors for field in others),
            "error": error,
            "field_prefix": FIELD,
            "followers_max": FOLLOWERS_MAX,
        },
        status=400 if error else 200,
    )
