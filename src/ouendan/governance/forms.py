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
