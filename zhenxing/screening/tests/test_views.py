"""Screening pages: who sees what, who may act, and that the evidence pages render."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from zhenxing.accounts.tests.factories import UserFactory, sign_in_verified
from zhenxing.audit.models import AuditEvent
from zhenxing.regions.models import Division
from zhenxing.screening.models import Result, Run
from zhenxing.screening.services import run_execute, run_start
from zhenxing.screening.tests.factories import Case, install_rules, region_tree

pytestmark = pytest.mark.django_db
OTHER_GROUP = "500102001201001"


@pytest.fixture
def world() -> dict[str, Any]:
    region_tree()
    install_rules()
    mine = Case(wage=D("5000"), category="exited").register()  # 珍溪镇 石牛村: marginal
    theirs = Case(wage=D("5000"), category="exited", group=OTHER_GROUP).register()  # 敦仁街道
    run = run_start(
        actor=None, year=2025, county_code="500102", as_of=date(2025, 12, 31), background=False
    )
    run = run_execute(run.pk)

    def user(role: str, code: str | None) -> Any:
        region = Division.objects.get(code=code, valid_to__isnull=True) if code else None
        return UserFactory.create(role=role, region=region)

    return {
        "run": run,
        "mine": mine,
        "theirs": theirs,
        "district": user("district_staff", "500102"),
        "town": user("town_staff", "500102104"),
        "officer": user("village_officer", "500102104201"),
        "other_town": user("town_staff", "500102001"),
        "supervisor": user("supervisor", "500102"),
        "clerk": user("coop_clerk", None),
    }


def _client(user: Any) -> Client:
    client = Client()
    if user.role == "district_staff":
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "sees_mine", "sees_theirs"),
    [
        ("district", True, True),
        ("supervisor", True, True),
        ("town", True, False),
        ("officer", True, False),
        ("other_town", False, True),
    ],
)
def test_explanation_is_scoped(
    world: dict[str, Any], role: str, sees_mine: bool, sees_theirs: bool
) -> None:
    client = _client(world[role])
    run = world["run"]
    for household, visible in ((world["mine"], sees_mine), (world["theirs"], sees_theirs)):
        response = client.get(f"/screening/runs/{run.pk}/households/{household.pk}/")
        assert response.status_code == (200 if visible else 404)
        if visible:
            assert "INC_BELOW" in response.content.decode()
        else:
            assert household.head_name not in response.content.decode()
            assert AuditEvent.objects.filter(
                event="scope.denied", object_id=str(household.pk)
            ).exists()


def test_town_summary_lists_only_its_villages(world: dict[str, Any]) -> None:
    client = _client(world["town"])
    body = client.get(f"/screening/runs/{world['run'].pk}/").content.decode()
    assert "石牛村" in body
    assert "示例村" not in body


def test_clerks_cannot_open_screening(world: dict[str, Any]) -> None:
    client = _client(world["clerk"])
    assert client.get("/screening/").status_code == 403
    assert client.get(f"/screening/runs/{world['run'].pk}/").status_code == 403


def test_only_district_staff_publish(world: dict[str, Any]) -> None:
    run = world["run"]
    # a town user's publish is refused and audited, the run is unchanged
    response = _client(world["town"]).post(f"/screening/runs/{run.pk}/publish/")
    assert response.status_code == 403
    assert Run.objects.get(pk=run.pk).status == "done"
    # district staff publish it
    response = _client(world["district"]).post(f"/screening/runs/{run.pk}/publish/")
    assert response.status_code == 302
    assert Run.objects.get(pk=run.pk).status == "published"


def test_start_from_the_page_runs_a_screening(world: dict[str, Any]) -> None:
    client = _client(world["district"])
    response = client.post(
        "/screening/runs/start/", {"year": "2025", "param_income_threshold": "3000"}
    )
    assert response.status_code == 302
    trial = Run.objects.exclude(pk=world["run"].pk).get()
    assert trial.what_if
    # (the task runs on commit in the immediate backend; run it here as the worker would)
    trial = run_execute(trial.pk)
    assert trial.counts["by_class"] == {"stable": 2}


def test_export_is_scoped_and_audited(world: dict[str, Any]) -> None:
    client = _client(world["town"])
    response = client.get(f"/screening/runs/{world['run'].pk}/export.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2  # header + the one household of 珍溪镇
    assert rows[1][0] == world["mine"].household_no
    assert AuditEvent.objects.filter(event="export", object_type="screening.run").count() == 1


def test_rule_pages_render_and_a_bad_rule_is_explained(world: dict[str, Any]) -> None:
    client = _client(world["district"])
    assert client.get("/screening/rules/").status_code == 200
    rule_set = world["run"].rule_sets.get()
    assert "INC_BELOW" in client.get(f"/screening/rules/{rule_set.pk}/").content.decode()
    response = client.post(
        "/screening/rules/new/",
        {
            "year": "2025",
            "region": "500102",
            "source": rule_set.source.replace('house_grade in ["C", "D"]', "house_grade < 3"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HOUSE_UNSAFE" in body
    assert Result.objects.count() == 2  # nothing else changed


def test_village_list_shows_its_households_with_the_counted_total(world: dict[str, Any]) -> None:
    # given a second, stable household in the officer's village
    stable = Case(wage=D("40000")).register()
    run = run_start(
        actor=None, year=2025, county_code="500102", as_of=date(2025, 12, 31), background=False
    )
    run = run_execute(run.pk)
    client = _client(world["officer"])
    url = f"/screening/runs/{run.pk}/village/500102104201/"
    # when the officer opens the village list, then its two households are listed and counted
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 2
    assert {r.household_id for r in page} == {world["mine"].pk, stable.pk}
    # and filtered by class, only the marginal one
    page = client.get(url, {"class": "marginal"}).context["page"]
    assert page.paginator.count == 1
    assert [r.household_id for r in page] == [world["mine"].pk]


# --- B4: an area outside the actor's scope answers 404 and is audited -------------------------


def _denials() -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(event="scope.denied").values_list("object_type", "object_id")
    )


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("town", "village/500102001201/"),
        ("officer", "village/500102001201/"),
        ("other_town", "village/500102104201/"),
        ("town", "town/500102001/"),
        ("officer", "town/500102001/"),
        ("officer", "town/500102001201/"),
        ("other_town", "town/500102104/"),
    ],
)
def test_another_area_answers_404_and_is_audited(
    world: dict[str, Any], role: str, path: str
) -> None:
    # when
    response = _client(world[role]).get(f"/screening/runs/{world['run'].pk}/{path}")

    # then nothing of the area is shown, and the attempt is in the trail
    assert response.status_code == 404
    assert "示例村" not in response.content.decode()
    assert "珍溪镇" not in response.content.decode()
    assert _denials() == [("division", path.split("/")[1])]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("town", "village/500102104201/", 200),
        ("officer", "village/500102104201/", 200),
        ("officer", "town/500102104/", 302),
        ("district", "town/500102001/", 200),
        ("district", "village/500102001201/", 200),
    ],
)
def test_an_area_in_scope_still_opens(
    world: dict[str, Any], role: str, path: str, status: int
) -> None:
    response = _client(world[role]).get(f"/screening/runs/{world['run'].pk}/{path}")

    assert response.status_code == status
    assert _denials() == []
