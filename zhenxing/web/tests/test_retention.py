"""C5: the retention job removes expired personal data per the inventory and never anything
younger than a year, nor any audit row; the daily schedule runs it and the checkpoint."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import record, verify_chain
from zhenxing.core import retention, schedule
from zhenxing.core.inventory import INVENTORY
from zhenxing.core.retention import MINIMUM, RULES, RetentionRule
from zhenxing.monitoring.models import Declaration

pytestmark = pytest.mark.django_db

START = "2024-03-01 09:00:00+08:00"


def _attempt() -> AccessAttempt:
    return AccessAttempt.objects.create(
        username="someone", ip_address="203.0.113.7", failures_since_start=1
    )


def _run() -> str:
    out = StringIO()
    call_command("retention", stdout=out)
    return out.getvalue()


def test_nothing_younger_than_a_year_is_purged_and_older_data_is(time_machine: Any) -> None:
    # given personal data and audit rows written at START
    time_machine.move_to(START, tick=False)
    attempt = _attempt()
    for n in range(3):
        record(AuditEventType.CONFIG_CHANGE, username="tester", detail={"n": n})

    # when the job runs a day short of a year later: nothing goes
    time_machine.move_to(timezone.now() + MINIMUM - timedelta(days=1), tick=False)
    _run()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    # when it runs a day past a year: the attempt record goes
    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    _run()
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()

    # and years later the audit rows are all still there, the chain intact
    time_machine.move_to(timezone.now() + timedelta(days=3 * 365), tick=False)
    _run()
    assert AuditEvent.objects.filter(event="config.change").count() == 3
    assert AuditEvent.objects.filter(event="retention.purge").count() == 3
    assert verify_chain() == []


def test_a_declarations_address_hash_is_blanked_after_a_year(time_machine: Any) -> None:
    time_machine.move_to(START, tick=False)
    row = _make_declaration()

    time_machine.move_to(timezone.now() + MINIMUM - timedelta(hours=1), tick=False)
    _run()
    row.refresh_from_db()
    assert row.ip_index != ""

    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    _run()
    row.refresh_from_db()
    assert row.ip_index == ""
    assert row.what_happened  # the row itself stays


def test_a_rule_keeping_less_than_a_year_is_refused() -> None:
    with pytest.raises(ValueError, match="less than one year"):
        RetentionRule("axes.AccessAttempt", "attempt_time", timedelta(days=364))
    with pytest.raises(ValueError, match="audit rows"):
        RetentionRule("audit.AuditEvent", "occurred_at", timedelta(days=3650))


def test_without_the_one_year_floor_young_data_would_go(
    time_machine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard removed: a rule of a day would purge yesterday's record."""
    monkeypatch.setattr(retention, "MINIMUM", timedelta(0))
    time_machine.move_to(START, tick=False)
    attempt = _attempt()
    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)

    retention.purge_expired(
        rules=(RetentionRule("axes.AccessAttempt", "attempt_time", timedelta(days=1)),)
    )

    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_every_field_a_rule_blanks_is_inventoried() -> None:
    for rule in RULES:
        for field in rule.clear:
            assert f"{rule.model}.{field}" in INVENTORY


def test_the_daily_schedule_enqueues_each_task_once_a_day(
    settings: Any, tmp_path: Path, time_machine: Any
) -> None:
    # given
    settings.VAR_DIR = tmp_path
    settings.ZHENXING_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    time_machine.move_to(START, tick=False)

    # when
    first = schedule.enqueue_due()
    again = schedule.enqueue_due()
    time_machine.move_to("2024-03-02 00:10:00+08:00", tick=False)
    next_day = schedule.enqueue_due()

    # then (the test backend runs tasks at once)
    assert first == list(schedule.DAILY) == next_day
    assert again == []
    lines = [
        line
        for f in (tmp_path / "checkpoints").glob("*.jsonl")
        for line in f.read_text().splitlines()
    ]
    assert len(lines) == 2
    assert AuditEvent.objects.filter(event="retention.purge").count() == 2


def _make_declaration() -> Declaration:
    return Declaration.objects.create(
        county_code="500102",
        town_code="500102104",
        village_code="500102104201",
        name="张三",
        id_cipher="sealed",
        id_index="i" * 64,
        what_happened="家中老人住院，医药费负担重",
        received_at=timezone.now(),
        ip_index="a" * 64,
        status="unmatched",
    )
