"""Operator jobs that span apps: the retention run (C5), audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.retention import purge_expired

CLI_USERNAME = "operator (command line)"


def retention_run(*, now: datetime | None = None) -> dict[str, int]:
    with transaction.atomic():
        done = purge_expired(now)
        record(AuditEventType.RETENTION, username=CLI_USERNAME, detail={"rows": done})
    return done
