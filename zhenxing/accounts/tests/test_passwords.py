"""A2: the password rules, as a table against the configured validators."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from zhenxing.accounts.models import User

USERNAME = "Zhangwei"
PASSPHRASE_64 = "stones under the old bridge where the willow trees sway each day"

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{4,}")


def _refusals(password: str) -> set[str]:
    try:
        validate_password(password, User(username=USERNAME))
    except ValidationError as exc:
        return {str(error.code) for error in exc.error_list}
    return set()


def test_the_passphrase_fixture_is_64_characters() -> None:
    assert len(PASSPHRASE_64) == 64


@pytest.mark.parametrize(
    ("password", "refused_as"),
    [
        # length
        ("Ab1!xyz9", {"password_too_short"}),
        ("Ab1!xyz9kLm", {"password_too_short"}),  # 11
        ("Ab1!xyz9kLmq", set()),  # exactly 12
        ("Ab1!" * 32, set()),  # exactly 128
        ("Ab1!" * 32 + "x", {"password_too_long"}),  # 129
        ("Ab1!" * 33, {"password_too_long"}),
        # character classes (fewer than 3 of 4, and shorter than a passphrase)
        ("abcdefgh12345", {"password_classes"}),
        ("ABCDEFGH!@#$%", {"password_classes"}),
        ("kqzvmwlxrptn", {"password_classes"}),  # one class, 12 characters
        ("kqzvmwlxrptnbdfghjc", {"password_classes"}),  # 19: still too short to be exempt
        ("kqzvmwlxrptnbdfghjcs", set()),  # 20: a passphrase needs no mix
        # common passwords (compared case-insensitively)
        ("Password1234", {"password_too_common"}),
        ("Qwertyuiop123", {"password_too_common"}),
        # the user name, in any case or width
        ("ZHANGWEI#2024x", {"password_contains_username"}),
        ("my-zhangwei-Pw9", {"password_contains_username"}),
        ("ｚｈａｎｇｗｅｉ#2024X", {"password_contains_username"}),
        # accepted
        (PASSPHRASE_64, set()),
        ("Tq7#mLp2vX9!", set()),
    ],
)
def test_password_rules(password: str, refused_as: set[str]) -> None:
    assert _refusals(password) == refused_as


@pytest.mark.parametrize(
    "password",
    ["Ab1!xyz9", "Ab1!" * 33, "abcdefgh12345", "Password1234", "ZHANGWEI#2024x"],
)
def test_each_refusal_speaks_chinese_and_english(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username=USERNAME))

    for message in caught.value.messages:
        zh, sep, en = message.partition(" / ")
        assert sep, message
        assert CHINESE.search(zh), message
        assert ENGLISH.search(en), message
