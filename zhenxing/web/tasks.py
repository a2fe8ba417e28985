"""Thin task wrappers for the daily operator jobs (scheduled by `zhenxing.core.schedule`)."""

from __future__ import annotations

from django_tasks import task

from zhenxing.web.operations import retention_run


@task()
def retention_task() -> dict[str, int]:
    return retention_run()
