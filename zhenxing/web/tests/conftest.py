from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import RegionTree, build_region_tree, sign_in_verified


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_region_tree()


@pytest.fixture
def login_verified() -> Callable[[Client, User], None]:
    """`login_verified(client, user)`: signed in with the second factor passed."""
    return sign_in_verified
