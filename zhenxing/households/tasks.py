"""Thin task wrappers of the roster import: job ids in, the import module does the work.

Holds `roster_check_task` and `roster_commit_task`. Each records its outcome on its `Job`
row (`jobs.services`), which is what the user's page polls.
"""

from __future__ import annotations

from django_tasks import task

from zhenxing.households import imports


@task()
def roster_check_task(job_id: str) -> None:
    imports.upload_validate(job_id)


@task()
def roster_commit_task(job_id: str, check_job_id: str, skip_invalid: bool) -> None:
    imports.upload_commit(job_id, check_job_id, skip_invalid)
