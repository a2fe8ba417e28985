"""The audit trail (security.md §3): hash chain, append-only storage, tamper detection, fail
closed, no personal data, request context."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from zhenxing.accounts.tests.factories import DEFAULT_PASSWORD
from zhenxing.audit import services as audit_services
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.models import AuditChainHead, AuditEvent
from zhenxing.audit.services import GENESIS, AuditWriteError, record, verify_chain
from zhenxing.core.roles import Role
from zhenxing.regions import services as region_services
from zhenxing.regions.models import Division, DivisionChange
from zhenxing.regions.services import division_create
from zhenxing.regions.tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "500102196503121239"
NEVER = re.compile(r"(?!x)x")


def _chain(n: int) -> list[AuditEvent]:
    events = [
        AuditEventType.CONFIG_CHANGE,
        AuditEventType.EXPORT,
        AuditEventType.BACKUP,
        AuditEventType.IMPORT,
    ]
    return [record(events[i % len(events)], username="tester", detail={"n": i}) for i in range(n)]


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture
def triggers_off() -> None:
    """Remove the append-only guard for this test only. Both vendors run DDL inside the test's
    transaction, so the rollback at the end of the test brings the triggers back."""
    if connection.vendor == "sqlite":
        _execute("DROP TRIGGER audit_auditevent_no_update")
        _execute("DROP TRIGGER audit_auditevent_no_delete")
    elif connection.vendor == "postgresql":
        _execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    else:  # pragma: no cover
        pytest.skip(f"no append-only triggers on {connection.vendor}")


# --- the chain ------------------------------------------------------------------------------


def test_each_row_links_to_the_previous_one_in_sequence() -> None:
    # when
    written = _chain(4)

    # then
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert [r.pk for r in rows] == [r.pk for r in written]
    assert rows[0].prev_hash == GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 4))
    assert len({r.hash for r in rows}) == 4
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (4, rows[-1].hash)


def test_an_untouched_chain_verifies_clean() -> None:
    assert verify_chain() == []
    _chain(5)

    assert verify_chain() == []
    assert verify_chain(batch_size=2) == []


def test_a_row_written_under_another_key_breaks_the_chain(settings: Any) -> None:
    _chain(2)
    settings.ZHENXING_AUDIT_KEY = "another-key"

    assert {p.seq for p in verify_chain()} == {1, 2}


# --- append-only in the database --------------------------------------------------------------


REFUSED_SQL = [
    "UPDATE audit_auditevent SET outcome = 'denied' WHERE seq = 2",
    "UPDATE audit_auditevent SET seq = seq + 10",
    "DELETE FROM audit_auditevent WHERE seq = 2",
    "DELETE FROM audit_auditevent",
]


@pytest.mark.parametrize("sql", REFUSED_SQL)
def test_the_database_refuses_update_and_delete(sql: str) -> None:
    # given
    _chain(3)
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "outcome", "hash"))

    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute(sql)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "outcome", "hash")) == before
    assert verify_chain() == []


def test_the_orm_cannot_update_or_delete_either() -> None:
    _chain(2)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(outcome="denied")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(seq=2).delete()
    assert AuditEvent.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate() -> None:
    _chain(1)

    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_with_the_triggers_removed_the_same_update_goes_through(triggers_off: None) -> None:
    """The guard removed: the refusal tests above fail without the triggers."""
    _chain(3)

    _execute(REFUSED_SQL[0])

    assert AuditEvent.objects.get(seq=2).outcome == "denied"


# --- tampering is detected (triggers removed for the test) ----------------------------------


@pytest.mark.parametrize(
    ("assignment", "reported"),
    [
        ("outcome = 'denied'", {2}),
        ("actor_username = 'someone-else'", {2}),
        ("object_id = '999'", {2}),
        ("event = 'backup'", {2}),
        ("detail = '{\"n\": 99}'", {2}),
        ("prev_hash = '" + "0" * 64 + "'", {2}),
        ("hash = '" + "f" * 64 + "'", {2, 3}),  # the next row's link breaks too
    ],
)
def test_an_edited_row_is_reported_by_its_seq(
    triggers_off: None, assignment: str, reported: set[int]
) -> None:
    # given
    _chain(4)
    assert verify_chain() == []

    # when
    _execute(f"UPDATE audit_auditevent SET {assignment} WHERE seq = 2")  # noqa: S608 — test SQL

    # then
    assert {p.seq for p in verify_chain()} == reported


def test_a_deleted_middle_row_is_reported_missing(triggers_off: None) -> None:
    _chain(4)

    _execute("DELETE FROM audit_auditevent WHERE seq = 2")

    problems = verify_chain()
    assert any(p.seq == 2 and "missing" in p.reason_en for p in problems)
    assert {p.seq for p in problems} == {2, 3}


def test_a_deleted_last_row_is_reported_as_truncation(triggers_off: None) -> None:
    _chain(4)

    _execute("DELETE FROM audit_auditevent WHERE seq = 4")

    problems = verify_chain()
    assert [p.seq for p in problems] == [4]
    assert "should end at row 4 but ends at 3" in problems[0].reason_en


def test_audit_verify_passes_before_and_fails_after_tampering(triggers_off: None) -> None:
    # given
    _chain(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 3 rows" in out.getvalue()

    # when
    _execute("UPDATE audit_auditevent SET outcome = 'denied' WHERE seq = 2")

    # then
    err = StringIO()
    with pytest.raises(CommandError, match="broken in 1 places"):
        call_command("audit_verify", stderr=err)
    assert "#2:" in err.getvalue()


def test_the_triggers_are_back_after_a_tampering_test() -> None:
    """Runs after the tests above: their DDL was rolled back with their transaction."""
    _chain(1)

    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("DELETE FROM audit_auditevent")


# --- fail closed (C4) -----------------------------------------------------------------------


def _create_county_with_audit_note(note: str) -> None:
    with transaction.atomic():
        DivisionFactory(code="500102")
        record(AuditEventType.REGION_CHANGE, username="tester", detail={"note": note})


def test_personal_data_in_the_audit_row_rolls_back_the_change() -> None:
    # when
    with pytest.raises(AuditWriteError):
        _create_county_with_audit_note(ID_NUMBER)

    # then
    assert not Division.objects.filter(code="500102").exists()
    assert not AuditEvent.objects.exists()


def test_without_the_personal_data_guard_the_same_change_commits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guard removed: the test above fails without the scan."""
    monkeypatch.setattr(audit_services, "_PERSONAL_DATA", NEVER)

    _create_county_with_audit_note(ID_NUMBER)

    assert Division.objects.filter(code="500102").exists()


class _no_atomic:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _broken_save(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
    raise DatabaseError("disk full")


def test_a_failed_audit_write_leaves_nothing_of_the_service_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    DivisionFactory(code="500102")
    monkeypatch.setattr(AuditEvent, "save", _broken_save)

    # when
    with pytest.raises(DatabaseError, match="disk full"):
        division_create(actor=None, code="500102104", name="珍溪镇", valid_from=date(2017, 1, 1))

    # then
    assert list(Division.objects.values_list("code", flat=True)) == ["500102"]
    assert not DivisionChange.objects.exists()
    assert not AuditChainHead.objects.filter(seq__gt=0).exists()


def test_without_the_service_transaction_a_failed_audit_write_leaves_a_row_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guard removed: without `transaction.atomic()` in the service, the test above fails."""
    DivisionFactory(code="500102")
    monkeypatch.setattr(AuditEvent, "save", _broken_save)
    monkeypatch.setattr(region_services, "transaction", SimpleNamespace(atomic=_no_atomic))

    with pytest.raises(DatabaseError):
        division_create(actor=None, code="500102104", name="珍溪镇", valid_from=date(2017, 1, 1))

    assert Division.objects.filter(code="500102104").exists()


# --- no personal data in the trail (C2) -----------------------------------------------------


PERSONAL = [
    pytest.param(ID_NUMBER, id="id-number"),
    pytest.param("50010219650312123X", id="id-number-X"),
    pytest.param("50010219650312123x", id="id-number-x"),
    pytest.param("13812345678", id="mobile-138"),
    pytest.param("19912345678", id="mobile-199"),
    pytest.param("电话13812345678已核实", id="mobile-in-text"),
    pytest.param("6222021234567890", id="account-16"),
    pytest.param("62220212345678901", id="account-17"),
    pytest.param("6222021234567890123", id="account-19"),
]


def _recorder(where: str) -> Callable[[str], AuditEvent]:
    return {
        "detail": lambda v: record(AuditEventType.EXPORT, username="tester", detail={"q": v}),
        "nested detail": lambda v: record(
            AuditEventType.EXPORT, username="tester", detail={"filters": [{"phone": v}]}
        ),
        "object id": lambda v: record(AuditEventType.EXPORT, username="tester", object_id=v),
        "user name": lambda v: record(AuditEventType.LOGIN_FAILED, username=v),
    }[where]


@pytest.mark.parametrize("where", ["detail", "nested detail", "object id", "user name"])
@pytest.mark.parametrize("value", PERSONAL)
def test_personal_data_is_refused_wherever_it_appears(where: str, value: str) -> None:
    with pytest.raises(AuditWriteError):
        _recorder(where)(value)

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("500102", id="county-code"),
        pytest.param("500102104", id="town-code"),
        pytest.param("500102104201", id="village-code"),
        pytest.param("500102104201006", id="group-code"),
        pytest.param("12345678901", id="11-digits-not-a-mobile"),
        pytest.param("123456789012345678901", id="21-digits"),
        pytest.param("2024-05-01T08:00:00+08:00", id="timestamp"),
    ],
)
def test_codes_and_dates_are_not_mistaken_for_personal_data(value: str) -> None:
    row = _recorder("detail")(value)

    assert row.detail == {"q": value}


# --- request context ------------------------------------------------------------------------


def test_a_row_recorded_in_a_request_carries_its_request_id_and_address(client: Client) -> None:
    # when
    response = client.post("/login/", {"username": "nobody", "password": "wrong-password-1A"})

    # then
    row = AuditEvent.objects.get(event=AuditEventType.LOGIN_FAILED)
    assert row.outcome == Outcome.FAILED
    assert row.actor_username == "nobody"
    assert row.ip == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", row.request_id)
    assert response["X-Request-ID"] == row.request_id


def test_a_well_formed_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(
    client: Client, settings: Any
) -> None:
    # The id is believed only from a configured proxy (zhenxing.web.tests.test_proxy).
    settings.ZHENXING_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/login/",
        {"username": "nobody", "password": "wrong-password-1A"},
        headers={"X-Request-ID": "proxy-0123456789"},
    )
    response = client.post(
        "/login/",
        {"username": "nobody", "password": "wrong-password-1A"},
        headers={"X-Request-ID": "<script>"},
    )

    first, second = AuditEvent.objects.filter(event=AuditEventType.LOGIN_FAILED).order_by("seq")
    assert first.request_id == "proxy-0123456789"
    assert second.request_id != "<script>"
    assert response["X-Request-ID"] == second.request_id


def test_a_row_recorded_outside_a_request_has_no_request_context() -> None:
    row = record(AuditEventType.BACKUP, username="tester")

    assert (row.request_id, row.ip) == ("", None)


def test_a_mistyped_id_number_as_user_name_is_redacted_not_refused(client: Client) -> None:
    client.post("/login/", {"username": ID_NUMBER, "password": "wrong-password-1A"})

    row = AuditEvent.objects.get(event=AuditEventType.LOGIN_FAILED)
    assert ID_NUMBER not in row.actor_username


def test_an_actor_row_records_user_and_role(make_user: Callable[..., Any]) -> None:
    user = make_user(Role.AUDIT_ADMIN)

    row = record(AuditEventType.AUDIT_VERIFY, actor=user)

    assert (row.actor_id, row.actor_username, row.role) == (user.pk, user.username, "audit_admin")


def test_a_user_named_by_a_mobile_number_can_sign_in_and_the_number_stays_out(
    client: Client, make_user: Callable[..., Any]
) -> None:
    # given: mobile numbers are common user names
    user = make_user(Role.TOWN_STAFF, username="13812345678")

    # when
    response = client.post("/login/", {"username": "13812345678", "password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == 302
    row = AuditEvent.objects.get(event=AuditEventType.LOGIN_OK)
    assert row.actor_id == user.pk
    assert "13812345678" not in row.actor_username
    assert verify_chain() == []
