"""Assistance pages per role: a cadre's and an officer's day, scope, the handbook PDF."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhenxing.accounts.access import unclassified_views
from zhenxing.assistance.models import PlanItem, PrintStamp, Visit
from zhenxing.assistance.services import officer_assign, plans_propose
from zhenxing.assistance.tests.factories import World, world
from zhenxing.core.crypto import decrypt
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import ID_CONTEXT, Member
from zhenxing.households.services import pairing_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user: Any) -> World:
    w = world(make_user)
    pairing_start(actor=None, cadre=w.cadre, household=w.marginal, since=date(2025, 1, 1))
    officer_assign(actor=None, officer=w.officer, household=w.marginal, since=date(2025, 1, 1))
    officer_assign(actor=None, officer=w.officer, household=w.stable, since=date(2025, 1, 1))
    plans_propose(actor=None, county_code="500102", year=2025)
    return w


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    if user.is_privileged:  # district staff pass the second factor first
        from zhenxing.accounts.tests.factories import totp_device_for, totp_token

        client.post("/otp/", {"token": totp_token(totp_device_for(user))})
    return client


def test_every_assistance_view_declares_its_guard() -> None:
    assert [v for v in unclassified_views() if "assistance" in v] == []


def test_the_cadre_sees_only_the_paired_households(w: World) -> None:
    client = _client(w.cadre)
    page = client.get(reverse("assistance:mine")).content.decode()
    assert w.marginal.household_no in page
    assert w.stable.household_no not in page
    assert client.get(reverse("assistance:household", args=[w.stable.pk])).status_code == 404
    assert client.get(reverse("assistance:household", args=[w.marginal.pk])).status_code == 200


def test_the_officer_sees_the_assigned_households_with_cards_for_small_screens(w: World) -> None:
    page = _client(w.officer).get(reverse("assistance:mine")).content.decode()
    assert w.marginal.household_no in page
    assert w.stable.household_no in page
    assert w.consolidating.household_no not in page  # in the village, not assigned
    assert "d-md-none" in page  # the card list shown at 390 px


def test_a_visit_from_the_prefilled_form(w: World) -> None:
    client = _client(w.officer)
    form = client.get(reverse("assistance:visit", args=[w.marginal.pk])).content.decode()
    head = w.marginal.members.first()
    assert head is not None
    assert head.name in form  # pre-filled from the record
    response = client.post(
        reverse("assistance:visit", args=[w.marginal.pk]),
        {"visited_on": business_today().isoformat(), "met": "户主", "checked": ["members"]},
    )
    assert response.status_code == 302
    assert Visit.objects.filter(household=w.marginal, visitor=w.officer).count() == 1


def test_a_visit_dated_in_the_future_names_the_field(w: World) -> None:
    response = _client(w.officer).post(
        reverse("assistance:visit", args=[w.marginal.pk]),
        {"visited_on": "2999-01-01", "met": "户主", "checked": ["members"]},
    )
    assert response.status_code == 200
    assert "走访日期" in response.content.decode()
    assert not Visit.objects.exists()


def test_staff_accept_a_proposed_item(w: World) -> None:
    item = PlanItem.objects.filter(household=w.marginal, status="proposed").first()
    assert item is not None
    client = _client(w.town)
    client.post(reverse("assistance:item_review", args=[item.pk]), {"action": "accept"})
    item.refresh_from_db()
    assert item.status == "accepted"


def test_pages_of_the_reports_open(w: World) -> None:
    for user, name in ((w.district, "assistance:overview"), (w.town, "assistance:discrepancies")):
        assert _client(user).get(reverse(name)).status_code == 200
    assert _client(w.cadre).get(reverse("assistance:overview")).status_code == 403


ID_LIKE = re.compile(r"[1-9][0-9]{5}(?:19|20)[0-9]{9}[0-9X]")


def _pdf_text(data: bytes) -> str:
    from io import BytesIO

    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(data)).pages)
    return text.replace("\x00", "")  # the fallback fonts extract as UTF-16 code units


def test_the_handbook_pdf_holds_only_this_household_and_masked_ids(w: World) -> None:
    from zhenxing.core.masking import mask_id
    from zhenxing.households.models import Household

    response = _client(w.officer).post(reverse("assistance:handbook", args=[w.marginal.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert PrintStamp.objects.filter(household=w.marginal, document="handbook").count() == 1
    text = _pdf_text(response.content)
    # this household's number and its members' masked ID numbers are there …
    assert w.marginal.household_no in text
    for member in Member.objects.filter(household=w.marginal):
        assert mask_id(decrypt(member.id_cipher, context=ID_CONTEXT)) in text
    # … and no full ID number of anyone, nor another household's number
    assert not ID_LIKE.search(text)
    for other in Household.objects.exclude(pk=w.marginal.pk):
        assert other.household_no not in text
