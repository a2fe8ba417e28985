"""Uploaded rosters do not outlive their use (security.md D5): removed at commit and discard
(test_import_views), and by `zhenxing purge-uploads` once older than a day."""

from __future__ import annotations

import datetime as dt
import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from zhenxing.accounts.tests.factories import RegionTree
from zhenxing.core.roles import Role
from zhenxing.households import imports
from zhenxing.households.tests.test_imports import build_regions, head_row, write_xlsx
from zhenxing.jobs.models import Job

START = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_regions()


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.VAR_DIR)


def _uploads(var_dir: Path) -> list[Path]:
    root = var_dir / "uploads"
    return sorted(root.iterdir()) if root.exists() else []


def _receive(actor: Any, tmp_path: Path, name: str) -> Job:
    path = write_xlsx(tmp_path / name, [head_row(name.split(".")[0], name="张3")])
    job = imports.upload_receive(
        actor=actor, upload=SimpleUploadedFile(path.name, path.read_bytes())
    )
    imports.upload_validate(job.pk)
    # the file system stamps files with the real clock; give the folder the travelled one
    now = time.time()
    os.utime(imports.upload_path(job.pk).parent, (now, now))  # type: ignore[union-attr]
    job.refresh_from_db()
    return job


def _purge() -> str:
    out = StringIO()
    call_command("purge_uploads", stdout=out)
    return out.getvalue()


def test_purge_removes_only_uploads_older_than_a_day(
    regions: RegionTree, make_user: Any, tmp_path: Path, var_dir: Path
) -> None:
    actor = make_user(Role.TOWN_STAFF, regions.town_a)
    with time_machine.travel(START, tick=False) as traveller:
        # given an upload checked at 09:00 (its report quotes cell values) and one at 20:00
        old = _receive(actor, tmp_path, "A-1.xlsx")
        assert old.result["issues"]
        traveller.move_to(START + dt.timedelta(hours=11))
        recent = _receive(actor, tmp_path, "A-2.xlsx")
        assert len(_uploads(var_dir)) == 2

        # when the purge runs 23 hours after the first upload, nothing is old enough
        traveller.move_to(START + dt.timedelta(hours=23))
        assert "removed: 0 " in _purge()
        assert len(_uploads(var_dir)) == 2

        # and when it runs 25 hours after it, exactly the first upload goes
        traveller.move_to(START + dt.timedelta(hours=25))
        assert "removed: 1 " in _purge()

    assert [p.name for p in _uploads(var_dir)] == [str(recent.pk)]
    old.refresh_from_db()
    assert old.result["stage"] == "closed"
    assert "issues" not in old.result
    recent.refresh_from_db()
    assert recent.result["issues"]


def test_discard_and_commit_remove_the_upload_at_once(
    regions: RegionTree, make_user: Any, tmp_path: Path, var_dir: Path
) -> None:
    actor = make_user(Role.TOWN_STAFF, regions.town_a)
    discarded = _receive(actor, tmp_path, "D-1.xlsx")
    imports.upload_discard(discarded)
    assert _uploads(var_dir) == []

    path = write_xlsx(tmp_path / "c.xlsx", [head_row("C-1")])
    check = imports.upload_receive(
        actor=actor, upload=SimpleUploadedFile(path.name, path.read_bytes())
    )
    imports.upload_validate(check.pk)
    check.refresh_from_db()
    commit = imports.commit_start(actor=actor, check_job=check, skip_invalid=False)
    imports.upload_commit(commit.pk, check.pk, skip_invalid=False)
    assert Job.objects.get(pk=commit.pk).result["stage"] == "committed"
    assert _uploads(var_dir) == []
