from __future__ import annotations

import pytest

from zhenxing.monitoring.tests.factories import MonitoringWorld, monitoring_world


@pytest.fixture
def world(db: None) -> MonitoringWorld:
    return monitoring_world()
