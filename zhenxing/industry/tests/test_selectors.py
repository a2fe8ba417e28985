"""The scope matrix (security.md B3): for each role, what the selectors return equals an oracle
computed from the world's own definition, not from the code under test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet

from zhenxing.industry import selectors
from zhenxing.industry.models import Weighing
from zhenxing.industry.tests.factories import Chain, at, build_chain, sign_lu, weigh
from zhenxing.ledger.selectors import accounts_visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> Chain:
    chain = build_chain()
    sign_lu(chain)
    weigh(chain, chain.lu, "1000", at(17))
    weigh(chain, chain.a3, "500", at(17), point=chain.point_a2)
    weigh(chain, chain.b1, "700", at(17), point=chain.point_b1)
    return chain


def _oracle(chain: Chain, role: str, what: str) -> set[Any]:
    coop = {"clerk_a": chain.coop_a.pk, "clerk_b": chain.coop_b.pk}.get(role)
    everything = role == "district"
    if what == "weighings":
        rows = Weighing.objects.values_list("pk", "cooperative_id")
        return {pk for pk, c in rows if everything or c == coop}
    if what == "points":
        points = [chain.point_a1, chain.point_a2, chain.point_b1]
        return {p.pk for p in points if everything or p.cooperative_id == coop}
    if what == "members":
        members = {chain.coop_a.pk: {chain.lu.pk, chain.a2.pk, chain.a3.pk},
                   chain.coop_b.pk: {chain.b1.pk}}  # fmt: skip
        return set().union(*members.values()) if everything else members.get(coop or 0, set())
    if what == "cooperatives":
        if everything:
            return {chain.coop_a.pk, chain.coop_b.pk}
        return {coop} if coop else set()
    raise AssertionError(what)


READS: dict[str, Callable[[Any], QuerySet[Any]]] = {
    "weighings": selectors.weighings_visible,
    "points": selectors.points_visible,
    "members": lambda actor: selectors.memberships_visible(actor).values_list(
        "household_id", flat=True
    ),
    "cooperatives": selectors.cooperatives_visible,
}


@pytest.mark.parametrize("role", ["district", "clerk_a", "clerk_b", "unbound", "town", "security"])
@pytest.mark.parametrize("what", list(READS))
def test_each_role_sees_exactly_its_books(chain: Chain, role: str, what: str) -> None:
    got = READS[what](chain.users[role])
    ids = set(got) if what == "members" else set(got.values_list("pk", flat=True))

    assert ids == _oracle(chain, role, what)


def test_an_enterprise_clerk_sees_its_agreements_not_the_households(chain: Chain) -> None:
    clerk = chain.users["enterprise"]

    assert not selectors.weighings_visible(clerk).exists()
    assert not selectors.memberships_visible(clerk).exists()
    assert set(selectors.enterprises_visible(clerk)) == {chain.enterprise}
    books = selectors.books_of(clerk)
    assert books.owners == frozenset({("enterprise", chain.enterprise.pk)})
    assert not accounts_visible(books).filter(owner_type="cooperative").exists()


def test_the_scope_of_a_clerk_is_its_binding_and_nothing_else(chain: Chain) -> None:
    # the oracle test above would pass for "everyone sees everything" only for district staff
    assert selectors.industry_scope(chain.users["clerk_a"]).cooperative_id == chain.coop_a.pk
    assert selectors.industry_scope(chain.users["unbound"]).empty
    assert selectors.industry_scope(chain.users["town"]).empty
    assert selectors.industry_scope(chain.users["district"]).county_code == "500102"
