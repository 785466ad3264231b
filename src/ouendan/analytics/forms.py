"""Forms of the goals, ROI and settings pages: they check the shape of input only.

Ranges, known metrics and departments, and every other rule live in the services; a
``DomainError`` they raise is shown on the form with ``accounts.forms.add_domain_error``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.permissions import Actor
from ouendan.analytics.metrics import Rate
from ouendan.analytics.models import KpiGoal
from ouendan.analytics.selectors.goals import PeriodPreset
from ouendan.analytics.selectors.roi import (
    RateRow,
    analytics_settings_get,
    conversion_type_choices,
)
from ouendan.analytics.services.goals import GoalData
from ouendan.analytics.services.settings import SettingsChanges

Choices = Sequence[tuple[Any, Any]]
CUSTOM = "custom"
ORGANIZATION = ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _amount(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    """A number field (the browser's number keyboard; any step: the service rounds)."""
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


# --- Goals ---------------------------------------------------------------------------------------


class GoalForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("e.g. 応募数 +10 % (新卒採用)")
    )
    metric = forms.ChoiceField(label=_("Metric"))
    kind = forms.ChoiceField(
        label=_("Kind of target"), choices=KpiGoal.Kind.choices, widget=forms.RadioSelect
    )
    target = _amount(
        _("Target"),
        help_text=_(
            "A figure to reach (for a percentage such as participation, 30 means 30 %), or the "
            "change in percent against the baseline (10 means +10 %)."
        ),
    )
    period = forms.ChoiceField(label=_("Period"), widget=forms.RadioSelect)
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    baseline = _amount(
        _("Baseline"),
        required=False,
        help_text=_(
            "Leave empty: Ouendan measures the same metric over the period of equal length just "
            "before, once, when the goal is saved."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        metrics: Choices,
        departments: Choices,
        presets: Sequence[PeriodPreset],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.presets = {p.key: p for p in presets}
        fields: dict[str, Any] = self.fields
        fields["metric"].choices = list(metrics)
        fields["department"].choices = [(ORGANIZATION, _("The whole organization")), *departments]
        fields["period"].choices = [
            *((p.key, p.label) for p in presets),
            (CUSTOM, _("Other dates")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = self.presets.get(data.get("period", ""))
        if preset is not None:
            data["starts_on"], data["ends_on"] = preset.start, preset.end
        return data

    def goal_data(self) -> GoalData:
        data = self.cleaned_data
        clear = set()
        if data["department"] is None:
            clear.add("department")
        if data["baseline"] is None:
            clear.add("baseline")
        return GoalData(
            name=data["name"],
            metric=data["metric"],
            kind=data["kind"],
            target=data["target"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            department_id=data["department"],
            baseline=data["baseline"],
            clear=frozenset(clear),
        )


def goal_initial(goal: KpiGoal, presets: Sequence[PeriodPreset]) -> dict[str, Any]:
    """The form's values for an existing goal (a measured baseline is left empty: kept)."""
    period = next(
        (p.key for p in presets if (p.start, p.end) == (goal.starts_on, goal.ends_on)), CUSTOM
    )
    return {
        "name": goal.name,
        "metric": goal.metric,
        "kind": goal.kind,
        "target": _plain(goal.target),
        "period": period,
        "starts_on": goal.starts_on,
        "ends_on": goal.ends_on,
        "department": goal.department_id or ORGANIZATION,
        "baseline": None
        if goal.baseline_computed or goal.baseline is None
        else _plain(goal.baseline),
    }


def new_goal_initial(presets: Sequence[PeriodPreset]) -> dict[str, Any]:
    return {
        "kind": KpiGoal.Kind.CHANGE,
        "period": presets[0].key if presets else CUSTOM,
        "department": ORGANIZATION,
    }


# --- Settings ------------------------------------------------------------------------------------


class GeneralForm(forms.Form):
    """The currency of values and the first month of the fiscal year (quarters follow it)."""

    currency = forms.ChoiceField(label=_("Currency"))
    fiscal_year_start = forms.TypedChoiceField(
        label=_("The fiscal year starts in"),
        coerce=int,
        choices=list(MONTHS.items()),
        help_text=_("Quarters follow it: with April, the first quarter is April to June."),
    )

    def __init__(
        self, data: Any = None, *, currencies: Choices, currency: str, fiscal_year_start: int
    ) -> None:
        super().__init__(
            data, initial={"currency": currency, "fiscal_year_start": fiscal_year_start}
        )
        fields: dict[str, Any] = self.fields
        fields["currency"].choices = list(currencies)

    def changes(self) -> SettingsChanges:
        return SettingsChanges(
            currency=self.cleaned_data["currency"],
            fiscal_year_start=self.cleaned_data["fiscal_year_start"],
        )


RATE_PARTS = ("cpm", "cpc", "reaction_weight")


class RatesForm(forms.Form):
    """Three numbers per network: ``<network>_cpm``, ``<network>_cpc``,
    ``<network>_reaction_weight``."""

    def __init__(self, data: Any = None, *, rows: Sequence[RateRow]) -> None:
        initial = {
            f"{row.network}_{part}": _plain(getattr(row.rate, part))
            for row in rows
            for part in RATE_PARTS
        }
        super().__init__(data, initial=initial)
        self.rate_rows = list(rows)
        labels = {"cpm": _("CPM"), "cpc": _("CPC"), "reaction_weight": _("Reaction weight")}
        for row in rows:
            for part in RATE_PARTS:
                self.fields[f"{row.network}_{part}"] = _amount(labels[part])

    def rows(self) -> Iterator[tuple[RateRow, list[forms.BoundField]]]:
        for row in self.rate_rows:
            yield row, [self[f"{row.network}_{part}"] for part in RATE_PARTS]

    def changes(self) -> SettingsChanges:
        data = self.cleaned_data
        return SettingsChanges(
            rates={
                row.network: Rate(*(data[f"{row.network}_{part}"] for part in RATE_PARTS))
                for row in self.rate_rows
            }
        )

    def renames(self) -> dict[str, str]:
        """The service's field names (``rates.x.cpm``) → this form's (``x_cpm``)."""
        return {
            f"rates.{row.network}.{part}": f"{row.network}_{part}"
            for row in self.rate_rows
            for part in RATE_PARTS
        }


class RoiAssumptionsForm(forms.Form):
    """Costs per month, and what one conversion of each type is worth (``value_<key>``)."""

    licence_cost = _amount(
        _("Licences and hosting per month"),
        help_text=_("What Ouendan's servers, support and any other tool of the program cost."),
    )
    staff_hours = _amount(
        _("Staff hours per month"),
        help_text=_("Time the program takes: curating, reviewing, running campaigns."),
    )
    hourly_cost = _amount(
        _("Cost of a staff hour"), help_text=_("Salary and overheads for one hour.")
    )
    rewards_cost = _amount(
        _("Rewards per month"), help_text=_("Prizes, gift cards and events for advocates.")
    )

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any],
        conversion_types: Choices,
    ) -> None:
        super().__init__(data, initial=initial)
        self.conversion_types = list(conversion_types)
        for key, label in self.conversion_types:
            self.fields[f"value_{key}"] = _amount(
                label,
                required=False,
                help_text=_("Empty: the values reported with the conversions count."),
            )

    def cost_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("licence_cost", "staff_hours", "hourly_cost", "rewards_cost")
        ]

    def value_fields(self) -> list[forms.BoundField]:
        return [self[f"value_{key}"] for key, _label in self.conversion_types]

    def changes(self) -> SettingsChanges:
        data = self.cleaned_data
        return SettingsChanges(
            licence_cost=data["licence_cost"],
            staff_hours=data["staff_hours"],
            hourly_cost=data["hourly_cost"],
            rewards_cost=data["rewards_cost"],
            conversion_values={key: data[f"value_{key}"] for key, _label in self.conversion_types},
        )

    def renames(self) -> dict[str, str]:
        return {f"conversion_values.{key}": f"value_{key}" for key, _label in self.conversion_types}


def roi_assumptions_form(actor: Actor, data: Any = None) -> RoiAssumptionsForm:
    """The assumptions form with the organization's conversion types and current values."""
    types = conversion_type_choices(actor=actor)
    return RoiAssumptionsForm(
        data,
        initial=roi_initial(analytics_settings_get(actor=actor), types),
        conversion_types=types,
    )


def roi_initial(settings: Any, conversion_types: Choices) -> dict[str, Any]:
    values = settings.conversion_values or {}
    initial: dict[str, Any] = {
        name: _plain(getattr(settings, name))
        for name in ("licence_cost", "staff_hours", "hourly_cost", "rewards_cost")
    }
    for key, _label in conversion_types:
        if key in values:
            initial[f"value_{key}"] = _plain(Decimal(str(values[key])))
    return initial


def _plain(value: Decimal) -> Decimal:
    """``1500.00`` → ``1500`` in a form (``normalize`` without the exponent of ``1.5E+3``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


class PeriodForm(forms.Form):
    """The ROI page's period and department (a GET form; bad values fall back to defaults)."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data: Any = None, *, departments: Choices) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["department"].choices = [(ORGANIZATION, _("The whole organization")), *departments]

    def period(self) -> tuple[dt.date | None, dt.date | None, int | None]:
        if not self.is_valid():
            return None, None, None
        data = self.cleaned_data
        return data["start"], data["end"], data["department"]
