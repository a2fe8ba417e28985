"""Thin task wrappers: ids in, a service does the work."""

from __future__ import annotations

import uuid

from django_tasks import task

from zhenxing.accounts.models import User


@task()
def village_handbooks_task(user_id: int, village_code: str, job_id: str) -> str:
    from zhenxing.assistance.handbook import village_handbooks_build

    actor = User.objects.get(pk=user_id)
    path = village_handbooks_build(actor=actor, village_code=village_code, job_id=uuid.UUID(job_id))
    return path.name
