"""D4: a personal field missing from the inventory fails here."""

from __future__ import annotations

import re

from django.apps import apps

from zhenxing.core.inventory import INVENTORY

# Field names that hold personal information wherever they appear.
PERSONAL = re.compile(
    r"(^|_)(name|pinyin|initials|id_cipher|id_index|phone|bank|address|birth|sex|health|"
    r"disability|dibao|tekun|ip|username)($|_)"
)
# Names of things, not of people; and a derived lookup key of the (inventoried) user name.
NOT_PERSONAL = {
    "accounts.User.username_key",
    "screening.Parameter.name",
    "assistance.MeasureKind.name_en",
    "assistance.MeasureKind.name_zh",
    "assistance.Parameter.name",
    "screening.RuleSet.name",
}


def _personal_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("zhenxing.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and PERSONAL.search(field.name):
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return found - NOT_PERSONAL


def test_every_personal_field_is_inventoried() -> None:
    missing = sorted(
        f
        for f in _personal_fields()
        if f not in INVENTORY and not f.startswith(("regions.", "jobs."))
    )
    assert missing == []


def test_the_inventory_names_real_fields() -> None:
    real = {
        f"{m._meta.app_label}.{m.__name__}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
    }
    assert sorted(set(INVENTORY) - real) == []


def test_the_scan_would_catch_a_new_personal_field() -> None:
    assert PERSONAL.search("mother_phone")
    assert PERSONAL.search("spouse_id_cipher")
