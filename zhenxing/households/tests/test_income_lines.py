"""`income_lines_record`: the bulk, idempotent way other apps record a household's income."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhenxing.core.errors import DomainError
from zhenxing.households import services
from zhenxing.households.models import IncomeLine
from zhenxing.households.services import IncomeLineDraft, income_line_record, income_lines_record
from zhenxing.households.tests.factories import household

pytestmark = pytest.mark.django_db


def draft(household_id: int, ref: str, amount: str = "100.00", **kw: object) -> IncomeLineDraft:
    values: dict[str, object] = {
        "household_id": household_id,
        "year": 2025,
        "kind": "property",
        "amount": Decimal(amount),
        "source": "股金分红",
        "source_ref": ref,
    }
    values.update(kw)
    return IncomeLineDraft(**values)  # type: ignore[arg-type]


def test_lines_are_recorded_once_each_with_their_first_history_version() -> None:
    # given two households, one source shared by both and a line repeated within the batch
    a, b = household(), household()
    lines = [
        draft(a.pk, "dividend/C1/Y2025"),
        draft(b.pk, "dividend/C1/Y2025", "250.50"),
        draft(a.pk, "settle/S1/C1/H1", kind="business", cost=Decimal("12.00")),
        draft(a.pk, "dividend/C1/Y2025"),
    ]

    # when recorded twice
    first = income_lines_record(actor=None, lines=lines, change_reason="industry dividend")
    again = income_lines_record(actor=None, lines=lines, change_reason="industry dividend")

    # then three lines exist, each with one "+" history row, and the second call added nothing
    assert len(first) == 3
    assert again == []
    rows = sorted(
        IncomeLine.objects.values_list("household_id", "kind", "amount", "cost", "source_ref")
    )
    assert rows == sorted(
        [
            (a.pk, "property", Decimal("100.00"), Decimal("0.00"), "dividend/C1/Y2025"),
            (b.pk, "property", Decimal("250.50"), Decimal("0.00"), "dividend/C1/Y2025"),
            (a.pk, "business", Decimal("100.00"), Decimal("12.00"), "settle/S1/C1/H1"),
        ]
    )
    history = IncomeLine.history.filter(history_type="+")
    assert sorted(history.values_list("id", flat=True)) == sorted(line.pk for line in first)
    assert set(history.values_list("history_change_reason", flat=True)) == {"industry dividend"}


def test_a_line_recorded_on_its_own_is_not_recorded_again_in_bulk() -> None:
    h = household()
    income_line_record(
        actor=None, household=h, year=2025, kind="property", amount=Decimal("100.00"),
        source="股金分红", source_ref="dividend/C1/Y2025",
    )  # fmt: skip

    new = income_lines_record(
        actor=None, lines=[draft(h.pk, "dividend/C1/Y2025")], change_reason="industry dividend"
    )

    assert new == []
    assert IncomeLine.objects.filter(household=h).count() == 1


def test_the_lookup_of_recorded_lines_spans_several_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given more sources than one lookup takes
    monkeypatch.setattr(services, "INCOME_KEY_CHUNK", 2)
    homes = [household() for _ in range(5)]
    lines = [draft(h.pk, f"settle/S1/C1/H{h.pk}", kind="business") for h in homes]
    assert len(income_lines_record(actor=None, lines=lines, change_reason="settlement")) == 5

    # when recorded again, then every chunk's lines are found and nothing is added
    assert income_lines_record(actor=None, lines=lines, change_reason="settlement") == []
    assert IncomeLine.objects.count() == 5


def test_a_negative_amount_refuses_the_whole_batch_naming_its_row() -> None:
    h = household()
    lines = [draft(h.pk, "dividend/C1/Y2025"), draft(h.pk, "dividend/C2/Y2025", "-1.00")]

    with pytest.raises(DomainError) as caught:
        income_lines_record(actor=None, lines=lines, change_reason="industry dividend")

    assert (caught.value.code.code, caught.value.row) == ("roster.bad_money", 2)
    assert not IncomeLine.objects.exists()
