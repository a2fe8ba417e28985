"""Fixtures shared by every app's tests. Model factories live in each app's tests/factories.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """`make_user(role, region=None, **fields)`: a saved user; `region` is a Division or the code
    of a current one. No audit row is written (use `user_create` to test account creation)."""
    from zhenxing.accounts.tests.factories import UserFactory
    from zhenxing.regions.models import Division

    def make(role: str, region: Any = None, **fields: Any) -> Any:
        if isinstance(region, str):
            region = Division.objects.get(code=region, valid_to__isnull=True)
        return UserFactory(role=role, region=region, **fields)

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the (per-process) cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
