"""Thin task wrappers: ids in, a service does the work."""

from __future__ import annotations

from django_tasks import task

from zhenxing.screening.services import run_execute


@task()
def run_execute_task(run_id: int) -> int:
    return run_execute(run_id).pk
