"""A small county for assistance tests: one published screening over households of each
class, a cadre, an officer and staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

from zhenxing.households.models import Household
from zhenxing.screening.services import run_execute, run_publish, run_start
from zhenxing.screening.tests.factories import Case, Person, install_rules, region_tree

AS_OF = date(2025, 12, 31)
OTHER_GROUP = "500102001201001"


@dataclass
class World:
    stable: Household
    consolidating: Household
    marginal: Household
    ordinary: Household
    elsewhere: Household
    district: Any
    town: Any
    officer: Any
    cadre: Any
    run: Any


def world(make_user: Any) -> World:
    region_tree()
    install_rules()
    stable = Case(category="exited", members=[Person(), Person(labour="none")]).register()
    consolidating = Case(category="exited", members=[Person(work_months=2)]).register()
    marginal = Case(
        category="exited", wage=D("5000"), members=[Person(), Person(labour="none")]
    ).register()
    ordinary = Case(wage=D("5000")).register()
    elsewhere = Case(category="exited", group=OTHER_GROUP).register()
    run = run_start(actor=None, year=2025, county_code="500102", as_of=AS_OF, background=False)
    run = run_execute(run.pk)
    run_publish(actor=None, run=run)
    return World(
        stable=stable,
        consolidating=consolidating,
        marginal=marginal,
        ordinary=ordinary,
        elsewhere=elsewhere,
        district=make_user("district_staff", "500102"),
        town=make_user("town_staff", "500102104"),
        officer=make_user("village_officer", "500102104201", full_name="王信息"),
        cadre=make_user("cadre", "500102104201", full_name="刘洋"),
        run=run,
    )
