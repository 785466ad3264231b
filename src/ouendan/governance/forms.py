"""Forms of the governance pages: they check the shape of input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.governance.compliance import CODES, Severity
from ouendan.networks import RULES

LIST_LABELS = {
    "confidential_terms": (
        _("Confidential terms and code names"),
        _("Never to be posted (block). One per line, e.g. 白鷺プロジェクト."),
    ),
    "blocked_terms": (_("Blocked words"), _("Words not to post (block). One per line.")),
    "product_names": (
        _("Product and service names"),
        _("A post that names one must carry a disclosure. One per line."),
    ),
    "disclosure_markers": (
        _("Disclosure markers"),
        _(
            "What counts as a disclosure. Empty: #PR, #広告, #プロモーション, #社員, #employee, "
            "社員です."
        ),
    ),
    "allowed_domains": (
        _("Allowed domains"),
        _("Links elsewhere get a warning; subdomains are included. Empty: any domain."),
    ),
    "public_emails": (
        _("Public e-mail addresses"),
        _("Addresses that may be posted, e.g. the recruiting desk's."),
    ),
    "public_phones": (
        _("Public phone numbers"),
        _("Numbers that may be posted, e.g. the free-dial number."),
    ),
}
RULE_LABELS = {
    "pii.email": _("E-mail addresses"),
    "pii.phone": _("Phone numbers"),
    "pii.my_number": _("My Numbers (マイナンバー)"),
    "pii.credit_card": _("Card numbers"),
    "confidential.term": _("Confidential terms"),
    "blocked.term": _("Blocked words"),
    "risk.sensitive_topic": _("Sensitive topics"),
    "claims.unsubstantiated": _("Unsubstantiated claims"),
    "disclosure.missing": _("Missing disclosure"),
    "link.domain_not_allowed": _("Links outside the allowed domains"),
    "length.exceeded": _("Too long for the network"),
}
SEVERITY_CHOICES = [
    (Severity.BLOCK.value, _("Block")),
    (Severity.WARN.value, _("Warn")),
    (Severity.INFO.value, _("Inform")),
]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class ComplianceSettingsForm(forms.Form):
    def __init__(
        self, data: Any = None, *, initial: dict[str, Any], defaults: dict[str, str]
    ) -> None:
        super().__init__(data, initial=initial)
        for name, (label, help_text) in LIST_LABELS.items():
            self.fields[name] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=60_000,
                widget=forms.Textarea({"rows": 4, "spellcheck": "false"}),
            )
        for code in CODES:
            self.fields[f"severity_{code}"] = forms.ChoiceField(
                label=RULE_LABELS[code],
                choices=SEVERITY_CHOICES,
                initial=defaults[code],
                required=False,  # not sent: the rule's default
            )
        self.defaults = defaults

    def lists(self) -> dict[str, list[str]]:
        return {name: _lines(self.cleaned_data[name]) for name in LIST_LABELS}

    def severities(self) -> dict[str, str]:
        """Only where the organization differs from the default."""
        chosen = {
            code: self.cleaned_data[f"severity_{code}"] or self.defaults[code] for code in CODES
        }
        return {code: level for code, level in chosen.items() if level != self.defaults[code]}

    def severity_fields(self) -> list[Any]:
        return [self[f"severity_{code}"] for code in CODES]

    def list_fields(self) -> list[Any]:
        return [self[name] for name in LIST_LABELS]


class TryForm(forms.Form):
    text = forms.CharField(
        label=_("Text to check"), max_length=10_000, widget=forms.Textarea({"rows": 4})
    )
    network = forms.ChoiceField(
        label=_("Network"),
        required=False,
        choices=[("", _("Any network")), *((n.value, str(r.label)) for n, r in RULES.items())],
    )
    promotional = forms.BooleanField(label=_("Promotes a product or service"), required=False)


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("The policy"),
        max_length=50_000,
        widget=forms.Textarea({"rows": 18}),
        help_text=_("Markdown: # headings, - lists, **bold**, [links](https://…)."),
    )
    changes = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=500,
        help_text=_("Shown to everyone who is asked to acknowledge the new version."),
    )


class WorkflowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. 広報 → 法務"))
    scope = forms.ChoiceField(
        label=_("Applies to"),
        required=False,
        help_text=_("A campaign's workflow comes first, then a topic's, then the default."),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, data: Any = None, *, topics: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["scope"].choices = [
            ("", _("All content (the default)")),
            (_("Topics"), [(f"topic:{pk}", name) for pk, name in topics]),
            (_("Campaigns"), [(f"campaign:{pk}", name) for pk, name in campaigns]),
        ]

    def scope_ids(self) -> tuple[int | None, int | None]:
        kind, _sep, pk = (self.cleaned_data.get("scope") or "").partition(":")
        return (int(pk) if kind == "topic" else None, int(pk) if kind == "campaign" else None)


class StageForm(forms.Form):
    name = forms.CharField(label=_("Stage"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Reviewers by role"), required=False)
    department = forms.TypedChoiceField(
        label=_("In the department"), required=False, coerce=int, empty_value=None
    )
    emails = forms.CharField(
        label=_("Or these people (e-mail addresses)"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=5000,
    )
    sla_hours = forms.IntegerField(
        label=_("Remind after (hours)"), min_value=1, max_value=720, initial=48, required=False
    )

    def __init__(self, *args: Any, departments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        from ouendan.accounts.roles import Role

        fields["role"].choices = [("", _("Anyone who may review content")), *Role.choices]
        fields["department"].choices = [("", _("Any department")), *departments]

    def email_list(self) -> list[str]:
        import re

        return [e for e in re.split(r"[\s,;、]+", self.cleaned_data.get("emails") or "") if e]


StageFormSet = forms.formset_factory(StageForm, extra=1, max_num=10, validate_max=True)
