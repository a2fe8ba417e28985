"""`monitoring_type_set`: the only writer of `Household.monitoring_type`, with history and audit."""

from __future__ import annotations

from typing import cast

import pytest

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.audit.models import AuditEvent
from zhenxing.households.services import monitoring_type_set
from zhenxing.households.tests.factories import household

pytestmark = pytest.mark.django_db


def test_set_and_clear_record_a_history_version_and_an_audit_event() -> None:
    target = household()
    actor = cast(User, UserFactory())
    monitoring_type_set(
        actor=actor, household=target, monitoring_type="marginal", reason="纳入监测 included"
    )
    target.refresh_from_db()
    assert target.monitoring_type == "marginal"
    latest = target.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.monitoring_type, latest.history_user_id) == ("marginal", actor.pk)
    assert latest.history_change_reason == "纳入监测 included"
    event = AuditEvent.objects.filter(event="registry.edit", object_id=str(target.pk)).get()
    assert event.detail == {"fields": ["monitoring_type"], "reason": "纳入监测 included"}
    assert "marginal" not in str(event.detail)  # the field's name, never its value

    monitoring_type_set(actor=actor, household=target, monitoring_type="", reason="风险消除")
    target.refresh_from_db()
    assert target.monitoring_type == ""
    assert AuditEvent.objects.filter(event="registry.edit", object_id=str(target.pk)).count() == 2


@pytest.mark.parametrize(("value", "reason"), [("rich", "x"), ("marginal", "  ")])
def test_an_unknown_type_or_a_missing_reason_is_refused_and_nothing_changes(
    value: str, reason: str
) -> None:
    target = household()
    with pytest.raises(ValueError, match=r"monitoring type|reason"):
        monitoring_type_set(actor=None, household=target, monitoring_type=value, reason=reason)
    target.refresh_from_db()
    assert target.monitoring_type == ""
    assert not AuditEvent.objects.filter(event="registry.edit").exists()
