"""Forms of the reward pages: they parse what people typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.engagement.forms_contests import DateInput
from ouendan.engagement.models import Reward, RewardBudget
from ouendan.engagement.services.rewards import (
    BUDGET_MAX,
    DESCRIPTION_MAX,
    LIMIT_MAX,
    NAME_MAX,
    NOTE_MAX,
    POINTS_MAX,
    REASON_MAX,
    STOCK_MAX,
    YEN_MAX,
    BudgetData,
    RewardData,
)


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    points_cost = forms.IntegerField(label=_("Points"), min_value=1, max_value=POINTS_MAX)
    yen_value = forms.IntegerField(
        label=_("Value in yen"),
        min_value=0,
        max_value=YEN_MAX,
        initial=0,
        help_text=_("What one costs the company: approvals count it against the budget."),
    )
    stock = forms.IntegerField(
        label=_("In stock"),
        min_value=0,
        max_value=STOCK_MAX,
        required=False,
        help_text=_("Empty: no limit."),
    )
    per_person_limit = forms.IntegerField(
        label=_("At most per person"),
        min_value=1,
        max_value=LIMIT_MAX,
        required=False,
        help_text=_("Empty: no limit."),
    )
    active = forms.BooleanField(label=_("Offered to people"), required=False, initial=True)

    def data_out(self) -> RewardData:
        data = self.cleaned_data
        return RewardData(
            name=data["name"],
            description=data.get("description") or "",
            points_cost=data["points_cost"],
            yen_value=data["yen_value"],
            stock=data.get("stock"),
            per_person_limit=data.get("per_person_limit"),
            active=bool(data.get("active")),
        )


def reward_initial(reward: Reward) -> dict[str, Any]:
    return {name: getattr(reward, name) for name in RewardData.__dataclass_fields__}


class RedeemForm(forms.Form):
    note = forms.CharField(label=_("Note for the program"), max_length=NOTE_MAX, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=REASON_MAX, required=False)


class BudgetForm(forms.Form):
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    amount_yen = forms.IntegerField(label=_("Budget in yen"), min_value=0, max_value=BUDGET_MAX)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def data_out(self) -> BudgetData:
        data = self.cleaned_data
        return BudgetData(
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            amount_yen=data["amount_yen"],
            note=data.get("note") or "",
        )


def budget_initial(budget: RewardBudget) -> dict[str, Any]:
    return {n: getattr(budget, n) for n in ("starts_on", "ends_on", "amount_yen", "note")}
