"""The shout-out form: it parses what the sender typed; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.engagement.services.recognition import MESSAGE_MAX


class ShoutOutForm(forms.Form):
    person = forms.CharField(
        label=_("Recipient"),
        max_length=254,
        help_text=_("Their employee number, e-mail address or full name."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "They see it on their recognition page; colleagues see it in the feed only if they "
            "chose to appear."
        ),
    )
    content = forms.TypedChoiceField(
        label=_("About (optional)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, content_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content"].choices = [("", _("—")), *content_choices]  # type: ignore[attr-defined]
