"""One code per meaning: every refusal of the benefit chain names its own rule."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from zhenxing.core.errors import DomainError
from zhenxing.industry import services
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.tests.factories import Chain, at, build_chain

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_is_named_after_its_member_once_with_both_messages() -> None:
    codes = [member.code for member in IndustryErrorCode]

    assert len(codes) == len(set(codes))
    for member in IndustryErrorCode:
        assert member.code == f"industry.{member.name.lower()}"
        assert CJK.search(member.zh), member.name
        assert member.en, member.name
        assert not CJK.search(member.en), member.name


@pytest.fixture
def chain() -> Chain:
    return build_chain()


def _code(call: object, **kwargs: object) -> str:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)  # type: ignore[operator]
    return caught.value.code.code


def test_negative_delivery_costs_are_not_called_a_price(chain: Chain) -> None:
    order = services.order_agreement_sign(
        actor=None, season=chain.season, enterprise=chain.enterprise,
        cooperative=chain.coop_a, tonnes=D("100"), signed_on=date(2020, 9, 15),
    )  # fmt: skip

    code = _code(
        services.delivery_record, actor=chain.users["clerk_a"], agreement=order,
        client_id=uuid.uuid4(), delivered_at=at(21), net_kg=D("5000"), price=D("1500"),
        costs=D("-1"),
    )  # fmt: skip

    assert code == "industry.costs_negative"


def test_a_share_amount_that_is_not_above_zero_is_not_called_a_price(chain: Chain) -> None:
    code = _code(
        services.shareholding_add, actor=None, cooperative=chain.coop_a, household=chain.lu,
        source="cash", amount=D("0"), since=date(2020, 1, 1),
    )  # fmt: skip

    assert code == "industry.share_amount_not_positive"


def test_binding_an_account_that_is_no_clerk_says_so(chain: Chain) -> None:
    code = _code(
        services.clerk_bind, actor=None, user=chain.users["district"], cooperative=chain.coop_a
    )

    assert code == "industry.not_a_clerk"
