"""Benefit-chain pages per role (B3, B4): what each role sees, 404 + audit outside the scope,
fast purchase entry over htmx, receipts and their public check, export, settlement on the web."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.test import Client
from python_calamine import CalamineWorkbook

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import sign_in_verified
from zhenxing.audit.models import AuditEvent
from zhenxing.industry import selectors, services
from zhenxing.industry.models import (
    DividendDistribution,
    Enterprise,
    HouseholdStatement,
    ProtectionAgreement,
    SettlementRun,
    Weighing,
)
from zhenxing.industry.selectors import receipt_code_of
from zhenxing.industry.tests.factories import Chain, at, build_chain, sign_lu, weigh
from zhenxing.ledger.models import Account, Entry, PendingEntry

pytestmark = pytest.mark.django_db
NOW = at(17, 10)  # 17 Feb 2021 10:00 Beijing: before 雨水, inside the season


@pytest.fixture
def chain() -> Chain:
    return build_chain()


def client_for(user: User) -> Client:
    client = Client()
    if user.is_privileged:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def _denials() -> int:
    return AuditEvent.objects.filter(event="scope.denied").count()


def _settled(chain: Chain) -> Weighing:
    sign_lu(chain)
    w = weigh(chain, chain.lu, "2000", at(17))
    weigh(chain, chain.b1, "500", at(17), point=chain.point_b1)
    run = services.settlement_submit(actor=chain.users["district"], season=chain.season)
    services.settlement_execute(run.pk)
    return w


def _urls(chain: Chain, w: Weighing) -> dict[str, str]:
    statement = HouseholdStatement.objects.get(household=chain.lu)
    s = chain.season.pk
    return {
        "home": "/industry/",
        "season": f"/industry/seasons/{s}/",
        "agreements": f"/industry/seasons/{s}/agreements/",
        "deliveries": f"/industry/seasons/{s}/deliveries/",
        "statements": f"/industry/seasons/{s}/statements/",
        "reconciliation": f"/industry/seasons/{s}/reconciliation/",
        "purchase_a": f"/industry/points/{chain.point_a1.pk}/",
        "receipt_a": f"/industry/weighings/{w.client_id}/receipt/",
        "statement_lu": f"/industry/statements/{statement.pk}/",
        "ledger": "/industry/ledger/",
        "dividends": "/industry/dividends/",
        "parties": "/industry/parties/",
        "clerks": "/industry/clerks/",
    }


# role → expected status per page (404: out of scope, audited; 403: the role may not)
MATRIX: dict[str, dict[str, int]] = {
    "district": {
        "home": 200, "season": 200, "agreements": 200, "deliveries": 200, "statements": 200,
        "reconciliation": 200, "purchase_a": 403, "receipt_a": 200, "statement_lu": 200,
        "ledger": 200, "dividends": 200, "parties": 200, "clerks": 403,
    },
    "clerk_a": {
        "home": 200, "season": 200, "agreements": 200, "deliveries": 200, "statements": 200,
        "reconciliation": 200, "purchase_a": 200, "receipt_a": 200, "statement_lu": 200,
        "ledger": 200, "dividends": 200, "parties": 403, "clerks": 403,
    },
    "clerk_b": {
        "home": 200, "season": 200, "purchase_a": 404, "receipt_a": 404, "statement_lu": 404,
        "ledger": 200, "parties": 403,
    },
    "enterprise": {
        "home": 200, "season": 200, "deliveries": 200, "statements": 200, "purchase_a": 403,
        "receipt_a": 403, "statement_lu": 404, "dividends": 403,
    },
    "unbound": {"home": 200, "season": 404, "purchase_a": 404, "statement_lu": 404},
    "town": {"home": 403, "season": 403, "statement_lu": 403, "ledger": 403},
    "security": {"clerks": 200, "home": 403, "ledger": 403},
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_pages_per_role(chain: Chain, role: str) -> None:
    # given a settled season with a weighing in each cooperative
    with time_machine.travel(NOW, tick=False):
        w = _settled(chain)
        urls = _urls(chain, w)
        client = client_for(chain.users[role])

        for page, expected in MATRIX[role].items():
            before = _denials()
            response = client.get(urls[page])

            # then each page answers as the matrix says; every 404 is audited
            assert response.status_code == expected, (role, page, response.status_code)
            if expected == 404:
                assert _denials() == before + 1, (role, page)


def test_a_clerk_sees_only_its_own_cooperative(chain: Chain) -> None:
    with time_machine.travel(NOW, tick=False):
        _settled(chain)
        s = chain.season.pk

        mine = client_for(chain.users["clerk_b"]).get(f"/industry/seasons/{s}/statements/")
        ledger = client_for(chain.users["clerk_b"]).get("/industry/ledger/").content.decode()

    page = mine.content.decode()
    assert chain.b1.household_no in page
    assert chain.lu.household_no not in page
    assert "卢家庆" not in page
    assert f".C{chain.coop_b.pk}." in ledger
    assert f".C{chain.coop_a.pk}." not in ledger


def _weigh_post(client: Client, chain: Chain, **data: Any) -> Any:
    payload = {
        "client_id": str(uuid.uuid4()),
        "household": chain.lu.pk,
        "gross_kg": "2000",
        "deduction_kg": "",
        "grade": "1",
        "price": "",
    } | data
    return client.post(
        f"/industry/points/{chain.point_a1.pk}/weigh/", payload, HTTP_HX_REQUEST="true"
    )


def test_fast_purchase_entry_over_htmx(chain: Chain) -> None:
    sign_lu(chain)
    client = client_for(chain.users["clerk_a"])
    with time_machine.travel(at(16, 10), tick=False):  # the day price is 700: below the floor
        page = client.get(f"/industry/points/{chain.point_a1.pk}/")
        hits = client.get(f"/industry/points/{chain.point_a1.pk}/members/", {"q": "ljq"})
        client_id = str(uuid.uuid4())
        first = _weigh_post(client, chain, client_id=client_id)
        again = _weigh_post(client, chain, client_id=client_id)
        refused = _weigh_post(client, chain, gross_kg="0")
        outsider = _weigh_post(client, chain, household=chain.b1.pk)

    assert page.status_code == 200
    assert "700" in page.content.decode()
    assert "卢家庆" in hits.content.decode()
    assert first.status_code == 200
    assert first["HX-Trigger"] == "weighingRecorded"
    assert "1600.00" in first.content.decode()  # 2 t × 800 (700 + 100 floor top-up)
    assert "已记录" in again.content.decode() or "Already recorded" in again.content.decode()
    assert "HX-Trigger" not in refused
    assert "净重必须大于零" in refused.content.decode()
    assert outsider.status_code == 404  # a member of another cooperative is not in scope
    assert Weighing.objects.count() == 1


def test_member_search_stays_inside_the_cooperative(chain: Chain) -> None:
    with time_machine.travel(NOW, tick=False):
        hits = client_for(chain.users["clerk_b"]).get(
            f"/industry/points/{chain.point_b1.pk}/members/", {"q": "ljq"}
        )
    assert "卢家庆" not in hits.content.decode()


def test_receipt_and_its_public_check_show_nothing_personal(chain: Chain) -> None:
    with time_machine.travel(NOW, tick=False):
        w = weigh(chain, chain.lu, "2000", at(17))
        receipt = client_for(chain.users["clerk_a"]).get(
            f"/industry/weighings/{w.client_id}/receipt/"
        )
        code = receipt_code_of(w)
        public = Client().get(f"/industry/r/{w.client_id}/", {"code": code})
        forged = Client().get(f"/industry/r/{w.client_id}/", {"code": "AAAAA-AAAAA"})

    assert code in receipt.content.decode()
    body = public.content.decode()
    assert public.status_code == 200
    assert "卢**" in body
    assert "卢家庆" not in body
    assert chain.lu.household_no not in body
    assert "2900.00" in body
    assert forged.status_code == 404


def test_statements_export_is_scoped_and_audited(chain: Chain) -> None:
    with time_machine.travel(NOW, tick=False):
        _settled(chain)
        response = client_for(chain.users["clerk_b"]).get(
            f"/industry/seasons/{chain.season.pk}/statements.xlsx"
        )
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()
    numbers = [str(r[1]) for r in rows[1:]]
    assert numbers == [chain.b1.household_no]
    assert AuditEvent.objects.filter(event="export").count() == 1


def test_settling_on_the_web_with_four_eyes(
    chain: Chain, django_capture_on_commit_callbacks: Any
) -> None:
    # given a season whose largest amount is above the threshold
    chain.season.approval_threshold = D("1000")
    chain.season.save()
    sign_lu(chain)
    weigh(chain, chain.lu, "2000", at(17))
    url = f"/industry/seasons/{chain.season.pk}/settle/"
    first, second = client_for(chain.users["district"]), client_for(chain.users["district2"])

    # when one district staff member submits, tries to approve, and another approves
    first.post(url, {"action": "submit"})
    first.post(url, {"action": "approve"})
    assert SettlementRun.objects.get().status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        second.post(url, {"action": "approve"})

    # then the settlement is posted (the task runs inline in tests, after the commit)
    run = SettlementRun.objects.get()
    assert run.status == "settled"
    assert run.approved_by_id == chain.users["district2"].pk
    assert Account.objects.filter(chart="2101").count() == 1


def test_season_creation_on_the_web(chain: Chain) -> None:
    client = client_for(chain.users["district"])
    data = {
        "year": 2026, "crop": "青菜头", "opens_on": "2026-01-20", "closes_on": "2026-03-10",
        "floor_price": "800", "household_deposit_rate": "30", "coop_deposit_rate": "30",
        "margin_min": "150", "margin_max": "200", "forfeit_threshold": "0.8",
        "forfeit_mode": "proportional", "yushui_rule": "instant", "approval_threshold": "300000",
    }  # fmt: skip

    response = client.post("/industry/seasons/new/", data)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2026-02-18 23:51:56" in page


def test_deposit_and_agreement_pages(chain: Chain) -> None:
    client = client_for(chain.users["clerk_a"])
    s = chain.season.pk
    client.post(
        f"/industry/seasons/{s}/agreements/",
        {"kind": "protection", "household_no": chain.lu.household_no, "signed_on": "2020-10-01",
         "area_mu": "60", "yield_kg_per_mu": "3000"},
    )  # fmt: skip
    agreement = ProtectionAgreement.objects.get(household=chain.lu)
    client.post(f"/industry/agreements/protection/{agreement.pk}/deposit/")
    other = client_for(chain.users["clerk_b"]).post(
        f"/industry/agreements/protection/{agreement.pk}/deposit/"
    )

    assert agreement.deposit_amount == D("5400.00")
    assert selectors.deposit_status(agreement) == "paid"
    assert other.status_code == 404
    assert date(2020, 10, 1) == agreement.signed_on


def test_parties_and_season_form_for_district_staff(chain: Chain) -> None:
    client = client_for(chain.users["district"])

    form = client.get("/industry/seasons/new/")
    client.post("/industry/parties/", {"kind": "enterprise", "name": "渝杨榨菜"})
    client.post(
        "/industry/parties/",
        {"kind": "point", "cooperative": chain.coop_b.pk, "name": "中乐二号点",
         "village_code": "500102104202"},
    )  # fmt: skip
    client.post(
        "/industry/parties/",
        {"kind": "member", "cooperative": chain.coop_b.pk,
         "household_no": chain.outsider.household_no, "joined_on": "2020-09-01"},
    )  # fmt: skip

    assert form.status_code == 200
    assert "800" in form.content.decode()
    assert Enterprise.objects.filter(title="渝杨榨菜").exists()
    assert chain.coop_b.points.filter(title="中乐二号点").exists()
    assert chain.coop_b.members.filter(household=chain.outsider).exists()


def test_the_security_administrator_binds_clerks(chain: Chain) -> None:
    client = client_for(chain.users["security"])
    unbound = chain.users["unbound"]

    client.post("/industry/clerks/", {"user": unbound.pk, "cooperative": chain.coop_b.pk})

    assert unbound.industry_clerk.cooperative_id == chain.coop_b.pk
    assert AuditEvent.objects.filter(event="role.change", object_id=str(unbound.pk)).exists()
    refused = client_for(chain.users["district"]).post(
        "/industry/clerks/", {"user": unbound.pk, "cooperative": chain.coop_a.pk}
    )
    assert refused.status_code == 403


def test_a_large_deposit_waits_and_a_second_person_approves_it_on_the_ledger_page(
    chain: Chain,
) -> None:
    chain.season.approval_threshold = D("1000")
    chain.season.save()
    agreement = sign_lu(chain)
    client_for(chain.users["clerk_a"]).post(
        f"/industry/agreements/protection/{agreement.pk}/deposit/"
    )
    pending = PendingEntry.objects.get()
    district = client_for(chain.users["district"])

    page = district.get("/industry/ledger/").content.decode()
    district.post(f"/industry/ledger/pending/{pending.pk}/", {"decision": "approve"})

    assert pending.natural_key in page
    assert selectors.deposit_status(agreement) == "paid"
    entry = Entry.objects.get(natural_key=pending.natural_key)
    assert entry.approved_by_id == chain.users["district"].pk
    # a reversal above the threshold waits for a second person too
    district.post(f"/industry/ledger/entries/{entry.pk}/reverse/", {"memo": "错账"})
    assert PendingEntry.objects.filter(reverses_key=entry.natural_key).exists()
    detail = district.get(f"/industry/ledger/entries/{entry.pk}/")
    assert detail.status_code == 200
    assert "5400.00" in detail.content.decode()


def test_dividend_pages(chain: Chain) -> None:
    services.shareholding_add(
        actor=None, cooperative=chain.coop_a, household=chain.lu, source="fund",
        amount=D("10000"), since=date(2020, 1, 1),
    )  # fmt: skip
    first, second = client_for(chain.users["district"]), client_for(chain.users["district2"])

    first.post(
        "/industry/dividends/",
        {"kind": "dividend", "cooperative": chain.coop_a.pk, "year": 2020, "total": "800",
         "floor_rate": "0.05"},
    )  # fmt: skip
    distribution = DividendDistribution.objects.get()
    page = first.get(f"/industry/dividends/{distribution.pk}/")
    second.post(f"/industry/dividends/{distribution.pk}/approve/")
    clerk_b = client_for(chain.users["clerk_b"]).get(f"/industry/dividends/{distribution.pk}/")

    assert page.status_code == 200
    assert "800.00" in page.content.decode()
    distribution.refresh_from_db()
    assert distribution.status == "posted"
    assert clerk_b.status_code == 404


def test_purchase_entry_outside_any_season_is_refused(chain: Chain) -> None:
    client = client_for(chain.users["clerk_a"])
    with time_machine.travel(at(1, month=6), tick=False):
        response = _weigh_post(client, chain)

    assert "没有开放收购的产季" in response.content.decode()
    assert not Weighing.objects.exists()
