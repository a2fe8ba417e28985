"""Default display of personal numbers (security.md D2): masked unless a policy unmasks them.

Holds:
- `mask_id`: first 6 and last 4 of an 18-character ID number (`500102********1239`).
- `mask_phone`: first 3 and last 4 (`138****5678`, `023*****1234`).
- `mask_bank_account`: last 4 only (`***************1234`).

One style throughout: the masked text has the same length as the value, every hidden character
is `*`. A value shorter than the shortest valid form of its kind is masked completely, because
"first 6 + last 4" of a 12-character string would show most of it. The functions expect the
normalised values stored by services; they never raise, since a page must render whatever is
in the database.
"""

from __future__ import annotations

MASK = "*"

_ID_MIN, _ID_HEAD, _ID_TAIL = 18, 6, 4
_PHONE_MIN, _PHONE_HEAD, _PHONE_TAIL = 11, 3, 4
_BANK_MIN, _BANK_TAIL = 12, 4


def _mask(value: str, *, minimum: int, head: int, tail: int) -> str:
    if len(value) < minimum:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id(number: str) -> str:
    """`500102196503121239` → `500102********1239`; shorter than 18 → all `*`.

    A 15-digit legacy number is masked completely: its last four characters include the
    birth day.
    """
    return _mask(number, minimum=_ID_MIN, head=_ID_HEAD, tail=_ID_TAIL)


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`, `023-72221234` → `023*****1234`; shorter than 11 → all `*`."""
    return _mask(phone, minimum=_PHONE_MIN, head=_PHONE_HEAD, tail=_PHONE_TAIL)


def mask_bank_account(account: str) -> str:
    """`6217000012345671234` → `***************1234`; shorter than 12 → all `*`."""
    return _mask(account, minimum=_BANK_MIN, head=0, tail=_BANK_TAIL)
