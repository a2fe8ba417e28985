from datetime import date

from django import forms
from django.utils import translation

from zhenxing.core.widgets import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


def test_a_date_picker_holds_an_iso_date_in_the_chinese_interface() -> None:
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": date(2026, 12, 3)})["day"])

    assert 'type="date"' in html
    assert 'value="2026-12-03"' in html
