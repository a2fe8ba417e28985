"""Job bookkeeping: create, report progress, finish. Progress writes are single-row updates.

Holds `job_create`, `job_progress`, `job_finish`, `job_fail`, `job_get`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from zhenxing.core.errors import NotInScope
from zhenxing.jobs.models import Job


def job_create(*, actor: Any, kind: str, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, total=total, created_by=actor if actor else None)


def job_progress(
    job_id: uuid.UUID, *, done: int, total: int | None = None, message: str = ""
) -> None:
    fields: dict[str, Any] = {"status": "running", "done": done, "message": message[:200]}
    if total is not None:
        fields["total"] = total
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(job_id: uuid.UUID, *, result: dict[str, Any]) -> None:
    Job.objects.filter(pk=job_id).update(status="done", result=result, finished_at=timezone.now())


def job_fail(job_id: uuid.UUID, *, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status="failed", message=message[:200], finished_at=timezone.now()
    )


def job_get(actor: Any, job_id: uuid.UUID) -> Job:
    """A job is visible to the user who started it only."""
    job = Job.objects.filter(pk=job_id, created_by_id=getattr(actor, "pk", None)).first()
    if job is None:
        raise NotInScope("job", str(job_id))
    return job
