"""The audit administrator's page (defect 12): display names, the unmask reason and what an
export covered; and the audit app imports no other app (its pages live here)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client

from zhenxing.accounts.tests.factories import UserFactory, sign_in_verified
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.roles import Role
from zhenxing.web.audit_display import OBJECT_LABELS

pytestmark = pytest.mark.django_db

AUDIT_APP = Path(__file__).resolve().parents[2] / "audit"


def _page(client: Client) -> str:
    sign_in_verified(client, UserFactory.create(role=Role.AUDIT_ADMIN))
    response = client.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_display_names_the_reason_and_the_export_coverage(client: Client) -> None:
    # given
    officer = UserFactory.create(role=Role.VILLAGE_OFFICER, username="liu.officer")
    record(
        AuditEventType.UNMASK,
        actor=officer,
        object_type="households.member",
        object_id="321661",
        detail={"field": "id_number", "reason": "入户核实身份"},
    )
    record(
        AuditEventType.EXPORT,
        actor=officer,
        object_type="households.household",
        detail={"households": 120, "members": 388, "masked": True, "region": "500102104"},
    )
    record(
        AuditEventType.SCOPE_DENIED,
        actor=officer,
        object_type="division",
        object_id="500103",
        outcome=Outcome.DENIED,
        detail={"path": "/regions/500103/"},
    )

    # when
    page = _page(client)

    # then
    for shown in [
        "查看明文个人信息",
        "家庭成员 #321661",
        "字段：身份证号",
        "理由：入户核实身份",
        "导出",
        "内容：农户花名册",
        "户数：120",
        "人数：388",
        "区划：500102104",
        "脱敏：是",
        "越界访问",
        "区划 #500103",
        "已拒绝",
        "村信息员",
    ]:
        assert shown in page, shown
    text = re.sub(r"<[^>]+>", " ", page)  # what is shown, not the filter's option values
    for code in ["pii.unmask", "households.member", "scope.denied", "village_officer", " ok "]:
        assert code not in text, code


def test_every_object_type_written_in_the_code_has_a_display_name() -> None:
    root = AUDIT_APP.parent
    written: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "object_type"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                written.add(node.value.value)
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "NotInScope"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                written.add(str(node.args[0].value))

    assert sorted(written - set(OBJECT_LABELS) - {""}) == []


def test_the_audit_app_imports_no_other_app() -> None:
    imported: set[str] = set()
    for path in AUDIT_APP.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    apps = {name.split(".")[1] for name in imported if name.startswith("zhenxing.")}

    assert apps <= {"audit", "core"}
