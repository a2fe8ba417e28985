"""Shared by the ledger and industry tests (the industry tests' conftest imports these).

- Every test that touches the database ends with a ledger that balances to zero and cached
  balances equal to the sum of their postings (security.md M2).
- Transactional tests on PostgreSQL (the concurrency tests: threads see only committed rows)
  end with the test runner emptying the database by TRUNCATE, which the audit table refuses by
  trigger (audit/migrations/0002). Around the teardown of those tests only, the audit table's
  triggers are switched off and then on again; every other test keeps them.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest
from django.db import ProgrammingError, connection
from pytest_django.plugin import blocking_manager_key


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def _audit_triggers(item: pytest.Item, *, enable: bool) -> None:
    with item.config.stash[blocking_manager_key].unblock():
        if connection.vendor != "postgresql":
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE audit_auditevent {'ENABLE' if enable else 'DISABLE'} TRIGGER USER"
                )
        except ProgrammingError:
            # After the session's last test the test database is already gone: nothing to do.
            if enable:
                return
            raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Any) -> Generator[None, Any, Any]:
    if not _transactional(item):
        return (yield)
    _audit_triggers(item, enable=False)
    try:
        return (yield)
    finally:
        _audit_triggers(item, enable=True)


@pytest.fixture(autouse=True)
def _ledger_balances_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("django_db")
    uses = {"db", "transactional_db"} & set(request.fixturenames)
    if marker is None and not uses:
        yield
        return
    transactional = "transactional_db" in uses or bool(marker and marker.kwargs.get("transaction"))
    # Requested here so the database outlives this fixture: the check runs before the rollback.
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    from zhenxing.ledger.services import ledger_verify

    check = ledger_verify()
    assert check.ok, check
