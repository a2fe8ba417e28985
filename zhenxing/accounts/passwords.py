"""Password rules (security.md A2). Each validator answers in Chinese and English."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator as _DjangoCommon
from django.core.exceptions import ValidationError

from zhenxing.accounts.models import username_key

MIN_LENGTH = 12
MAX_LENGTH = 128
# A passphrase this long is strong by length alone; it need not mix character classes.
PASSPHRASE_LENGTH = 20


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


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


class CommonPasswordValidator(_DjangoCommon):
    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                "该密码过于常见 / This password is too common", code="password_too_common"
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
