"""Forms of the assistance pages: parse what was typed, services do the checking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenxing.assistance.services.visits import CHECKS
from zhenxing.core.widgets import DateInput


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    met = forms.CharField(label=_("Who was met"), max_length=200)
    checked = forms.MultipleChoiceField(
        label=_("What was checked"),
        choices=[(k, v.split(" ")[0]) for k, v in CHECKS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    differs = forms.CharField(
        label=_("Differences from the record"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    hardship = forms.BooleanField(
        label=_("Hardship found: raise a monitoring lead"), required=False
    )
    hardship_detail = forms.CharField(label=_("Hardship"), max_length=300, required=False)
    archive_version = forms.IntegerField(
        label=_("Archive version seen"), required=False, min_value=1
    )
    board_version = forms.IntegerField(label=_("Board version seen"), required=False, min_value=1)
    handbook_version = forms.IntegerField(
        label=_("Handbook version seen"), required=False, min_value=1
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG)"), required=False)


class PairingUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv): cadre, unit, household number"))
