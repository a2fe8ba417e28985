"""A2: the password rules, as a table against the configured validators; A8: the last five
passwords cannot come back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from zhenxing.accounts.models import User

USERNAME = "Zhangwei"
PASSPHRASE_64 = "stones under the old bridge where the willow trees sway each day"
# 128 characters of every class with no run, sequence or repeated pattern (length boundaries).
MIXED_128 = (
    "Tq7#mLp2vX9!zrKw4$nBd8&hJs3@fYc6*gUe5^aRo1%iWx0(kNy7)bVt2+pMq9=uHz4?jSd8~cLw3"
    "[eGr6]oPa1{xFn5}iTk0;mBv7:hQy2<sJu9>dZc4,wEo8.lAg3/"
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{4,}")


def _refusals(password: str) -> set[str]:
    try:
        validate_password(password, User(username=USERNAME))
    except ValidationError as exc:
        return {str(error.code) for error in exc.error_list}
    return set()


def test_the_fixtures_have_their_lengths() -> None:
    assert (len(PASSPHRASE_64), len(MIXED_128)) == (64, 128)


@pytest.mark.parametrize(
    ("password", "refused_as"),
    [
        # length
        ("Ab1!xyz9", {"password_too_short"}),
        ("Ab1!xyz9kLm", {"password_too_short"}),  # 11
        ("Ab1!xyz9kLmq", set()),  # exactly 12
        (MIXED_128, set()),  # exactly 128
        (MIXED_128 + "x", {"password_too_long"}),  # 129
        # character classes (fewer than 3 of 4, and shorter than a passphrase)
        ("abcdefgh12345", {"password_classes", "password_sequence", "password_dictionary"}),
        ("ABCDEFGH!@#$%", {"password_classes", "password_sequence", "password_dictionary"}),
        ("kqzvmwlxrptn", {"password_classes"}),  # one class, 12 characters
        ("kqzvmwlxrptnbdwgjhc", {"password_classes"}),  # 19: still too short to be exempt
        ("kqzvmwlxrptnbdwgjhcs", set()),  # 20: a passphrase needs no mix
        # common passwords (compared case-insensitively)
        ("Password1234", {"password_too_common"}),
        ("Qwertyuiop123", {"password_too_common", "password_sequence"}),
        # the user name, in any case or width
        ("ZHANGWEI#2024x", {"password_contains_username"}),
        ("my-zhangwei-Pw9", {"password_contains_username"}),
        ("ｚｈａｎｇｗｅｉ#2024X", {"password_contains_username"}),
        # A2 after review: 20+ characters skip the class rule, but not these
        ("aaaaaaaaaaaaaaaaaaaa", {"password_repeated"}),
        ("11111111111111111111", {"password_repeated"}),
        ("a" * 64, {"password_repeated"}),
        ("Tq7#mLp2vX9!zrrrrKw4", {"password_repeated"}),  # a run of four inside
        ("Ab1!" * 32, {"password_repeated"}),  # one unit said again
        ("xy12xy12xy12xy12xy12", {"password_repeated"}),
        ("abab1212abab1212ab", {"password_classes", "password_repeated"}),
        ("abcdefghijklmnopqrst", {"password_sequence"}),
        ("12345678901234567890", {"password_sequence", "password_repeated", "password_too_common"}),
        ("98765432109876543210", {"password_sequence", "password_repeated"}),
        ("zyxwvutsrqponmlkjihg", {"password_sequence"}),
        ("qwertyuiopasdfghjkl;", {"password_sequence"}),
        ("Zx!asdfghjkl;8vQm#pW", {"password_sequence"}),  # a keyboard row inside
        ("zaq!xsw@cde#vfr$bgt%", set()),  # keyboard columns are not rows: 20 chars, accepted
        ("password password password", {"password_repeated", "password_dictionary"}),
        ("password password password 7", {"password_dictionary"}),
        ("monkey monkey monkey dragon", {"password_dictionary"}),
        ("iloveyou iloveyou iloveyou", {"password_repeated", "password_dictionary"}),
        ("sunshine-dragon-2024!", {"password_dictionary"}),  # two common words and trimmings
        ("Pass-Word-1234", {"password_dictionary"}),  # a common password with separators
        ("!!Sunshine2024!!", {"password_dictionary"}),  # a common password trimmed
        ("shadow master dragon monkey", set()),  # four different common words: strong enough
        ("correct horse battery staple", set()),
        ("稻田边的老黄桷树下每天都有人喝茶聊天说笑", set()),  # a Chinese passphrase of 20
        ("稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻稻", {"password_repeated"}),
        # accepted
        (PASSPHRASE_64, set()),
        ("Tq7#mLp2vX9!", set()),
    ],
)
def test_password_rules(password: str, refused_as: set[str]) -> None:
    assert _refusals(password) == refused_as


@pytest.mark.parametrize(
    "password",
    [
        "Ab1!xyz9",
        MIXED_128 + "x",
        "abcdefgh12345",
        "Password1234",
        "ZHANGWEI#2024x",
        "aaaaaaaaaaaaaaaaaaaa",
        "qwertyuiopasdfghjkl;",
        "password password password",
    ],
)
def test_each_refusal_speaks_chinese_and_english(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username=USERNAME))

    for message in caught.value.messages:
        zh, sep, en = message.partition(" / ")
        assert sep, message
        assert CHINESE.search(zh), message
        assert ENGLISH.search(en), message


@pytest.mark.parametrize("password", ["aaaaaaaaaaaaaaaaaaaa", "11111111111111111111"])
def test_runs_pass_without_the_new_validators(
    settings: Any, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    """Guard removed: with only the rules from before the review (length, classes, the plain
    common list, the user name), 20 equal characters pass, so the table above depends on the
    new validators."""
    from zhenxing.accounts import passwords

    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": f"zhenxing.accounts.passwords.{name}"}
        for name in (
            "LengthValidator",
            "CharacterClassValidator",
            "CommonPasswordValidator",
            "UsernameInPasswordValidator",
        )
    ]
    monkeypatch.setattr(
        passwords.CommonPasswordValidator, "is_dictionary_passphrase", lambda self, pw: False
    )

    assert _refusals(password) == set()
