"""Import and export pages through the test client (tasks run inline: ImmediateBackend)."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhenxing.accounts.tests.factories import RegionTree, sign_in_verified
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.models import AuditEvent
from zhenxing.core.roles import Role
from zhenxing.households import imports
from zhenxing.households.models import Household
from zhenxing.households.tests.test_imports import (
    ID18,
    build_regions,
    head_row,
    household,
    write_xlsx,
)
from zhenxing.jobs.models import Job


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_regions()


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.VAR_DIR)


@pytest.fixture
def town_user(regions: RegionTree, make_user: Any) -> Any:
    return make_user(Role.TOWN_STAFF, regions.town_a, username="town-a")


@pytest.fixture
def client_a(town_user: Any) -> Client:
    client = Client()
    client.force_login(town_user)
    return client


def _upload(client: Client, path: Path, name: str | None = None) -> Any:
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("households_import:home"), {"file": data})


def _job_url(job: Job, name: str = "job") -> str:
    return reverse(f"households_import:{name}", kwargs={"job_id": job.pk})


def _uploads(var_dir: Path) -> list[Path]:
    root = var_dir / "uploads"
    return sorted(root.iterdir()) if root.exists() else []


def test_upload_check_and_commit(client_a: Client, tmp_path: Path, var_dir: Path) -> None:
    # given
    path = write_xlsx(tmp_path / "roster.xlsx", household("W-1", 2) + household("W-2", 1))

    # when uploaded
    response = _upload(client_a, path)

    # then a check job ran and its report page offers the import
    check = Job.objects.get(kind=imports.JOB_CHECK)
    assert response.status_code == 302
    assert response["Location"] == _job_url(check)
    assert check.status == "done"
    assert check.result["ok"]
    assert check.result["households_valid"] == 2
    page = client_a.get(_job_url(check))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="mode" value="all"' in html
    assert "roster.xlsx" in html
    assert Household.objects.count() == 0

    # the progress partial tells htmx to reload once the job is done
    partial = client_a.get(_job_url(check, "progress"), HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"

    # when committed
    response = client_a.post(_job_url(check, "commit"), {"mode": "all"})

    # then
    commit = Job.objects.get(kind=imports.JOB_COMMIT)
    assert response["Location"] == _job_url(commit)
    assert commit.result["stage"] == "committed"
    assert commit.result["households"] == 2
    assert Household.objects.count() == 2
    assert client_a.get(_job_url(commit)).status_code == 200
    assert _uploads(var_dir) == []  # D5: the upload is gone after the commit
    check.refresh_from_db()
    assert check.result["stage"] == "closed"
    assert "issues" not in check.result
    again = client_a.post(_job_url(check, "commit"), {"mode": "all"}, follow=True)
    assert "已导入、已放弃或已过期" in again.content.decode()
    assert Job.objects.filter(kind=imports.JOB_COMMIT).count() == 1


def test_report_with_errors_and_import_of_valid_households_only(
    client_a: Client, tmp_path: Path, var_dir: Path
) -> None:
    # given a file with one broken household
    rows = [*household("V-1", 2), head_row("V-2", id_number="5.00102E+17", phone="13900001111")]
    _upload(client_a, write_xlsx(tmp_path / "r.xlsx", rows))
    check = Job.objects.get(kind=imports.JOB_CHECK)
    assert check.result["ok"] is False
    assert check.result["issue_count"] == 1

    # the report page lists the error, masked, and offers the full report as xlsx
    html = client_a.get(_job_url(check)).content.decode()
    assert "Excel" in html
    assert "5.00102E+17" in html
    assert not ID18.search(html)
    assert "13900001111" not in html
    report = client_a.get(_job_url(check, "report"))
    assert report.status_code == 200
    assert report["Cache-Control"] == "no-store"
    workbook = CalamineWorkbook.from_object(io.BytesIO(report.getvalue()))
    rows_read = list(workbook.get_sheet_by_index(0).iter_rows())
    assert [r[0] for r in rows_read[1:]] == [4]

    # "import all" is refused while there are errors; nothing is written
    refused = client_a.post(_job_url(check, "commit"), {"mode": "all"}, follow=True)
    assert "未导入任何数据" in refused.content.decode()
    assert Household.objects.count() == 0
    assert not Job.objects.filter(kind=imports.JOB_COMMIT)

    # "valid households only" imports exactly those
    client_a.post(_job_url(check, "commit"), {"mode": "valid"})
    assert list(Household.objects.values_list("household_no", flat=True)) == ["V-1"]
    assert _uploads(var_dir) == []


def test_a_refused_file_shows_the_reason_and_leaves_nothing(
    client_a: Client, tmp_path: Path, var_dir: Path
) -> None:
    path = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00")

    response = _upload(client_a, path)

    assert response.status_code == 200
    assert "宏" in response.content.decode()
    assert not Job.objects.exists()
    assert _uploads(var_dir) == []


def test_another_users_job_is_not_found(
    client_a: Client, regions: RegionTree, make_user: Any, tmp_path: Path, var_dir: Path
) -> None:
    # given: user A's checked upload
    _upload(client_a, write_xlsx(tmp_path / "r.xlsx", household("Z-1", 1)))
    check = Job.objects.get(kind=imports.JOB_CHECK)
    other = Client()
    other.force_login(make_user(Role.TOWN_STAFF, regions.town_a, username="town-a-2"))

    # when another user of the same town tries every URL of it
    for name in ("job", "progress", "report"):
        assert other.get(_job_url(check, name)).status_code == 404, name
    for name in ("commit", "discard"):
        assert other.post(_job_url(check, name), {"mode": "all"}).status_code == 404, name

    # then nothing happened, and each attempt is audited
    assert Household.objects.count() == 0
    assert len(_uploads(var_dir)) == 1
    assert AuditEvent.objects.filter(event=AuditEventType.SCOPE_DENIED).count() == 5


def test_discard_deletes_the_upload(client_a: Client, tmp_path: Path, var_dir: Path) -> None:
    _upload(client_a, write_xlsx(tmp_path / "r.xlsx", household("D-1", 1)))
    check = Job.objects.get(kind=imports.JOB_CHECK)
    assert len(_uploads(var_dir)) == 1
    response = client_a.post(_job_url(check, "discard"))
    assert response.status_code == 302
    assert _uploads(var_dir) == []
    check.refresh_from_db()
    assert check.result["stage"] == "closed"
    assert "issues" not in check.result
    assert client_a.post(_job_url(check, "commit"), {"mode": "all"}).status_code == 302
    assert Household.objects.count() == 0


def test_posts_need_a_csrf_token(town_user: Any, tmp_path: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(town_user)
    path = write_xlsx(tmp_path / "r.xlsx", household("F-1", 1))
    assert _upload(client, path).status_code == 403
    response = client.post(reverse("households_import:export"))
    assert response.status_code == 403


def test_only_registry_editors_reach_the_pages(regions: RegionTree, make_user: Any) -> None:
    cadre = Client()
    cadre.force_login(make_user(Role.CADRE, regions.town_a))
    assert cadre.get(reverse("households_import:home")).status_code == 403
    assert cadre.post(reverse("households_import:export")).status_code == 403
    assert Client().get(reverse("households_import:home")).status_code == 302  # to login


def test_upload_page_and_template_download(client_a: Client) -> None:
    page = client_a.get(reverse("households_import:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("households_import:template") in html
    assert "csrfmiddlewaretoken" in html
    assert "<script>" not in html  # CSP: no inline scripts
    template = client_a.get(reverse("households_import:template"))
    assert template.status_code == 200
    data = template.getvalue()
    rows = list(CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_index(0).iter_rows())
    assert rows[0][0] == "户编号"


def test_export_view_masked_and_unmasked(
    regions: RegionTree, make_user: Any, tmp_path: Path, var_dir: Path
) -> None:
    # given a registered household and a signed-in district user (second factor passed)
    rows = household("EX-1", 2)
    imports.roster_import(write_xlsx(tmp_path / "r.xlsx", rows), actor=None, commit=True)
    client = Client()
    sign_in_verified(client, make_user(Role.DISTRICT_STAFF, regions.county, username="dist"))

    # masked by default
    response = client.post(reverse("households_import:export"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.getvalue()
    assert not ID18.search(
        str(list(CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_index(0).iter_rows()))
    )

    # unmasked needs a reason
    refused = client.post(reverse("households_import:export"), {"unmask": "1"}, follow=True)
    assert "事由" in refused.content.decode()
    response = client.post(reverse("households_import:export"), {"unmask": "1", "reason": "核对"})
    data = response.getvalue()
    sheet = CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_index(0)
    assert {r[8] for r in list(sheet.iter_rows())[1:]} == {r["id_number"] for r in rows}
    events = AuditEvent.objects.filter(event=AuditEventType.EXPORT).order_by("seq")
    assert [e.detail["masked"] for e in events] == [True, False]

    # no export file stays on disk
    exports_dir = var_dir / "exports"
    assert not exports_dir.exists() or not list(exports_dir.iterdir())


def test_an_abandoned_upload_is_removed_after_a_day(
    client_a: Client, tmp_path: Path, var_dir: Path
) -> None:
    # given an upload nobody committed or discarded, two days old, with errors in its report
    _upload(client_a, write_xlsx(tmp_path / "r.xlsx", [head_row("O-1", name="张3")]))
    old = Job.objects.get(kind=imports.JOB_CHECK)
    assert old.result["issues"]
    (folder,) = _uploads(var_dir)
    past = time.time() - 2 * 86400
    os.utime(folder, (past, past))

    # when anyone uploads the next file
    _upload(client_a, write_xlsx(tmp_path / "s.xlsx", household("O-2", 1)))

    # then the old file is gone, and its job keeps counts only
    assert folder not in _uploads(var_dir)
    assert len(_uploads(var_dir)) == 1
    old.refresh_from_db()
    assert old.result["stage"] == "closed"
    assert "issues" not in old.result
    assert old.result["rows"] == 1


def test_a_workbook_that_passes_the_guards_but_cannot_be_read(
    client_a: Client, tmp_path: Path, var_dir: Path
) -> None:
    # given: a zip shaped like a workbook whose parts are not a workbook
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")

    # when
    response = _upload(client_a, path)

    # then the check job says why, and the file is not kept
    check = Job.objects.get(kind=imports.JOB_CHECK)
    assert response.status_code == 302
    assert check.result["stage"] == "refused"
    assert check.result["error"]["code"] == imports.ImportErrorCode.UNREADABLE.code
    assert _uploads(var_dir) == []
    assert "无法读取" in client_a.get(_job_url(check)).content.decode()
