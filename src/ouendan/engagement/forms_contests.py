"""Forms of the contest pages: they parse what the program typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.engagement.models import Contest
from ouendan.engagement.services.contests import (
    DESCRIPTION_MAX,
    REASON_MAX,
    TEAM_SIZE_MAX,
    TEAM_SIZE_MIN,
    TITLE_MAX,
    WINNER_POINTS_MAX,
    ContestData,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ContestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the contest is about and why; participants read it before joining."),
    )
    metric = forms.ChoiceField(
        label=_("What counts"),
        choices=Contest.Metric.choices,
        help_text=_(
            "People who clicked never include bots or the sharer; likes come from each post's "
            "reactions, synced or entered."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Who competes"), choices=Contest.Kind.choices, widget=forms.RadioSelect
    )
    teams = forms.ChoiceField(
        label=_("Teams"),
        choices=[("", _("—")), *Contest.Teams.choices],
        required=False,
        help_text=_("Random teams are drawn when the contest starts, balanced in size."),
    )
    team_size = forms.IntegerField(
        label=_("People per team"),
        required=False,
        min_value=TEAM_SIZE_MIN,
        max_value=TEAM_SIZE_MAX,
        help_text=_("For random teams: 2 to 20."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    winner_points = forms.IntegerField(
        label=_("Points for each winner"),
        min_value=0,
        max_value=WINNER_POINTS_MAX,
        initial=100,
        help_text=_("Winners also get the contest winner badge."),
    )

    def data_out(self) -> ContestData:
        data = self.cleaned_data
        return ContestData(
            title=data["title"],
            description=data.get("description") or "",
            kind=data["kind"],
            teams=data.get("teams") or "",
            team_size=data.get("team_size"),
            metric=data["metric"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            winner_points=data["winner_points"],
        )


def contest_initial(contest: Contest) -> dict[str, Any]:
    return {
        name: getattr(contest, name)
        for name in (
            "title",
            "description",
            "metric",
            "kind",
            "teams",
            "team_size",
            "starts_on",
            "ends_on",
            "winner_points",
        )
    }


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=REASON_MAX)
