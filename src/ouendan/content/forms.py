"""Forms of the content pages: they check the shape of input only.

Business rules (codes, dates in order, rows of the same organization, what may change in which
status) live in the services; a ``DomainError`` they raise is shown on the form with
``accounts.forms.add_domain_error``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import LANGUAGE_CHOICES
from ouendan.accounts.roles import Role
from ouendan.content.models import NETWORK_CHOICES, ContentItem, Suggestion
from ouendan.content.selectors import LibraryFilter
from ouendan.content.services.campaigns import CampaignData
from ouendan.content.services.items import ContentData
from ouendan.content.services.sources import POLL_MINUTES_MAX, POLL_MINUTES_MIN, SourceData
from ouendan.content.services.variants import VariantData

Choices = Sequence[tuple[Any, Any]]
ALL = ""
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
_HASHTAG_SPLIT = re.compile(r"[\s,、，]+")


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``: the browser's own date and time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _optional_choice(choices: Choices, empty: Any) -> list[tuple[Any, Any]]:
    return [(ALL, empty), *choices]


# --- The library ---------------------------------------------------------------------------------


class LibraryFilterForm(forms.Form):
    """The library's search and filters (a GET form; invalid values are simply ignored)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    campaign = forms.TypedChoiceField(
        label=_("Campaign"), required=False, coerce=int, empty_value=None
    )
    network = forms.ChoiceField(label=_("Network"), required=False)
    source = forms.IntegerField(required=False, widget=forms.HiddenInput)
    promotional = forms.ChoiceField(
        label=_("Promotional"),
        required=False,
        choices=[(ALL, _("Any")), ("yes", _("Promotional")), ("no", _("Not promotional"))],
    )
    date_field = forms.ChoiceField(
        label=_("Date"),
        required=False,
        choices=[
            ("publish", _("Goes live")),
            ("created", _("Created")),
            ("updated", _("Last changed")),
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("updated", _("Last changed")),
            ("created", _("Newest")),
            ("publish", _("Going live")),
            ("title", _("Title")),
        ],
    )

    def __init__(self, data: Any = None, *, topics: Choices, campaigns: Choices) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields  # choice fields, whose choices are set here
        fields["status"].choices = _optional_choice(ContentItem.Status.choices, _("All statuses"))
        fields["topic"].choices = _optional_choice(topics, _("All topics"))
        fields["campaign"].choices = _optional_choice(campaigns, _("All campaigns"))
        fields["network"].choices = [
            (ALL, _("All networks")),
            *((value, label) for value, label in NETWORK_CHOICES if value),
        ]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["q"].help_text = _(
            "Words in the title, summary, note, link or suggested texts (「採用」 finds "
            "「新卒採用説明会」)."
        )

    def value(self, name: str) -> Any:
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None

    def to_filter(self) -> LibraryFilter:
        promotional = self.value("promotional")
        return LibraryFilter(
            query=self.value("q") or "",
            statuses=(self.value("status"),) if self.value("status") else (),
            topic_id=self.value("topic"),
            campaign_id=self.value("campaign"),
            source_id=self.value("source"),
            network=self.value("network") or None,
            promotional={"yes": True, "no": False}.get(promotional or ""),
            date_from=self.value("date_from"),
            date_to=self.value("date_to"),
            date_field=self.value("date_field") or "publish",
            sort=self.value("sort") or "updated",
        )


# --- The editor ----------------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


class ContentForm(forms.Form):
    url = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("Paste the address of the press release or article, then fetch its preview."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    advocate_note = forms.CharField(
        label=_("Why this matters (for advocates)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Shown to colleagues next to the content: who it is for, why share it."),
    )
    language = forms.ChoiceField(label=_("Language of the content"), required=False)
    topics = forms.TypedMultipleChoiceField(
        label=_("Topics"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    campaign = forms.TypedChoiceField(
        label=_("Campaign"), required=False, coerce=int, empty_value=None
    )
    promotional = forms.BooleanField(
        label=_("Promotes a product or service"),
        required=False,
        help_text=_("Shares will carry a disclosure of the employee relationship (ステマ規制)."),
    )
    featured = forms.BooleanField(label=_("Featured in the feed"), required=False)
    pinned = forms.BooleanField(label=_("Pinned to the top of the feed"), required=False)
    publish_at = forms.DateTimeField(
        label=_("Goes live at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Empty: as soon as it is approved and published."),
    )
    expire_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("It leaves the feed then; links already shared keep working."),
    )
    departments = forms.TypedMultipleChoiceField(
        label=_("Departments"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Sub-departments are not included by themselves. None: everyone."),
    )
    locations = forms.TypedMultipleChoiceField(
        label=_("Locations"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    audience_languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    image_url = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)
    site_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        topics: Choices,
        campaigns: Choices,
        departments: Choices,
        locations: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["topics"].choices = list(topics)
        fields["campaign"].choices = _optional_choice(campaigns, _("No campaign"))
        fields["departments"].choices = list(departments)
        fields["locations"].choices = list(locations)
        fields["language"].choices = [(ALL, _("Not set")), *LANGUAGE_CHOICES]

    def content_data(self, *, creating: bool) -> ContentData:
        data = self.cleaned_data
        clear = frozenset(
            name
            for name in ("campaign", "publish_at", "expire_at")
            if not creating and data.get(name) is None
        )
        return ContentData(
            title=data["title"],
            url=data["url"],
            summary=data["summary"],
            advocate_note=data["advocate_note"],
            language=data["language"],
            site_name=data["site_name"] if creating else None,
            topic_ids=data["topics"],
            department_ids=data["departments"],
            location_ids=data["locations"],
            audience_languages=data["audience_languages"],
            audience_roles=data["audience_roles"],
            campaign_id=data["campaign"],
            promotional=data["promotional"],
            featured=data["featured"],
            pinned=data["pinned"],
            publish_at=_aware(data["publish_at"]),
            expire_at=_aware(data["expire_at"]),
            clear=clear,
        )


class VariantForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), required=False, choices=NETWORK_CHOICES)
    text = forms.CharField(
        label=_("Suggested text"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea({"rows": 3}),
    )
    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by spaces, without or with #."),
    )

    def variant_data(self) -> VariantData | None:
        """``None`` for a row left empty (or deleted)."""
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("text") or "").strip():
            return None
        tags = [t for t in _HASHTAG_SPLIT.split(data.get("hashtags") or "") if t]
        return VariantData(network=data.get("network") or "", text=data["text"], hashtags=tags)


VariantFormSet = forms.formset_factory(
    VariantForm, extra=0, can_delete=True, max_num=50, absolute_max=50, validate_max=True
)


def variant_initial(item: ContentItem) -> list[dict[str, Any]]:
    return [
        {"network": v.network, "text": v.text, "hashtags": " ".join(v.hashtags)}
        for v in item.variants.all()
    ]


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB. Location data in photos is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMAGE_TYPES)}),
    )
    alt_text = forms.CharField(
        label=_("Description of the image"),
        required=False,
        max_length=300,
        help_text=_("For people who use a screen reader."),
    )


# --- Campaigns, sources, topics, suggestions -----------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=60,
        help_text=_("a–z, 0–9 and hyphens, e.g. shinsotsu-2027 (utm_campaign). Empty: made up."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    goal = forms.CharField(
        label=_("Goal"), required=False, max_length=200, help_text=_("e.g. エントリー200名")
    )
    goal_target = forms.IntegerField(
        label=_("Goal as a number"), required=False, min_value=1, max_value=1_000_000_000
    )

    def campaign_data(self, *, creating: bool) -> CampaignData:
        data = self.cleaned_data
        return CampaignData(
            name=data["name"],
            slug=data["slug"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            goal=data["goal"],
            goal_target=data["goal_target"],
            clear=frozenset(
                name
                for name in ("starts_on", "ends_on", "goal_target")
                if not creating and data[name] is None
            ),
        )


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.CharField(
        label=_("Feed address"),
        max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("An RSS or Atom feed, or a blog page that names its feed."),
    )
    topics = forms.TypedMultipleChoiceField(
        label=_("Topics of its drafts"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.TypedChoiceField(
        label=_("Campaign of its drafts"), required=False, coerce=int, empty_value=None
    )
    promotional = forms.BooleanField(label=_("Its entries promote a product"), required=False)
    poll_minutes = forms.IntegerField(
        label=_("Check every (minutes)"),
        min_value=POLL_MINUTES_MIN,
        max_value=POLL_MINUTES_MAX,
        initial=60,
    )
    active = forms.BooleanField(label=_("Check this feed"), required=False, initial=True)

    def __init__(self, data: Any = None, *, topics: Choices, campaigns: Choices, **kwargs: Any):
        super().__init__(data, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["topics"].choices = list(topics)
        fields["campaign"].choices = _optional_choice(campaigns, _("No campaign"))

    def source_data(self, *, creating: bool) -> SourceData:
        data = self.cleaned_data
        return SourceData(
            name=data["name"],
            url=data["url"],
            topic_ids=data["topics"],
            campaign_id=data["campaign"],
            promotional=data["promotional"],
            active=data["active"],
            poll_minutes=data["poll_minutes"],
            clear=frozenset({"campaign"} if not creating and data["campaign"] is None else ()),
        )


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class SuggestionForm(forms.Form):
    url = forms.CharField(
        label=_("Link"),
        max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    comment = forms.CharField(
        label=_("Why it is worth sharing (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("The person who suggested it reads this."),
    )


SUGGESTION_STATUS_CHOICES = [(ALL, _("All")), *Suggestion.Status.choices]
