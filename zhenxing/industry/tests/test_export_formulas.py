"""Formula injection in the season statements export (security.md E4): formula-like
cooperative titles and heads' names are written as inert text, never as formula cells."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from python_calamine import CalamineWorkbook

from zhenxing.households.models import Household
from zhenxing.industry import services
from zhenxing.industry.exports import statements_response
from zhenxing.industry.models import Cooperative
from zhenxing.industry.tests.factories import Chain, at, build_chain, sign_lu, weigh

pytestmark = pytest.mark.django_db
NOW = at(17, 10)
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A", "@SUM(A:A)",
            "-cmd|'/C calc'!A", "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.fixture
def chain() -> Chain:
    return build_chain()


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_names_are_written_inert(chain: Chain, text: str) -> None:
    # given a settled season whose household head and cooperative carry formula-like names
    with time_machine.travel(NOW, tick=False):
        sign_lu(chain)
        weigh(chain, chain.lu, "2000", at(17))
        run = services.settlement_submit(actor=chain.users["district"], season=chain.season)
        services.settlement_execute(run.pk)
        Household.objects.filter(pk=chain.lu.pk).update(head_name=text)
        Cooperative.objects.filter(pk=chain.coop_a.pk).update(title=text)

        # when
        response = statements_response(actor=chain.users["district"], season=chain.season)
    content = response.getvalue()

    # then every cell holding the text has it behind an apostrophe, and no formula exists
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    households = book.get_sheet_by_index(0).to_python()
    coops = book.get_sheet_by_index(1).to_python()
    row = next(r for r in households[1:] if r[1] == chain.lu.household_no)
    assert (row[0], row[2]) == ("'" + text, "'" + text)
    assert ["'" + text] == [r[0] for r in coops[1:] if str(r[0]).endswith(text)]
    cells = [c for r in households[1:] + coops[1:] for c in r if isinstance(c, str)]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            assert "<f>" not in archive.read(name).decode()
