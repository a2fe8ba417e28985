"""The ledger's test rules apply here too: the ledger balances to zero after every test (M2),
and transactional tests on PostgreSQL get the audit-trigger switch around their flush."""

from zhenxing.ledger.tests.conftest import (  # noqa: F401 — fixtures and hooks for pytest
    _ledger_balances_after_each_test,
    pytest_runtest_teardown,
)
