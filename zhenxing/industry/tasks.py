"""Thin task wrappers: ids in, a service does the work."""

from __future__ import annotations

from django_tasks import task

from zhenxing.industry.services import settlement_execute


@task()
def settlement_execute_task(run_id: int) -> int:
    return settlement_execute(run_id).pk
