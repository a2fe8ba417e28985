"""Roster import and export pages.

Flow: upload (guards run at once, before any parsing) → a check job with a progress bar
(htmx polls a small partial every second) → the report (counts, the first 200 issues, the
full report as xlsx) → "import all (only when error-free)" or "import only the valid
households" → a commit job → the result. Jobs are visible to their creator only
(`jobs.services.job_get`; anyone else gets 404, audited). The uploaded file stays in
`VAR_DIR/uploads/<job id>/` until it is committed or discarded.

Export is streamed directly: the workbook is built in a private temporary file that is
unlinked as soon as it is opened for the response, so no download URL exists that could be
replayed or outlive the request (security.md D5) and nothing is left on disk.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import IO, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import BEIJING
from zhenxing.core.uploads import MAX_BYTES, private_root
from zhenxing.households import imports, policies
from zhenxing.households.exports import roster_export
from zhenxing.households.tasks import roster_check_task, roster_commit_task
from zhenxing.jobs.models import Job
from zhenxing.jobs.services import job_get

IMPORTERS = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stamp() -> str:
    return timezone.now().astimezone(BEIJING).strftime("%Y%m%d-%H%M")


def _download(handle: IO[bytes], filename: str) -> HttpResponse:
    """A private download: an attachment the browser must not cache."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    # FileResponse is a streaming response; the access decorators are typed for HttpResponse.
    return cast(HttpResponse, response)


def _job(request: HttpRequest, job_id: uuid.UUID) -> Job:
    """The job if the requester started it; else `NotInScope` (→ 404, audited)."""
    return job_get(request.user, job_id)


@require_http_methods(["GET", "POST"])
@scoped(*IMPORTERS)
def import_home_view(request: HttpRequest) -> HttpResponse:
    if not policies.can_import_roster(request.user):
        raise PermissionDenied("roster_import")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a roster file to upload."))
        else:
            try:
                job = imports.upload_receive(actor=request.user, upload=upload)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                roster_check_task.enqueue(str(job.pk))
                return redirect("households_import:job", job_id=job.pk)
    return render(
        request,
        "households/import.html",
        {
            "max_mb": MAX_BYTES // (1024 * 1024),
            "max_bytes": MAX_BYTES,
            "can_unmask": policies.can_unmask(request.user),
        },
    )


@require_http_methods(["GET"])
@scoped(*IMPORTERS)
def template_view(request: HttpRequest) -> HttpResponse:
    """The blank roster template (no registry data in it)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — the response closes it
    imports.template_workbook_write(handle)
    handle.seek(0)
    return _download(handle, "花名册导入模板.xlsx")


def _job_context(job: Job) -> dict[str, object]:
    result = job.result or {}
    context: dict[str, object] = {
        "job": job,
        "result": result,
        "running": job.status in ("queued", "running"),
        "is_check": job.kind == imports.JOB_CHECK,
    }
    if job.kind == imports.JOB_CHECK:
        context["available"] = imports.upload_path(job.pk) is not None
        context["has_report"] = imports.report_path(job.pk).exists()
        context["more_issues"] = max(0, result.get("issue_count", 0) - imports.REPORT_PAGE)
    return context


@require_http_methods(["GET"])
@scoped(*IMPORTERS)
def job_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "households/import_job.html", _job_context(job))


@require_http_methods(["GET"])
@scoped(*IMPORTERS)
def job_progress_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The progress partial htmx polls; once the job ends, the page reloads itself."""
    job = _job(request, job_id)
    if job.status not in ("queued", "running") and request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRefresh()
    return render(request, "households/import_progress.html", {"job": job})


@require_http_methods(["GET"])
@scoped(*IMPORTERS)
def report_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The full error report of the requester's own check job."""
    job = _job(request, job_id)
    path = imports.report_path(job.pk)
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _download(handle, f"导入错误报告-{_stamp()}.xlsx")


@require_POST
@scoped(*IMPORTERS)
def commit_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    check_job = _job(request, job_id)
    skip_invalid = request.POST.get("mode") == "valid"
    try:
        job = imports.commit_start(
            actor=request.user, check_job=check_job, skip_invalid=skip_invalid
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("households_import:job", job_id=check_job.pk)
    roster_commit_task.enqueue(str(job.pk), str(check_job.pk), skip_invalid)
    return redirect("households_import:job", job_id=job.pk)


@require_POST
@scoped(*IMPORTERS)
def discard_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    check_job = _job(request, job_id)
    imports.upload_discard(check_job)
    messages.info(request, _("The uploaded file was deleted."))
    return redirect("households_import:home")


@require_POST
@scoped(*IMPORTERS)
def export_view(request: HttpRequest) -> HttpResponse:
    """The registry in the requester's scope as a roster xlsx; masked unless unmasking is
    allowed and a reason given (audited either way)."""
    unmask = request.POST.get("unmask") == "1"
    fd, name = tempfile.mkstemp(suffix=".xlsx", dir=private_root("exports"))
    os.close(fd)
    path = Path(name)
    try:
        roster_export(
            actor=request.user,
            target=path,
            region_code=request.POST.get("region", "").strip(),
            unmask=unmask,
            reason=request.POST.get("reason", ""),
        )
        handle = path.open("rb")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("households_import:home")
    finally:
        # The open handle keeps the data readable; the name is gone at once (D5).
        path.unlink(missing_ok=True)
    suffix = "完整" if unmask else "脱敏"
    return _download(handle, f"花名册导出-{suffix}-{_stamp()}.xlsx")
