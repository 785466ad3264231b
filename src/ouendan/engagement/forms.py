"""Forms of the recognition pages: they parse what a person typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import AppearAs
from ouendan.accounts.services.appearance import NICKNAME_MAX
from ouendan.engagement.services.ledger import ADJUST_MAX, NOTE_MAX
from ouendan.engagement.services.rules import LIMITS, RulesData
from ouendan.engagement.services.rules import NOTE_MAX as RULES_NOTE_MAX

DEFAULT = "default"


class AppearanceForm(forms.Form):
    appear_as = forms.ChoiceField(label=_("On leaderboards, I appear"), widget=forms.RadioSelect)
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=NICKNAME_MAX,
        required=False,
        help_text=_("Colleagues see this instead of your name when you choose a nickname."),
    )

    def __init__(self, *args: Any, default_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appear_as"].choices = [  # type: ignore[attr-defined]
            (DEFAULT, _("As my organization sets it (%(default)s)") % {"default": default_label}),
            *AppearAs.choices,
        ]

    def choice(self) -> str | None:
        value = self.cleaned_data["appear_as"]
        return None if value == DEFAULT else value


# Rules fields in the order the page shows them, with their labels and help.
RULE_FIELDS: list[tuple[str, Any, Any]] = [
    ("share_points", _("Points per share"), _("Once the share is posted.")),
    ("click_points", _("Points per person who clicks"), _("Unique people: not bots, not you.")),
    ("click_cap", _("Clicks that earn, per share"), _("So one viral post does not decide all.")),
    ("suggestion_points", _("Points per accepted suggestion"), ""),
    ("training_points", _("Points per finished training"), ""),
    ("streak_points", _("Points per streak"), ""),
    ("streak_weeks", _("A streak: weeks with a share"), ""),
    ("streak_window", _("…out of the last weeks"), _("3 of 4 rewards sharing regularly.")),
    ("hold_hours", _("Hours before points count"), _("0: at once. Time to catch late findings.")),
    ("burst_clicks", _("Review when this many people click"), ""),
    ("burst_minutes", _("…within minutes of sharing"), ""),
    ("repeat_clicks", _("Review when one visitor clicks a share this often"), ""),
]


class RulesForm(forms.Form):
    note = forms.CharField(
        label=_("What changed and why"), max_length=RULES_NOTE_MAX, required=False
    )

    def __init__(self, *args: Any, conversion_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conversion_types = conversion_types
        for name, label, help_text in RULE_FIELDS:
            low, high = LIMITS[name]
            self.fields[name] = forms.IntegerField(
                label=label, help_text=help_text, min_value=low, max_value=high
            )
        for key, label in conversion_types:
            self.fields[f"conversion__{key}"] = forms.IntegerField(
                label=label, min_value=0, max_value=LIMITS["share_points"][1], required=False
            )
        self.order_fields([*(name for name, _l, _h in RULE_FIELDS), "note"])

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _l, _h in RULE_FIELDS]

    def conversion_fields(self) -> list[forms.BoundField]:
        return [self[f"conversion__{key}"] for key, _label in self.conversion_types]

    def data_out(self) -> RulesData:
        data = self.cleaned_data
        return RulesData(
            **{name: data[name] for name, _l, _h in RULE_FIELDS},
            conversion_points={
                key: data[f"conversion__{key}"] or 0 for key, _label in self.conversion_types
            },
            note=data.get("note", ""),
        )


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX)


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class AdjustForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        max_length=254,
        help_text=_("Their employee number or e-mail address."),
    )
    points = forms.IntegerField(
        label=_("Points"),
        min_value=-ADJUST_MAX,
        max_value=ADJUST_MAX,
        help_text=_("Negative to take points away."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE_MAX, help_text=_("The person sees it with the points.")
    )
