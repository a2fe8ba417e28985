"""Formula injection in the screening export (security.md E4): a formula-like head's name is
written as inert text (a leading apostrophe, never a formula cell)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal as D

import pytest
from python_calamine import CalamineWorkbook

from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.households.models import Household
from zhenxing.regions.models import Division
from zhenxing.screening.exports import results_response
from zhenxing.screening.services import run_execute, run_start
from zhenxing.screening.tests.factories import Case, install_rules, region_tree

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A", "@SUM(A:A)",
            "-cmd|'/C calc'!A", "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize("name", FORMULAS)
def test_a_formula_like_name_is_written_inert(name: str) -> None:
    # given a household whose head's name (kept from an older system) starts like a formula
    region_tree()
    install_rules()
    household = Case(wage=D("5000")).register()
    Household.objects.filter(pk=household.pk).update(head_name=name)
    run = run_execute(
        run_start(
            actor=None, year=2025, county_code="500102", as_of=date(2025, 12, 31),
            background=False,
        ).pk
    )  # fmt: skip
    district = UserFactory.create(
        role="district_staff", region=Division.objects.get(code="500102", valid_to__isnull=True)
    )

    # when
    response = results_response(actor=district, run=run)
    content = response.getvalue()

    # then the cell holds the text behind an apostrophe, and the sheet holds no formula
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][1] == "'" + name
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
