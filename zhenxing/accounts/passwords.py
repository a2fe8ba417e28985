"""Password rules (security.md A2, A8). Each validator answers in Chinese and English.

A passphrase of 20+ characters need not mix character classes, but no password may be a run
or a repeated pattern, a sequence (`abcde`, `54321`, keyboard rows), a common password with
separators or trimmings, or a handful of common words said again; and none of an account's
last five passwords may come back.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator as _DjangoCommon
from django.core.exceptions import ValidationError

from zhenxing.accounts.models import username_key

MIN_LENGTH = 12
MAX_LENGTH = 128
# A passphrase this long is strong by length alone; it need not mix character classes.
PASSPHRASE_LENGTH = 20
# A8: this many of an account's latest passwords cannot be used again.
HISTORY_DEPTH = 5
# The longest run of one character, and the fewest different characters, a password may have.
MAX_RUN = 3
MIN_DISTINCT = 5
# A sequence this long (`abcde`, `98765`, `asdfg`) refuses a password.
SEQUENCE_LENGTH = 5
# A passphrase made only of common words needs at least this many different ones.
MIN_COMMON_WORDS = 4

_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "zxcvbnm,./",
)
_WINDOWS = frozenset(
    seq[i : i + SEQUENCE_LENGTH]
    for base in _SEQUENCES
    for seq in (base, base[::-1])
    for i in range(len(seq) - SEQUENCE_LENGTH + 1)
)
_SEPARATORS = re.compile(r"[\W_]+")
_WORDS = re.compile(r"[^\W\d_]{3,}")
_RUN = re.compile(rf"(.)\1{{{MAX_RUN},}}", re.DOTALL)


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def _period(text: str) -> int:
    """The shortest p such that text[i] == text[i + p] throughout (KMP failure function)."""
    fail = [0] * len(text)
    k = 0
    for i in range(1, len(text)):
        while k and text[i] != text[k]:
            k = fail[k - 1]
        if text[i] == text[k]:
            k += 1
        fail[i] = k
    return len(text) - (fail[-1] if text else 0)


def is_repetitive(password: str) -> bool:
    """A run (`aaaa`), too few different characters, or one unit said again (`abcabc`,
    `Ab1!Ab1!`, `love you love you`)."""
    folded = password.casefold()
    if _RUN.search(folded) or len(set(folded)) < MIN_DISTINCT:
        return True
    bare = _SEPARATORS.sub("", folded)
    return len(bare) >= 4 and _period(bare) <= len(bare) // 2


def has_sequence(password: str) -> bool:
    folded = password.casefold()
    return any(
        folded[i : i + SEQUENCE_LENGTH] in _WINDOWS
        for i in range(len(folded) - SEQUENCE_LENGTH + 1)
    )


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                f"密码至少 {MIN_LENGTH} 个字符 / A password needs at least {MIN_LENGTH} characters",
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                f"密码最多 {MAX_LENGTH} 个字符 / A password may have at most {MAX_LENGTH}"
                " characters",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"至少 {MIN_LENGTH} 个字符 / at least {MIN_LENGTH} characters"


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < PASSPHRASE_LENGTH and character_classes(password) < 3:
            raise ValidationError(
                "密码须包含小写字母、大写字母、数字、符号中的至少三类"
                f"（{PASSPHRASE_LENGTH} 个字符以上的口令短语除外）"
                " / A password needs at least three of: lower case, upper case, digits,"
                f" symbols (passphrases of {PASSPHRASE_LENGTH}+ characters are exempt)",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return "至少三类字符 / three character classes"


class RepetitionValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if is_repetitive(password):
            raise ValidationError(
                f"密码不能有连续 {MAX_RUN + 1} 个相同字符、重复的片段或少于 {MIN_DISTINCT} 种字符"
                f" / A password must not hold {MAX_RUN + 1} equal characters in a row, a"
                f" repeated pattern, or fewer than {MIN_DISTINCT} different characters",
                code="password_repeated",
            )

    def get_help_text(self) -> str:
        return "无重复字符或片段 / no repeated characters or patterns"


class SequenceValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if has_sequence(password):
            raise ValidationError(
                f"密码不能包含 {SEQUENCE_LENGTH} 个以上连续的字母、数字或键盘按键"
                f"（如 abcde、12345、qwert） / A password must not hold a sequence of"
                f" {SEQUENCE_LENGTH} letters, digits or keyboard keys (such as abcde, 12345,"
                " qwert)",
                code="password_sequence",
            )

    def get_help_text(self) -> str:
        return "无连续字符 / no sequences"


class CommonPasswordValidator(_DjangoCommon):
    """The common-password list, also with separators, trimmings and words said again."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                "该密码过于常见 / This password is too common", code="password_too_common"
            )
        if self.is_dictionary_passphrase(password):
            raise ValidationError(
                "密码由常见密码或常用词拼成，请换用更多不同的词或随机字符 / This password is"
                " made of common passwords or words: use more different words or random"
                " characters",
                code="password_dictionary",
            )

    def is_dictionary_passphrase(self, password: str) -> bool:
        folded = password.casefold()
        bare = _SEPARATORS.sub("", folded)
        core = bare.strip("0123456789")
        if bare in self.passwords or (len(core) >= 4 and core in self.passwords):
            return True
        words = _WORDS.findall(folded)
        if len(words) >= 3 and 2 * len(set(words)) <= len(words):
            return True  # half the words or more are repeats
        distinct = set(words)
        leftover = _WORDS.sub("", _SEPARATORS.sub("", folded)).strip("0123456789")
        return (
            len(password) >= PASSPHRASE_LENGTH
            and bool(distinct)
            and not leftover
            and all(w in self.passwords for w in distinct)
            and len(distinct) < MIN_COMMON_WORDS
        )


class UsernameInPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        name = username_key(getattr(user, "username", "") or "")
        if len(name) >= 3 and name in username_key(password):
            raise ValidationError(
                "密码不能包含用户名 / A password must not contain the user name",
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return "不含用户名 / not containing the user name"


class PasswordHistoryValidator:
    """A8: none of the account's last `HISTORY_DEPTH` passwords (the current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from zhenxing.accounts.models import PasswordHistory

        recent = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                :HISTORY_DEPTH
            ]
        )
        if user.password:
            recent.append(user.password)
        if any(encoded and check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                f"不能使用最近 {HISTORY_DEPTH} 次用过的密码 / A password may not be one of the"
                f" last {HISTORY_DEPTH} used",
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Django calls this after saving a new password: keep its hash, and only the last few."""
        if user is None or getattr(user, "pk", None) is None:
            return
        from zhenxing.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            HISTORY_DEPTH:
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"不同于最近 {HISTORY_DEPTH} 次的密码 / not one of the last {HISTORY_DEPTH}"
