"""Form widgets shared by every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. `<input type="date">` takes only ISO dates (YYYY-MM-DD), whatever
    the interface language, so the value is always written in that form; otherwise a localised
    initial value (e.g. a visit date of today) shows as an empty picker."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
