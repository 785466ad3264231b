"""Forms of the people, organization and audit pages: they check the shape of input only.

Business rules (who may grant which role, unique employee numbers, department cycles…) live in
the services; a ``DomainError`` they raise is put back on the form with ``add_domain_error``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.models import LANGUAGE_CHOICES, AppearAs, Membership
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import AuditFilter, PeopleFilter
from ouendan.accounts.services.people import OFFBOARD_REASON_MAX, PersonData
from ouendan.accounts.services.security import TWO_FACTOR_RESET_REASON_MAX
from ouendan.core.errors import DomainError

Choices = Sequence[tuple[Any, str]]

STATUS_ALL = "all"
SEARCH_MAX = 100


def add_domain_error(
    form: forms.Form, error: DomainError, renames: dict[str, str] | None = None
) -> None:
    """Show a service's refusal: its sentence above the form, its short notes on the fields."""
    form.add_error(None, error.message)
    renames = renames or {}
    for name, messages in error.fields.items():
        field = renames.get(name, name)
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, sorted, with Asia/Tokyo first (most of our customers are there)."""
    zones = sorted(zoneinfo.available_timezones() - {"Asia/Tokyo", "localtime", "Factory"})
    return [(zone, zone.replace("_", " ")) for zone in ["Asia/Tokyo", *zones]]


def _optional_id(choices: Choices, empty_label: str | Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("", empty_label), *choices], coerce=int, required=False, empty_value=None
    )


# --- People ---------------------------------------------------------------------------------------


class PeopleFilterForm(forms.Form):
    """The directory's search and filters (a GET form; invalid values are simply ignored)."""

    q = forms.CharField(label=_("Search"), required=False)
    department = forms.TypedChoiceField(label=_("Department"), required=False)
    location = forms.TypedChoiceField(label=_("Location"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (Membership.Status.ACTIVE, _("Active")),
            (Membership.Status.LEFT, _("Left the company")),
            (STATUS_ALL, _("Everyone")),
        ],
    )

    def __init__(
        self, data: Any = None, *, departments: Choices, locations: Choices, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["department"] = _optional_id(departments, _("All departments"))
        self.fields["department"].label = _("Department")
        self.fields["department"].help_text = _("Includes its sub-departments.")
        self.fields["location"] = _optional_id(locations, _("All locations"))
        self.fields["location"].label = _("Location")
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["q"].help_text = _("Name, reading, e-mail, employee number or job title.")

    def value(self, name: str) -> Any:
        """The cleaned value, or nothing if the field was missing or not valid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None

    def to_filter(self) -> PeopleFilter:
        status = self.value("status") or Membership.Status.ACTIVE
        role = self.value("role")
        return PeopleFilter(
            query=(self.value("q") or "")[:SEARCH_MAX],
            department_id=self.value("department"),
            location_id=self.value("location"),
            role=Role(role) if role else None,
            status="" if status == STATUS_ALL else status,
        )

    @property
    def narrows(self) -> bool:
        """Whether anything beyond the default (everyone active) is asked for."""
        f = self.to_filter()
        return bool(
            f.query
            or f.department_id
            or f.location_id
            or f.role
            or f.status != Membership.Status.ACTIVE
        )


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    full_name_kana = forms.CharField(
        label=_("Name reading (kana)"),
        max_length=120,
        required=False,
        help_text=_("Used to sort the directory, e.g. ヤマダ タロウ."),
    )
    employee_number = forms.CharField(label=_("Employee number"), max_length=40, required=False)
    department = forms.TypedChoiceField(label=_("Department"), required=False)
    location = forms.TypedChoiceField(label=_("Location"), required=False)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The organization's language")), *LANGUAGE_CHOICES],
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        data: Any = None,
        *,
        departments: Choices,
        locations: Choices,
        can_assign_roles: bool,
        current_roles: Iterable[str] = (),
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.can_assign_roles = can_assign_roles
        self.current_roles = set(current_roles)
        self.fields["department"] = _optional_id(departments, _("No department"))
        self.fields["department"].label = _("Department")
        self.fields["location"] = _optional_id(locations, _("No location"))
        self.fields["location"].label = _("Location")
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        if not creating:
            del self.fields["email"]

    def role_options(self) -> list[dict[str, Any]]:
        """The role checkboxes: roles other than advocate are locked for non-admins."""
        if self.is_bound:
            chosen = set(self.data.getlist("roles")) if hasattr(self.data, "getlist") else set()
            if not self.can_assign_roles:
                chosen |= self.current_roles - {Role.ADVOCATE}
        else:
            chosen = set(self.initial.get("roles", []))
        return [
            {
                "value": value,
                "label": label,
                "checked": value in chosen,
                "locked": not self.can_assign_roles and value != Role.ADVOCATE,
                "id": f"id_roles_{index}",
            }
            for index, (value, label) in enumerate(Role.choices)
        ]

    def clean_roles(self) -> list[str]:
        roles = set(self.cleaned_data.get("roles") or [])
        if not self.can_assign_roles:
            # Locked boxes are not submitted: keep what the person already has. Anything extra
            # a tampered form sends is left for the service to refuse.
            roles |= self.current_roles - {Role.ADVOCATE}
        return sorted(roles)

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"],
            full_name_kana=data["full_name_kana"],
            employee_number=data["employee_number"],
            title=data["title"],
            language=data["language"],
            department_id=data["department"],
            location_id=data["location"],
            clear_department=data["department"] is None,
            clear_location=data["location"] is None,
        )


PERSON_FIELD_RENAMES = {"department_id": "department", "location_id": "location"}


class OffboardForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=OFFBOARD_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, e.g. 退職 (resignation) or 契約終了."),
    )


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=TWO_FACTOR_RESET_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, e.g. lost phone, confirmed by a call."),
    )


# --- Organization ---------------------------------------------------------------------------------


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=200)
    locale = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        help_text=_("For people who have not chosen a language of their own."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=(),
        help_text=_("Dates and times on every page and report are shown in this zone."),
    )
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for everyone"),
        required=False,
        help_text=_("People without an authenticator app are asked to set one up at sign-in."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB. Shown in the top bar."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    default_appear_as = forms.ChoiceField(
        label=_("On leaderboards, people appear"),
        choices=AppearAs.choices,
        required=False,  # left out: unchanged
        help_text=_(
            "Until they choose for themselves. By nickname: people without one do not appear."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]


# --- Departments and locations --------------------------------------------------------------------


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Optional, e.g. the code used in your HR system."),
    )
    parent_id = forms.TypedChoiceField(label=_("Parent department"), required=False)

    def __init__(self, data: Any = None, *, parents: Choices, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["parent_id"] = _optional_id(parents, _("None (top level)"))
        self.fields["parent_id"].label = _("Parent department")


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)


# --- Audit log ------------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=200)
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *, actions: Choices, target_types: Choices, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]  # type: ignore[attr-defined]
        self.fields["target_type"].choices = [("", _("All types")), *target_types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> AuditFilter:
        if not self.is_bound:
            return AuditFilter()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if "date_to" in self.errors:
            data = {k: v for k, v in data.items() if k not in ("date_from", "date_to")}
        return AuditFilter(
            action=data.get("action") or "",
            actor_label=data.get("actor") or "",
            target_type=data.get("target_type") or "",
            target_id=data.get("target_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
