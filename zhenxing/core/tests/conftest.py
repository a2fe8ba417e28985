"""The restore drill is a transactional test: its data must be committed for another process to
restore it. Its teardown then empties the database, which the append-only triggers of the audit
and ledger tables refuse; around that teardown only they are lifted and put back."""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any

import pytest
from django.db import ProgrammingError, connection
from pytest_django.plugin import blocking_manager_key


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Any) -> Generator[None, Any, Any]:
    if not _transactional(item):
        return (yield)
    with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        return (yield)
    finally:
        with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for _name, sql in triggers:
                    cursor.execute(sql)
            else:
                # After the session's last test the test database is already gone.
                with contextlib.suppress(ProgrammingError):
                    cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
