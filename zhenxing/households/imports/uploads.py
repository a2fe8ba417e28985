"""The web flow's files: an uploaded roster is kept privately under
`VAR_DIR/uploads/<job id>/` only until it is committed or discarded, or for a day if abandoned
(security.md D5: `uploads_purge`, run by `zhenxing purge-uploads` and at every upload).

Holds `upload_receive`, `upload_validate` (the check job), `commit_start`, `upload_commit` (the
commit job), `upload_discard`, `uploads_purge`, `upload_path`, `report_path`.
"""

from __future__ import annotations

import json
import logging
import os
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile

from zhenxing.core.errors import DomainError
from zhenxing.core.uploads import (
    ALLOWED_SUFFIXES,
    MAX_BYTES,
    UploadErrorCode,
    check_upload,
    private_dir,
    purge_stale,
    remove_private,
    save_upload,
)
from zhenxing.households import policies
from zhenxing.households.imports.checks import roster_check
from zhenxing.households.imports.commit import roster_import
from zhenxing.households.imports.report import ImportErrorCode, Progress, RosterRefused
from zhenxing.households.imports.workbooks import report_workbook_write
from zhenxing.jobs.models import Job
from zhenxing.jobs.services import job_create, job_fail, job_finish, job_progress

log = logging.getLogger(__name__)

STALE_AFTER = 24 * 3600  # an upload nobody committed or discarded is removed after a day
JOB_CHECK = "roster_check"
JOB_COMMIT = "roster_commit"


def upload_path(job_id: uuid.UUID | str) -> Path | None:
    """The uploaded roster of a check job, or None when it is gone."""
    folder = private_dir(job_id)
    for suffix in ALLOWED_SUFFIXES:
        path = folder / f"roster{suffix}"
        if path.exists():
            return path
    return None


def report_path(job_id: uuid.UUID | str) -> Path:
    return private_dir(job_id) / "report.xlsx"


def _meta(job_id: uuid.UUID | str) -> dict[str, Any]:
    path = private_dir(job_id) / "meta.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _safe_name(name: str) -> str:
    base = Path(unicodedata.normalize("NFKC", name or "")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '\\/:*?"<>|')
    return cleaned[:120] or "roster"


def upload_receive(*, actor: Any, upload: UploadedFile) -> Job:
    """Keep an uploaded roster privately and start its check job (the caller enqueues it).

    The file passes every guard before a job exists; a refused file is deleted at once and
    the `DomainError` raised. The file lives under `VAR_DIR/uploads/<job id>/` only until it
    is committed or discarded (or for a day if abandoned).
    """
    if not policies.can_import_roster(actor):
        raise PermissionDenied("roster_import")
    uploads_purge()
    name = _safe_name(upload.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DomainError(UploadErrorCode.BAD_EXTENSION, suffix=suffix[:10] or "-")
    staging = private_dir(uuid.uuid4())
    path = staging / f"roster{suffix}"
    try:
        save_upload(upload.chunks(), path, max_bytes=MAX_BYTES)
        check_upload(path, name=name)
        job = job_create(actor=actor, kind=JOB_CHECK)
        meta = {"file_name": name, "user_id": actor.pk}
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        os.replace(staging, private_dir(job.id))
    except BaseException:
        remove_private(staging)
        raise
    return job


def uploads_purge(max_age_seconds: float = STALE_AFTER) -> int:
    """Remove uploads (and their reports) older than `max_age_seconds` that nobody committed or
    discarded, and what their check jobs kept of the report (D5); returns how many."""
    return purge_stale(max_age_seconds, on_remove=_forget)


def _job_progress(job_id: uuid.UUID) -> Progress:
    def report(done: int, total: int, message: str) -> None:
        job_progress(job_id, done=done, total=total, message=message)

    return report


def upload_validate(job_id: uuid.UUID | str) -> None:
    """The check job: validate the uploaded file, keep the full report as xlsx beside it."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    path = upload_path(job.pk)
    meta = _meta(job.pk)
    try:
        if path is None:
            raise DomainError(ImportErrorCode.GONE)
        check = roster_check(
            path,
            actor=job.created_by,
            name=meta.get("file_name"),
            progress=_job_progress(job.pk),
        )
        report = check.report
        del check
        if report.issues or report.warnings:
            report_workbook_write(report, report_path(job.pk))
        job_finish(job.pk, result={"stage": "checked", **report.summary()})
    except DomainError as exc:
        remove_private(private_dir(job.pk))  # nothing can be imported from it (D5)
        job_finish(job.pk, result={"stage": "refused", "error": exc.as_dict()})
    except Exception:
        log.exception("roster check %s failed", job.pk)
        remove_private(private_dir(job.pk))
        job_fail(job.pk, message="检查失败（内部错误）/ the check failed (internal error)")


def commit_start(*, actor: Any, check_job: Job, skip_invalid: bool) -> Job:
    """Claim a checked upload for one commit and create its job (the caller enqueues it).

    Refused when the check found errors and the user did not choose "valid households only",
    when nothing is valid, when the file is gone, or when a commit of it already started (a
    second click or tab gets `BUSY`, atomically, through an exclusive claim file).
    """
    if not policies.can_import_roster(actor):
        raise PermissionDenied("roster_import")
    result = check_job.result or {}
    if check_job.kind != JOB_CHECK or result.get("stage") != "checked":
        raise DomainError(ImportErrorCode.GONE)
    if result.get("fatal") or (not result.get("ok") and not skip_invalid):
        raise DomainError(ImportErrorCode.REFUSED, rows=max(result.get("rows_invalid", 0), 1))
    if not result.get("households_valid"):
        raise DomainError(ImportErrorCode.NOTHING_VALID)
    if upload_path(check_job.pk) is None:
        raise DomainError(ImportErrorCode.GONE)
    try:
        fd = os.open(private_dir(check_job.pk) / "claim", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError as exc:
        raise DomainError(ImportErrorCode.BUSY) from exc
    os.close(fd)
    return job_create(actor=actor, kind=JOB_COMMIT)


def upload_commit(
    job_id: uuid.UUID | str, check_job_id: uuid.UUID | str, skip_invalid: bool
) -> None:
    """The commit job: re-check the file (the registry may have changed) and commit it.

    The upload is deleted afterwards whatever the outcome (D5): a refused file is fixed and
    uploaded again.
    """
    job = Job.objects.select_related("created_by").get(pk=job_id)
    check_job = Job.objects.filter(pk=check_job_id, created_by_id=job.created_by_id).first()
    if check_job is None:  # not this user's upload: the view never lets this happen
        job_fail(job.pk, message="找不到上传的文件 / upload not found")
        return
    path = upload_path(check_job.pk)
    meta = _meta(check_job.pk)
    base = {"stage": "refused", "check_job": str(check_job.pk), "skip_invalid": skip_invalid}
    try:
        if path is None:
            raise DomainError(ImportErrorCode.GONE)
        result = roster_import(
            path,
            actor=job.created_by,
            commit=True,
            skip_invalid=skip_invalid,
            name=meta.get("file_name"),
            expected_digest=check_job.result.get("valid_digest") if skip_invalid else None,
            progress=_job_progress(job.pk),
        )
        job_finish(
            job.pk,
            result={
                **base,
                "stage": "committed",
                "households": result.households,
                "members": result.members,
                "file_name": meta.get("file_name", ""),
            },
        )
    except RosterRefused as exc:
        # Counts and the reason only: the user saw the rows at the check; a new check of a
        # fixed file shows them again, and no cell value is kept in the job (D5).
        summary = exc.report.summary(limit=0)
        kept = {k: summary[k] for k in _SUMMARY_KEYS if k in summary}
        job_finish(job.pk, result={**base, "error": exc.error.as_dict(), **kept})
    except DomainError as exc:
        job_finish(job.pk, result={**base, "error": exc.as_dict()})
    except Exception:
        log.exception("roster commit %s failed", job.pk)
        job_fail(job.pk, message="导入失败，未写入任何数据 / import failed, nothing written")
    finally:
        remove_private(private_dir(check_job.pk))
        _forget(str(check_job.pk))


def upload_discard(check_job: Job) -> None:
    """Delete an upload and its report (D5), and what its job kept of the report."""
    remove_private(private_dir(check_job.pk))
    _forget(str(check_job.pk))


_SUMMARY_KEYS = (
    "file_name",
    "rows",
    "households",
    "households_valid",
    "households_invalid",
    "members_valid",
    "rows_invalid",
    "issue_count",
)


def _forget(job_id: str) -> None:
    """Once an upload is gone, its check job keeps counts only: the issues quote cell values
    (names, addresses, masked numbers) that must not outlive the file (D5)."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        return
    job = Job.objects.filter(pk=key, kind=JOB_CHECK).first()
    if job is None:
        return
    result = job.result or {}
    kept = {k: result[k] for k in _SUMMARY_KEYS if k in result}
    job_finish(job.pk, result={**kept, "stage": "closed"})
