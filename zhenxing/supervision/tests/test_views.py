"""Pages per role: scope (404 and an audit row outside it), the commander's home, the visit →
finding → problem → rectification with evidence → verification flow, owners' items, labels."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhenxing.accounts.tests.factories import sign_in_verified
from zhenxing.audit.models import AuditEvent
from zhenxing.supervision import services
from zhenxing.supervision.choices import OwnerType, ProblemStatus
from zhenxing.supervision.models import Evidence, Problem, SupervisionVisit
from zhenxing.supervision.tests.factories import VISIT_DAY, SupWorld

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _today(settings: Any, tmp_path: Path) -> Any:
    settings.VAR_DIR = tmp_path
    with time_machine.travel("2025-08-20 10:00 +08:00", tick=False):
        yield


def _client(world: SupWorld, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user.is_privileged:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def _problem(world: SupWorld, **kw: Any) -> Problem:
    args: dict[str, Any] = {
        "actor": world.users["supervisor"],
        "finding": world.work,
        "owner_type": OwnerType.TOWN,
        "owner": world.regions.town_a.code,
        "deadline": VISIT_DAY + timedelta(days=10),
    }
    args.update(kw)
    return services.problem_assign(**args)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("district", 200),
        ("supervisor", 200),
        ("town", 200),
        ("officer", 200),
        ("cadre", 200),
        ("town_b", 404),
        ("other_district", 404),
        ("clerk", 403),
    ],
)
def test_problem_page_scope_per_role(world: SupWorld, role: str, status: int) -> None:
    problem = _problem(world)
    client = _client(world, role)
    before = AuditEvent.objects.filter(event="scope.denied").count()
    response = client.get(f"/supervision/problems/{problem.pk}/")
    assert response.status_code == status
    if status == 404:
        assert AuditEvent.objects.filter(event="scope.denied").count() == before + 1
        # and a write outside scope changes nothing
        client.post(f"/supervision/problems/{problem.pk}/rectify/", {"rectification": "x"})
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.OPEN


@pytest.mark.parametrize("role", ["town_b", "other_district"])
def test_visit_page_outside_scope_is_404(world: SupWorld, role: str) -> None:
    assert _client(world, role).get(f"/supervision/visits/{world.visit.pk}/").status_code == 404


def test_every_page_renders_in_chinese_without_internal_codes(world: SupWorld) -> None:
    _problem(world)
    services.item_create(
        actor=None,
        title="危房排查",
        pillar="housing",
        owner_type=OwnerType.TOWN,
        owner=world.regions.town_a.code,
        due_on=VISIT_DAY,
        county_code="500102",
    )
    services.work_team_create(
        actor=None, village_code=world.regions.village_a1.code, started_on=VISIT_DAY
    )
    client = _client(world, "district")
    for url in (
        "/supervision/",
        "/supervision/problems/",
        "/supervision/items/",
        "/supervision/organisation/",
        "/supervision/projects/",
        "/supervision/gaps/",
        "/supervision/response/",
        f"/supervision/visits/{world.visit.pk}/",
        "/supervision/visits/new/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for code in ("first_secretary", "food_clothing", "work_team", "town", "open", "True"):
            assert f">{code}<" not in text, (url, code)
        for english in ("Food and clothing", "Line department", "Awaiting rectification"):
            assert english not in text, (url, english)
    assert "整改期限" in client.get(f"/supervision/visits/{world.visit.pk}/").content.decode()


def test_commander_home_shows_its_overdue_problem(world: SupWorld) -> None:
    problem = _problem(world)
    text = _client(world, "supervisor").get("/supervision/").content.decode()
    assert "徐志红" in text
    assert problem.title in text
    assert "逾期" in text


def test_commander_records_a_visit_and_sees_it_rectified_and_verified(world: SupWorld) -> None:
    supervisor = _client(world, "supervisor")
    # when the commander records a visit with one finding
    response = supervisor.post(
        "/supervision/visits/new/",
        {
            "commander": world.commander.pk,
            "visited_on": "2025-08-18",
            "town": world.regions.town_a.code,
            "village": world.regions.village_a2.code,
            "checked": ["housing"],
            "check_1": "housing",
            "text_1": "厨房漏雨未修缮",
        },
    )
    visit = SupervisionVisit.objects.exclude(pk=world.visit.pk).get()
    assert response["Location"] == f"/supervision/visits/{visit.pk}/"
    finding = visit.findings.get()
    # and gives it to town A with a deadline
    response = supervisor.post(
        f"/supervision/findings/{finding.pk}/assign/",
        {
            "owner_type": "town",
            "owner_town": world.regions.town_a.code,
            "deadline": "2025-09-01",
        },
    )
    problem = Problem.objects.get(finding=finding)
    # then town A reports the rectification with a photo
    town = _client(world, "town")
    town.post(
        f"/supervision/problems/{problem.pk}/rectify/",
        {
            "rectification": "已修缮",
            "file": SimpleUploadedFile("现场.png", PNG),
        },
    )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFIED
    assert Evidence.objects.get(problem=problem).file_name == "现场.png"
    # and the town cannot verify its own rectification; the commander can
    town.post(f"/supervision/problems/{problem.pk}/verify/", {"accept": "1"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFIED
    supervisor.post(f"/supervision/problems/{problem.pk}/verify/", {"accept": "1", "note": "ok"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.VERIFIED


def test_a_deadline_before_the_visit_is_refused_on_the_page(world: SupWorld) -> None:
    response = _client(world, "supervisor").post(
        f"/supervision/findings/{world.work.pk}/assign/",
        {"owner_type": "town", "owner_town": world.regions.town_a.code, "deadline": "2025-07-01"},
        follow=True,
    )
    assert "整改期限" in response.content.decode()
    assert not Problem.objects.exists()


def test_an_executable_posing_as_a_photo_is_refused(world: SupWorld) -> None:
    problem = _problem(world)
    _client(world, "town").post(
        f"/supervision/problems/{problem.pk}/rectify/",
        {
            "rectification": "已整改",
            "file": SimpleUploadedFile("a.png", b"MZ\x90\x00" + b"0" * 64),
        },
    )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert not Evidence.objects.exists()


def test_owners_see_their_items_and_mark_them_done(world: SupWorld) -> None:
    item = services.item_create(
        actor=None,
        title="饮水安全巡查",
        pillar="water",
        owner_type=OwnerType.VILLAGE,
        owner=world.regions.village_a1.code,
        due_on=VISIT_DAY,
        county_code="500102",
    )
    officer = _client(world, "officer")
    assert "饮水安全巡查" in officer.get("/supervision/").content.decode()
    assert _client(world, "town_b").post(f"/supervision/items/{item.pk}/done/").status_code == 404
    officer.post(f"/supervision/items/{item.pk}/done/")
    item.refresh_from_db()
    assert item.status == "done"


def test_town_staff_cannot_open_the_visit_form(world: SupWorld) -> None:
    assert _client(world, "town").get("/supervision/visits/new/").status_code == 403


APPS = Path(__file__).resolve().parents[2]
ALLOWED = {
    "supervision",
    "monitoring",
    "screening",
    "households",
    "regions",
    "accounts",
    "audit",
    "core",
    "jobs",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n.split(".")[1] for n in names if n.startswith("zhenxing.") and n.count(".") >= 1}


def test_nothing_below_imports_supervision_and_it_imports_only_below() -> None:
    for path in APPS.rglob("*.py"):
        app = path.relative_to(APPS).parts[0]
        if app in ("supervision", "web", "demo") or "tests" in path.parts:
            continue
        assert "supervision" not in _imports(path), path
    for path in (APPS / "supervision").rglob("*.py"):
        if "tests" in path.parts:
            continue
        assert _imports(path) <= ALLOWED, path
