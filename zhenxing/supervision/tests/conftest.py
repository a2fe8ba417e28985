from __future__ import annotations

import pytest

from zhenxing.supervision.tests.factories import SupWorld, sup_world


@pytest.fixture
def world(db: None) -> SupWorld:
    return sup_world()
