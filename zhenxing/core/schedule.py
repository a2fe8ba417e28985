"""Daily tasks (the audit checkpoint, C6; the retention run, C5), enqueued by `zhenxing serve`
once per Beijing day and run by its job worker.

Holds `DAILY` (dotted task paths: core imports no app) and `enqueue_due(now)`, which enqueues
each task whose marker file under `var/schedule/` names an earlier day.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from zhenxing.core.timeutil import BEIJING

DAILY = (
    "zhenxing.audit.tasks.audit_checkpoint_task",
    "zhenxing.web.tasks.retention_task",
)
CHECK_EVERY_SECONDS = 600


def _marker(path: str) -> Path:
    return Path(settings.VAR_DIR) / "schedule" / f"{path.rsplit('.', 1)[-1]}.last"


def enqueue_due(now: datetime | None = None) -> list[str]:
    today = (now or timezone.now()).astimezone(BEIJING).date().isoformat()
    enqueued = []
    for path in DAILY:
        marker = _marker(path)
        if marker.exists() and marker.read_text().strip() >= today:
            continue
        import_string(path).enqueue()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(today)
        enqueued.append(path)
    return enqueued


def start(stop: threading.Event) -> threading.Thread:
    """The scheduler thread of `zhenxing serve`."""

    def loop() -> None:
        while not stop.is_set():
            enqueue_due()
            stop.wait(CHECK_EVERY_SECONDS)

    thread = threading.Thread(target=loop, name="zhenxing-schedule", daemon=True)
    thread.start()
    return thread
