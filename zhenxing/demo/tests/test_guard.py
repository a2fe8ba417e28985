"""R3: the demo refuses a database holding accounts or households it did not create, and
production settings refuse demo accounts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from zhenxing.accounts.models import User
from zhenxing.accounts.services import user_create
from zhenxing.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, build_region_tree
from zhenxing.core.roles import Role
from zhenxing.demo import guard
from zhenxing.demo.models import DemoBuild
from zhenxing.households.models import Household
from zhenxing.households.tests.factories import household
from zhenxing.regions.models import Division

pytestmark = pytest.mark.django_db

DEMO = ("demo", "--no-serve", "--scale", "0.005")


def _real_account() -> User:
    return user_create(actor=None, username="wang.real", role=Role.SECURITY_ADMIN)


def test_the_demo_refuses_a_database_with_a_real_account() -> None:
    # given the reproduction: a real account on the database
    _real_account()

    # when
    with pytest.raises(CommandError) as caught:
        call_command(*DEMO, stdout=StringIO())

    # then it exits with a clear message and builds nothing
    assert "--i-know-this-is-not-production" in str(caught.value)
    assert "1 accounts" in str(caught.value)
    assert "生产数据库" in str(caught.value)
    assert not User.objects.filter(is_demo=True).exists()
    assert Division.objects.count() == 0


def test_the_demo_refuses_a_database_with_a_real_household() -> None:
    build_region_tree()
    household()
    divisions = Division.objects.count()

    with pytest.raises(CommandError, match="1 households"):
        call_command(*DEMO, stdout=StringIO())

    assert Division.objects.count() == divisions
    assert not User.objects.exists()


def test_the_refusal_test_fails_without_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard removed: the demo then builds working administrator accounts beside the real one."""
    _real_account()
    monkeypatch.setattr(guard, "refusal", lambda forced: None)

    call_command(*DEMO, stdout=StringIO())

    assert User.objects.filter(is_demo=True, role=Role.SECURITY_ADMIN).exists()


def test_the_demo_recognises_its_own_data_and_runs_again() -> None:
    # given a demo database
    call_command(*DEMO, stdout=StringIO())
    [build] = DemoBuild.objects.all()
    assert build.households == Household.objects.count() > 0
    assert guard.foreign_data() == {}

    # when it is built again, it runs (nothing foreign), and sees one foreign household later
    call_command(*DEMO, stdout=StringIO())
    assert DemoBuild.objects.count() == 1  # households were not generated twice
    UserFactory.create(username="someone.real", role=Role.TOWN_STAFF)
    assert guard.foreign_data() == {"accounts": 1}


def test_told_it_is_not_production_the_demo_runs_beside_real_data() -> None:
    _real_account()

    call_command(*DEMO, "--i-know-this-is-not-production", stdout=StringIO())

    # one demo account per role at least (the demo's many cadres are demo accounts too)
    assert set(User.objects.filter(is_demo=True).values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(username="wang.real", is_demo=False).exists()


@override_settings(ZHENXING_PRODUCTION=True)
def test_the_demo_refuses_production_settings_even_when_told() -> None:
    with pytest.raises(CommandError, match="production settings"):
        call_command(*DEMO, "--i-know-this-is-not-production", stdout=StringIO())

    assert Division.objects.count() == 0


@pytest.mark.parametrize(("production", "signs_in"), [(True, False), (False, True)])
def test_production_settings_refuse_demo_accounts(
    client: Client, production: bool, signs_in: bool
) -> None:
    # given a demo-created account (town staff: no second factor in the way)
    demo_user = UserFactory.create(username="town.demo", role=Role.TOWN_STAFF, is_demo=True)
    real_user = UserFactory.create(username="town.real", role=Role.TOWN_STAFF)

    with override_settings(ZHENXING_PRODUCTION=production):
        # when it signs in
        response = client.post("/login/", {"username": "town.demo", "password": DEFAULT_PASSWORD})

        # then only outside production (the second case shows the test can fail)
        assert (client.session.get("_auth_user_id") == str(demo_user.pk)) is signs_in
        assert response.status_code == (302 if signs_in else 200)
        # a real account signs in either way
        other = Client()
        other.post("/login/", {"username": "town.real", "password": DEFAULT_PASSWORD})
        assert other.session.get("_auth_user_id") == str(real_user.pk)


def test_a_demo_session_ends_when_production_settings_come_in(client: Client) -> None:
    UserFactory.create(username="town.demo", role=Role.TOWN_STAFF, is_demo=True)
    client.post("/login/", {"username": "town.demo", "password": DEFAULT_PASSWORD})
    assert client.get("/").status_code == 200

    with override_settings(ZHENXING_PRODUCTION=True):
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
