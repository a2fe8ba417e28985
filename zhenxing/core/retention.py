"""Retention of personal data (security.md C5, D4): what is removed once it has been kept long
enough. Nothing younger than one year is ever purged, and the audit trail never by this job.

Holds `RetentionRule`, `RULES` and `purge_expired(now)`. A rule either blanks fields (the row
stays, e.g. a declaration keeps its case history but loses the address hash that only served
the rate limit) or deletes rows (sign-in attempt records). Fields a rule blanks are personal
fields of the inventory (`zhenxing.core.inventory`); a test holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

MINIMUM = timedelta(days=365)  # C5: nothing younger than a year


@dataclass(frozen=True)
class RetentionRule:
    model: str  # app_label.ModelName
    anchor: str  # the datetime field the age is counted from
    keep: timedelta
    clear: tuple[str, ...] = ()  # fields blanked; empty = the rows are deleted

    def __post_init__(self) -> None:
        if self.keep < MINIMUM:
            raise ValueError(f"{self.model}: kept {self.keep}, less than one year (C5)")
        if self.model.startswith("audit."):
            raise ValueError("audit rows are never purged by the retention job")


RULES: tuple[RetentionRule, ...] = (
    RetentionRule("monitoring.Declaration", "received_at", MINIMUM, clear=("ip_index",)),
    # Sign-in attempt records (user name, address): the lockout needs 30 minutes of them.
    RetentionRule("axes.AccessAttempt", "attempt_time", MINIMUM),
    RetentionRule("axes.AccessFailureLog", "attempt_time", MINIMUM),
    RetentionRule("axes.AccessLog", "attempt_time", MINIMUM),
)


def purge_expired(
    now: datetime | None = None, rules: tuple[RetentionRule, ...] = RULES
) -> dict[str, int]:
    """Apply every rule; returns the rows changed or deleted per model."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    with transaction.atomic():
        for rule in rules:
            model = apps.get_model(rule.model)
            expired = model._default_manager.filter(**{f"{rule.anchor}__lt": now - rule.keep})
            if rule.clear:
                expired = expired.exclude(**dict.fromkeys(rule.clear, ""))
                # Blanking one column of a row that is not history-tracked.
                done[rule.model] = expired.update(**dict.fromkeys(rule.clear, ""))
            else:
                done[rule.model] = expired.delete()[0]
    return done
