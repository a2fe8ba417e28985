"""Forms of the benefit-chain pages: they parse and type the input; rules live in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenxing.core.widgets import DateInput
from zhenxing.industry.choices import ForfeitMode, Grade, ShareSource, YushuiRule


def money(label: Any, **kwargs: Any) -> forms.DecimalField:
    """Yuan with two decimals."""
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **kwargs)


def weight(label: Any, **kwargs: Any) -> forms.DecimalField:
    """Kilograms or tonnes with three decimals."""
    return forms.DecimalField(label=label, max_digits=12, decimal_places=3, **kwargs)


class BootstrapForm(forms.Form):
    """Inputs styled for Bootstrap, so templates can render `{{ field }}`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = {
                "select": "form-select",
                "checkbox": "form-check-input",
            }.get(getattr(widget, "input_type", ""), "form-control")
            widget.attrs.setdefault("class", css)


class SeasonForm(BootstrapForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    crop = forms.CharField(label=_("Crop"), max_length=20)
    opens_on = forms.DateField(label=_("Purchasing opens"), widget=DateInput())
    closes_on = forms.DateField(label=_("Purchasing closes"), widget=DateInput())
    floor_price = money(_("Floor price (yuan/t)"), min_value=0)
    household_deposit_rate = money(_("Household deposit (yuan/t)"), min_value=0)
    coop_deposit_rate = money(_("Cooperative deposit (yuan/t)"), min_value=0)
    margin_min = money(_("Guaranteed margin from (yuan/t)"))
    margin_max = money(_("Guaranteed margin to (yuan/t)"))
    forfeit_threshold = forms.DecimalField(
        label=_("Performance ratio (0–1)"),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
    )
    forfeit_mode = forms.ChoiceField(label=_("Forfeiture rule"), choices=ForfeitMode.choices)
    yushui_rule = forms.ChoiceField(label=_("The day of Yushui"), choices=YushuiRule.choices)
    floor_after_yushui = forms.BooleanField(label=_("Floor also after Yushui"), required=False)
    approval_threshold = money(_("Four-eyes threshold (yuan)"), min_value=0)


class NameForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)


class CooperativeForm(NameForm):
    village_code = forms.RegexField(label=_("Village code"), regex=r"^\d{12}$")


class PointForm(CooperativeForm):
    cooperative = forms.IntegerField(label=_("Cooperative"))


class MemberForm(BootstrapForm):
    cooperative = forms.IntegerField(label=_("Cooperative"))
    household_no = forms.CharField(label=_("Household number"), max_length=24)
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())


class OrderForm(BootstrapForm):
    enterprise = forms.IntegerField(label=_("Enterprise"))
    cooperative = forms.IntegerField(label=_("Cooperative"))
    tonnes = weight(_("Contracted tonnes"), min_value=0)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())


class ProtectionForm(BootstrapForm):
    household_no = forms.CharField(label=_("Household number"), max_length=24)
    tonnes = weight(_("Contracted tonnes"), required=False)
    area_mu = forms.DecimalField(
        label=_("Area (mu)"), required=False, max_digits=9, decimal_places=2
    )
    yield_kg_per_mu = forms.IntegerField(label=_("Expected kg per mu"), required=False, min_value=1)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())


class WeighForm(BootstrapForm):
    client_id = forms.UUIDField()
    household = forms.IntegerField(label=_("Member"))
    gross_kg = weight(_("Gross kg"))
    deduction_kg = weight(_("Deduction kg"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial=Grade.FIRST)
    price = money(_("Price paid (yuan/t)"), required=False)

    def deduction(self) -> Decimal:
        value = self.cleaned_data.get("deduction_kg")
        return value if value is not None else Decimal("0")


class PriceForm(BootstrapForm):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    price = money(_("Day price (yuan/t)"))


class DeliveryForm(BootstrapForm):
    client_id = forms.UUIDField()
    agreement = forms.IntegerField(label=_("Order agreement"))
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    net_kg = weight(_("Net kg"))
    price = money(_("Enterprise price (yuan/t)"))
    costs = money(_("Cooperative's costs (yuan)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ShareholdingForm(BootstrapForm):
    cooperative = forms.IntegerField(label=_("Cooperative"))
    household_no = forms.CharField(label=_("Household number"), max_length=24)
    source = forms.ChoiceField(label=_("Source"), choices=ShareSource.choices)
    amount = money(_("Shares (yuan)"), min_value=0)
    since = forms.DateField(label=_("Since"), widget=DateInput())


class DividendForm(BootstrapForm):
    cooperative = forms.IntegerField(label=_("Cooperative"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = money(_("Total dividend (yuan)"), min_value=0)
    floor_rate = forms.DecimalField(
        label=_("Floor for marginal households"),
        initial=Decimal("0.05"),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
    )


class ClerkBindForm(BootstrapForm):
    user = forms.IntegerField(label=_("Account"))
    cooperative = forms.IntegerField(label=_("Cooperative"), required=False)
    enterprise = forms.IntegerField(label=_("Enterprise"), required=False)


def first_error(form: forms.Form) -> str:
    """One line for a message: the first field and its first error."""
    for name, errors in form.errors.items():
        label: Any = form.fields[name].label if name in form.fields else name
        return f"{label or name}: {errors[0]}"
    return ""
