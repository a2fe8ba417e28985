"""Thin task wrappers for the audit trail's scheduled work."""

from __future__ import annotations

from django_tasks import task

from zhenxing.audit.checkpoint import checkpoint_write


@task()
def audit_checkpoint_task() -> int:
    """Daily (and on demand): the chain head, signed, outside the database (C6)."""
    return checkpoint_write().seq
