"""D4: a personal field missing from the inventory fails here."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from zhenxing.core.inventory import HOUSEHOLD_APPS, INVENTORY, NOT_PERSONAL, is_structural

# Field names that hold personal information wherever they appear.
PERSONAL = re.compile(
    r"(^|_)(name|pinyin|initials|id_cipher|id_index|phone|bank|address|birth|sex|health|"
    r"disability|dibao|tekun|ip|username)($|_)"
)


def _key(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def _own_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("zhenxing.") and not m.__name__.startswith("Historical")
    ]


def _personal_fields() -> set[str]:
    found = set()
    for model in _own_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and PERSONAL.search(field.name):
                found.add(_key(model, field))  # type: ignore[arg-type]
    return found - set(NOT_PERSONAL)


def free_text_fields(candidates: Iterable[type[models.Model]]) -> set[str]:
    """TextField, JSONField and choice-less CharField of the household apps' models."""
    found = set()
    for model in candidates:
        if model._meta.app_label not in HOUSEHOLD_APPS:
            continue
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.TextField | models.JSONField) or (
                isinstance(field, models.CharField) and not field.choices
            )
            if text and not is_structural(field.name):
                found.add(_key(model, field))
    return found


def _uninventoried(fields: set[str]) -> list[str]:
    return sorted(f for f in fields if f not in INVENTORY and f not in NOT_PERSONAL)


def test_every_personal_field_is_inventoried() -> None:
    missing = sorted(
        f
        for f in _personal_fields()
        if f not in INVENTORY and not f.startswith(("regions.", "jobs."))
    )
    assert missing == []


def test_every_free_text_field_of_a_household_app_is_inventoried_or_marked_not_personal() -> None:
    assert _uninventoried(free_text_fields(_own_models())) == []


def test_health_and_hardship_notes_are_inventoried_as_personal() -> None:
    for name in (
        "monitoring.Case.outcome_reason",
        "monitoring.Declaration.what_happened",
        "monitoring.Lead.detail",
        "monitoring.CaseStep.notes",
        "monitoring.Objection.summary",
        "households.SpendingLine.source",
    ):
        assert INVENTORY[name].purpose
        assert INVENTORY[name].retention


@isolate_apps("zhenxing.monitoring")
def test_the_free_text_scan_would_catch_a_new_note_field() -> None:
    # given: a household-app model with a new note, a choice field and a region code
    class Visit(models.Model):
        village_code = models.CharField(max_length=12)
        kind = models.CharField(max_length=8, choices=[("a", "A")])
        finding = models.CharField(max_length=200)
        remarks = models.TextField()
        extra = models.JSONField()

        class Meta:
            app_label = "monitoring"

        def __str__(self) -> str:
            return self.finding

    # when / then: the typed fields are flagged, the code and the choice are not
    assert _uninventoried(free_text_fields([Visit])) == [
        "monitoring.Visit.extra",
        "monitoring.Visit.finding",
        "monitoring.Visit.remarks",
    ]


def test_no_field_is_both_personal_and_not_personal() -> None:
    assert sorted(set(INVENTORY) & set(NOT_PERSONAL)) == []
    assert all(NOT_PERSONAL.values())


def test_the_inventory_names_real_fields() -> None:
    real = {
        f"{m._meta.app_label}.{m.__name__}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
    }
    assert sorted(set(INVENTORY) - real) == []
    assert sorted(set(NOT_PERSONAL) - real) == []


def test_the_scan_would_catch_a_new_personal_field() -> None:
    assert PERSONAL.search("mother_phone")
    assert PERSONAL.search("spouse_id_cipher")


def test_only_machine_made_columns_are_structural() -> None:
    assert is_structural("county_code")
    assert is_structural("natural_key")
    assert is_structural("payload_hash")
    assert not is_structural("code_note")
    assert not is_structural("notes")
    assert not is_structural("village_code_remark")
