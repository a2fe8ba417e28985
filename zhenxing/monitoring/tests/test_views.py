"""Pages: scope per role (404 + audit outside it), the public pages, indicators adding up."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from zhenxing.accounts.tests.factories import sign_in_verified
from zhenxing.audit.models import AuditEvent
from zhenxing.monitoring import selectors
from zhenxing.monitoring.domain import State
from zhenxing.monitoring.models import Case, Declaration, Lead
from zhenxing.monitoring.tests.factories import MonitoringWorld, case_in, make_monitored


def _client(world: MonitoringWorld, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user.is_privileged:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("district", 200),
        ("town", 200),
        ("officer", 200),
        ("cadre", 200),
        ("supervisor", 200),
        ("officer_a2", 404),
        ("town_b", 404),
        ("clerk", 403),
    ],
)
def test_case_page_scope_per_role(world: MonitoringWorld, role: str, status: int) -> None:
    case = case_in(State.VERIFYING, world.a1)
    client = _client(world, role)
    before = AuditEvent.objects.filter(event="scope.denied").count()
    response = client.get(f"/monitoring/cases/{case.pk}/")
    assert response.status_code == status
    if status == 404:
        assert AuditEvent.objects.filter(event="scope.denied").count() == before + 1
        # and a write outside scope changes nothing
        client.post(f"/monitoring/cases/{case.pk}/step/verify/", {"notes": "x"})
        case.refresh_from_db()
        assert case.state == State.VERIFYING


def test_pages_render_for_staff(world: MonitoringWorld) -> None:
    case = case_in(State.VERIFYING, world.a1)
    client = _client(world, "town")
    for url in (
        "/monitoring/",
        "/monitoring/cases/",
        "/monitoring/cases/?overdue=1&town=500102100",
        "/monitoring/leads/",
        "/monitoring/notices/",
        "/monitoring/declarations/",
        "/monitoring/indicators/",
        f"/monitoring/households/{world.a1.pk}/",
        f"/monitoring/cases/{case.pk}/",
        "/monitoring/notices/new/?village=500102100200",
    ):
        assert client.get(url).status_code == 200, url
    district = _client(world, "district")
    assert district.get("/monitoring/alerts/").status_code == 200
    assert client.get("/monitoring/alerts/").status_code == 403


def test_a_step_through_the_web(world: MonitoringWorld) -> None:
    case = case_in(State.VERIFYING, world.a1)
    client = _client(world, "officer")
    response = client.post(
        f"/monitoring/cases/{case.pk}/step/verify/",
        {"notes": "属实", "monitoring_type": "marginal", "risk_types": ["illness", "schooling"]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.VERIFIED
    assert case.last_actor_id == world.users["officer"].pk


def test_public_declaration_page(world: MonitoringWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"  # the answer is split at an English word below
    page = client.get("/monitoring/public/declare/")
    assert page.status_code == 200
    assert "柳溪示例村" in page.content.decode()
    # without the CSRF token: refused
    refused = client.post("/monitoring/public/declare/", {"name": "x"})
    assert refused.status_code == 403
    token = page.cookies["csrftoken"].value
    from zhenxing.core.crypto import decrypt
    from zhenxing.households.models import ID_CONTEXT

    member = world.a1.members.get(relation="head")
    number = decrypt(member.id_cipher, context=ID_CONTEXT)
    answers = []
    for name in (member.name, "查无此人"):
        response = client.post(
            "/monitoring/public/declare/",
            {"csrfmiddlewaretoken": token, "name": name, "id_number": number,
             "village": "500102100200", "phone": "13800001111", "what_happened": "因病"},
        )  # fmt: skip
        body = response.content.decode()
        assert response.status_code == 200
        assert number not in body
        assert name not in body
        assert "13800001111" not in body
        answers.append(body.split("<main")[1].split("reference")[0])
    assert answers[0] == answers[1]  # the same answer whether or not the person is registered
    assert Lead.objects.filter(status="pending").count() == 1
    assert Declaration.objects.filter(status="unmatched").count() == 1


def test_indicators_add_up(world: MonitoringWorld) -> None:
    # given monitored households in two towns, one eliminated
    m1 = make_monitored(world.a1, started_on=date(2025, 2, 1), persons=2)
    make_monitored(world.a2, started_on=date(2024, 6, 1), persons=1)
    make_monitored(world.b1, started_on=date(2025, 3, 1), persons=4)
    m1.ended_on = date(2025, 5, 1)
    m1.save()
    Case.objects.filter(pk=case_in(State.VERIFYING, world.sick).pk).update(due_on=date(2025, 1, 1))
    district = world.users["district"]
    # when
    data = selectors.indicators(
        district, start=date(2025, 1, 1), end=date(2025, 6, 30), today=date(2025, 6, 30)
    )
    # then town rows add up to the district total
    total = data.total
    for name in ("households", "persons", "new_households", "new_persons",
                 "eliminated_households", "eliminated_persons", "identified_persons",
                 "eliminated_total_persons", "overdue_cases"):  # fmt: skip
        assert sum(getattr(r, name) for r in data.rows) == getattr(total, name), name
    assert (total.households, total.persons) == (2, 5)
    assert (total.new_households, total.eliminated_households) == (2, 1)
    assert total.by_type["marginal"] == (2, 5)
    assert total.by_risk["illness"] == 2
    assert str(total.elimination_rate) == "28.57"  # 2 of 7 persons
    assert total.overdue_cases == 1
    # a town sees its villages, adding up to its own total
    town = selectors.indicators(
        world.users["town"], start=date(2025, 1, 1), end=date(2025, 6, 30), today=date(2025, 6, 30)
    )
    assert town.level == "village"
    assert sum(r.households for r in town.rows) == town.total.households == 1


def test_identification_through_the_web(world: MonitoringWorld) -> None:
    """A lead taken from the leads page through every step to 纳入监测, each by its own role."""
    from datetime import datetime

    import time_machine

    from zhenxing.core.timeutil import BEIJING
    from zhenxing.monitoring import services
    from zhenxing.monitoring.models import Channel

    household = world.a1
    clients: dict[str, Client] = {}

    def sign_in() -> None:  # sessions end after idle time, so each day of work signs in anew
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from zhenxing.accounts.tests.factories import totp_device_for, totp_token

        for role in ("cadre", "officer", "town", "district"):
            user, client = world.users[role], Client()
            client.force_login(user)
            if user.is_privileged:
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                device = device or totp_device_for(user)
                client.post("/otp/", {"token": totp_token(device)})
            clients[role] = client

    def step(role: str, case: Case, action: str, **data: object) -> Case:
        response = clients[role].post(f"/monitoring/cases/{case.pk}/step/{action}/", data)
        assert response["Location"] == f"/monitoring/cases/{case.pk}/", (action, response)
        before = case.state
        case.refresh_from_db()
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert case.state != before, (action, messages)
        return case

    with time_machine.travel(datetime(2025, 3, 3, 9, 0, tzinfo=BEIJING), tick=False):
        sign_in()
        # given a lead a cadre found on a visit
        lead = services.lead_record(
            actor=world.users["cadre"], household=household, channel=Channel.VISIT,
            detail="户主突发疾病住院", risk_types=["illness"],
        )  # fmt: skip
        # when the officer accepts it and the steps are taken on the case page
        response = clients["officer"].post(f"/monitoring/leads/{lead.pk}/accept/")
        assert response.status_code == 302
        case = Case.objects.get(household=household)
        step("cadre", case, "verify", notes="属实", monitoring_type="sudden_hardship",
             risk_types=["illness"])  # fmt: skip
        step("cadre", case, "authorise", authorised_on="2025-03-03", consent="1")
        step("town", case, "compare", notes="无车辆房产", departments="公安")
        step("officer", case, "evaluate", evaluated_on="2025-03-03", attendees="30",
             votes_for="29", votes_against="0")  # fmt: skip
        assert case.state == State.EVALUATED
        response = clients["officer"].post(
            "/monitoring/notices/new/",
            {"village": household.village_code, "cases": [str(case.pk)], "end_date": "2025-03-08"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.state == State.IN_NOTICE
    with time_machine.travel(datetime(2025, 3, 9, 8, 0, tzinfo=BEIJING), tick=False):
        sign_in()
        step("officer", case, "close_notice")
        # each review is taken by someone other than the step's submitter (four eyes)
        step("town", case, "town_review", notes="同意")
        step("district", case, "county_approve", notes="同意")
        step("district", case, "include", start_date="2025-03-09")
    # then the household is monitored, with the type decided on the way
    household.refresh_from_db()
    assert case.state == State.INCLUDED
    assert household.monitoring_type == "sudden_hardship"
