"""Forms of the registry pages.

The edit forms carry raw text only: their fields, labels and widgets come from
`columns.COLUMNS` and the model's choices, and every value is parsed and checked by the
services through the same parsers as the roster import. A form therefore never refuses a value
on its own; it shows, beside each field, the `DomainError` the service raised for it.

Holds:
- `HouseholdFilterForm`: search box and the town / village / category filters of the list.
- `HouseholdEditForm`, `MemberEditForm`, `FactsEditForm`: edits through the services.
- `NewHouseholdForm`: a household and its head, checked as a one-row roster.
- `UnmaskForm`: the reason for seeing a personal value in full.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.core.errors import DomainError
from zhenxing.core.widgets import DateInput
from zhenxing.households import choices
from zhenxing.households.imports import roster_check
from zhenxing.households.models import Household, HouseholdFacts, Member
from zhenxing.households.services import (
    FACTS_EDITABLE,
    HOUSEHOLD_EDITABLE,
    MEMBER_EDITABLE,
    HouseholdDraft,
)
from zhenxing.households.validation import (
    BY_KEY,
    COLUMNS,
    FACT_DEFAULTS,
    FACT_KEYS,
    HOUSEHOLD_KEYS,
    MEMBER_DEFAULTS,
    MEMBER_KEYS,
)

YES, NO = "是", "否"
_BOOL_CHOICES = [(YES, "是 Yes"), (NO, "否 No")]
PERSONAL_KEYS = tuple(c.key for c in COLUMNS if c.personal)


def column_label(key: str) -> str:
    column = BY_KEY[key]
    return f"{column.zh} {column.en}"


def raw_text(value: Any) -> str:
    """A stored value written the way the roster parsers read it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _ordered(keys: Iterable[str]) -> list[str]:
    wanted = set(keys)
    return [c.key for c in COLUMNS if c.key in wanted]


def _styled(widget: forms.Widget) -> forms.Widget:
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    widget.attrs.setdefault("class", css)
    return widget


def _widget_for(key: str, model_field: models.Field[Any, Any] | None) -> forms.Widget:
    column = BY_KEY[key]
    if isinstance(model_field, models.BooleanField):
        return _styled(forms.Select(choices=_BOOL_CHOICES))
    if model_field is not None and model_field.choices:
        options = [(str(v), str(label)) for v, label in model_field.flatchoices if v != ""]
        blank_label = "—"
        if key == "school_status":
            blank_label = str(choices.SchoolStatus.NOT_APPLICABLE.label)
        elif key == "work_place":
            blank_label = str(choices.WorkPlace.NONE.label)
        if not column.required:
            options.insert(0, ("", blank_label))
        return _styled(forms.Select(choices=options))
    if isinstance(model_field, models.DateField):
        return _styled(DateInput())
    if isinstance(model_field, models.PositiveSmallIntegerField | models.PositiveIntegerField):
        return _styled(forms.TextInput(attrs={"inputmode": "numeric"}))
    return _styled(forms.TextInput())


def _model_field(model: type[models.Model], key: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:  # a column without a model field (phone) is plain text
        return None
    return field if isinstance(field, models.Field) else None


class RegistryEditForm(forms.Form):
    """Raw-text fields for some registry columns; the service parses and validates them."""

    model: type[models.Model]
    keys: Sequence[str] = ()

    def __init__(
        self,
        data: Any = None,
        *,
        instance: models.Model | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        self.instance = instance
        self.required_keys: set[str] = set()
        if instance is not None:
            initial = {k: getattr(instance, k, None) for k in self.keys}
        super().__init__(data, initial={k: raw_text(v) for k, v in (initial or {}).items()})
        for key in _ordered(self.keys):
            model_field = self._model_field(key)
            self.fields[key] = forms.CharField(
                label=column_label(key),
                required=False,
                strip=False,
                widget=_widget_for(key, model_field),
            )
            if BY_KEY[key].required:
                self.fields[key].widget.attrs["aria-required"] = "true"
                self.required_keys.add(key)

    def _model_field(self, key: str) -> models.Field[Any, Any] | None:
        return _model_field(self.model, key)

    def changes(self) -> dict[str, str]:
        """The submitted columns whose text differs from what was shown: only real edits reach
        the service, so an unchanged form writes no record version."""
        found: dict[str, str] = {}
        for key in self.keys:
            if key not in self.fields or key not in self.data:
                continue  # a field the request did not send is left as it is
            submitted = self.cleaned_data.get(key, "") or ""
            if submitted.strip() != (self.initial.get(key) or "").strip():
                found[key] = submitted
        return found

    def add_domain_errors(self, errors: Iterable[DomainError]) -> None:
        """Show each service error beside its field (both languages), others above the form."""
        for error in errors:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)

    def layout(self) -> list[tuple[forms.BoundField, forms.BoundField | None, bool]]:
        """(field, its "remove" box if any, required) in display order, for the template."""
        rows = []
        for name in self.fields:
            if name.endswith("_clear"):
                continue
            clear = self[f"{name}_clear"] if f"{name}_clear" in self.fields else None
            rows.append((self[name], clear, name in self.required_keys))
        return rows

    def forget_personal(self) -> None:
        """A refused form is shown again without the personal numbers typed into it (D2)."""
        self.data = {k: v for k, v in self.data.items() if k not in PERSONAL_KEYS}

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class HouseholdEditForm(RegistryEditForm):
    """Household fields. Phone and bank account are never shown in full here: a blank box keeps
    the stored value, a new value replaces it, and the "clear" box removes it."""

    model = Household
    keys = tuple(k for k in HOUSEHOLD_EDITABLE if k not in ("phone", "bank_account"))
    personal = ("phone", "bank_account")

    def __init__(
        self,
        data: Any = None,
        *,
        instance: models.Model | None = None,
        masked: dict[str, str] | None = None,
    ) -> None:
        super().__init__(data, instance=instance)
        masked = masked or {}
        for key in self.personal:
            self.fields[key] = forms.CharField(
                label=column_label(key),
                required=False,
                widget=_styled(forms.TextInput(attrs={"autocomplete": "off"})),
                help_text=_("Leave blank to keep the current value."),
            )
            if masked.get(key):
                self.fields[key].widget.attrs["placeholder"] = masked[key]
            self.fields[f"{key}_clear"] = forms.BooleanField(
                label=_("Remove"), required=False, widget=forms.CheckboxInput()
            )
            self.fields[f"{key}_clear"].widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict[str, str]:
        found = super().changes()
        for key in self.personal:
            typed = (self.cleaned_data.get(key) or "").strip()
            if typed:
                found[key] = typed
            elif self.cleaned_data.get(f"{key}_clear"):
                found[key] = ""
        return found


class MemberEditForm(RegistryEditForm):
    model = Member
    keys = MEMBER_EDITABLE


class FactsEditForm(RegistryEditForm):
    model = HouseholdFacts
    keys = FACTS_EDITABLE


class NewHouseholdForm(RegistryEditForm):
    """A new household with its head and the basic-needs facts: a one-row roster.

    `check(actor)` validates the row with the roster import's own checker (`roster_check`:
    every cell parser, the rules between fields, the ID number against the registry, the
    household number, and the village group against the actor's scope), so the form refuses
    exactly what a spreadsheet would, for the same reasons.
    """

    model = Household
    keys = (*HOUSEHOLD_KEYS, *(k for k in MEMBER_KEYS if k != "relation"), *FACT_KEYS)

    def __init__(self, data: Any = None, *, groups: Sequence[tuple[str, str]]) -> None:
        defaults = {**MEMBER_DEFAULTS, **FACT_DEFAULTS, "medical_insurance": True}
        super().__init__(data, initial={k: v for k, v in defaults.items() if k in self.keys})
        self.fields["group_code"].widget = _styled(
            forms.Select(choices=[("", "—"), *[(c, f"{n} {c}") for c, n in groups]])
        )

    def _model_field(self, key: str) -> models.Field[Any, Any] | None:
        for model in (Household, Member, HouseholdFacts):
            found = _model_field(model, key)
            if found is not None:
                return found
        return None

    def cells(self) -> dict[str, str]:
        texts = {k: (self.cleaned_data.get(k) or "").strip() for k in self.keys}
        return {**texts, "relation": "head"}

    def check(self, actor: Any) -> list[HouseholdDraft]:
        """The household's draft, or [] with every issue added beside its field."""
        cells = self.cells()
        with tempfile.TemporaryDirectory(prefix="zhenxing-form-") as folder:
            path = Path(folder) / "household.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(list(cells))
                writer.writerow(list(cells.values()))
            result = roster_check(path, actor=actor, name=path.name)
        for issue in result.report.issues:
            field = issue.column if issue.column in self.fields else None
            self.add_error(field, f"{issue.message_zh} / {issue.message_en}")
        return result.drafts if result.report.ok else []


class HouseholdFilterForm(forms.Form):
    """What the list shows. Town and village options are the actor's; anything else is ignored
    (the selectors would find nothing for it anyway)."""

    q = forms.CharField(required=False, max_length=60, strip=True)
    town = forms.ChoiceField(required=False)
    village = forms.ChoiceField(required=False)
    category = forms.ChoiceField(required=False)

    def __init__(
        self,
        data: Any,
        *,
        towns: Sequence[tuple[str, str]],
        villages: Sequence[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        self.town_count = len(towns)
        for name, options in (
            ("town", [("", _("All towns")), *towns]),
            ("village", [("", _("All villages")), *villages]),
            ("category", [("", _("All categories")), *choices.Category.choices]),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def filters(self) -> dict[str, str]:
        """Keyword arguments of `household_list`; an invalid filter counts as not given."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        town = data.get("town") or ""
        village = data.get("village") or ""
        if town and village and not village.startswith(town):
            village = ""  # the town changed and the village was left from the previous one
        return {
            "query": data.get("q") or "",
            "town_code": town,
            "village_code": village,
            "category": data.get("category") or "",
        }


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=True,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        error_messages={"required": "查看完整信息须填写事由 / A reason is required"},
    )

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error("reason", error.message)
