"""Encryption at rest and blind indexes for personal data fields (security.md D1).

Holds:
- `encrypt`, `decrypt`: AES-256-GCM or SM4-GCM, one text token per value, so it fits a TextField:
  `v<key version>:<base64url>` for AES-256-GCM, `v<key version>.sm4:<base64url>` for SM4-GCM.
  The caller's `context` (e.g. "households.member.id_number") is bound in as associated data,
  so a token copied into another column does not decrypt there.
- `CIPHERS`: the names `ZHENXING_DATA_CIPHER` may take.
- `blind_index`: HMAC-SHA256 (hex, 64 chars) of a normalised value, per context, for exact
  search and duplicate detection without decrypting the table.
- `Sealed`, `seal`: both at once, for a service writing `<name>_cipher` and `<name>_index`.
- `token_key_version`, `token_cipher`, `needs_rotation`, `reencrypt`: for a job that moves tokens
  to a new key or cipher.
- `CryptoErrorCode`, `DecryptionError`: a token that is malformed, from an unknown key, or fails
  authentication (tampered, wrong context, wrong key).

Keys come from settings, never from the database:
- `ZHENXING_DATA_KEY`: base64 of 32 bytes, the key new tokens are written with;
- `ZHENXING_DATA_KEY_VERSION` (optional, default 1): its number, written into each token;
- `ZHENXING_DATA_KEYS_RETIRED` (optional, default {}): {version: base64 key} of earlier keys,
  still read until a rotation job has re-encrypted every token (`needs_rotation`);
- `ZHENXING_DATA_CIPHER` (optional, default "aes-256-gcm"): the cipher new tokens are written
  with, "aes-256-gcm" or "sm4-gcm" (GB/T 32907 SM4 in GCM mode, as RFC 8998). Tokens of either
  kind always decrypt, whatever the setting, so switching needs no downtime; `needs_rotation`
  then names the tokens a job should rewrite. SM4 has a 128-bit key: it is derived from the
  version's data key with HKDF-SHA256 (its own label), so one key setting serves both ciphers
  and the two never use the same key bytes.
- `ZHENXING_INDEX_KEY`: base64 of 32 bytes, for blind indexes only. Changing it means
  recomputing every `_index` column (from the decrypted values); index values carry no version
  because they must compare equal as plain strings in SQL.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhenxing.core.errors import ErrorCode

_KEY_BYTES = 32
# 96-bit random nonces: NIST SP 800-38D's limit of 2^32 messages per key is far beyond a
# district register (a few million values), so no counter state is needed across processes.
_NONCE_BYTES = 12
_TAG_BYTES = 16
_TOKEN = re.compile(r"v([1-9][0-9]{0,5})(\.sm4)?:([A-Za-z0-9_-]+)")

CipherName = Literal["aes-256-gcm", "sm4-gcm"]
CIPHERS: tuple[CipherName, ...] = ("aes-256-gcm", "sm4-gcm")
_SUFFIX: dict[CipherName, str] = {"aes-256-gcm": "", "sm4-gcm": ".sm4"}


class CryptoErrorCode(ErrorCode):
    TOKEN_FORMAT = (
        "TOKEN_FORMAT",
        "加密数据格式不正确（{context}）",
        "The encrypted value is malformed ({context})",
    )
    TOKEN_KEY_UNKNOWN = (
        "TOKEN_KEY_UNKNOWN",
        "加密数据使用的密钥版本 v{version} 未配置（{context}）",
        "The encrypted value uses key version v{version}, which is not configured ({context})",
    )
    TOKEN_INTEGRITY = (
        "TOKEN_INTEGRITY",
        "加密数据完整性校验失败：已被改动、属于其他字段或密钥不符（{context}）",
        "The encrypted value failed authentication: altered, from another field, or a different "
        "key ({context})",
    )


class DecryptionError(Exception):
    """A token could not be decrypted. Not a user error: callers log it and answer 500.

    Deliberately not a `DomainError`, so a form or import that catches those does not show
    an integrity failure to a clerk as if it were a typo.
    """

    def __init__(self, code: CryptoErrorCode, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message_zh = code.zh.format(**params)
        self.message_en = code.en.format(**params)
        super().__init__(f"{self.message_zh} / {self.message_en}")


@dataclass(frozen=True, slots=True)
class Sealed:
    """What a service stores for one personal value: `<name>_cipher` and `<name>_index`."""

    cipher: str
    index: str


def _decode_key(value: object, setting: str) -> bytes:
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"{setting} must be a base64 string")
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting} is not valid base64") from exc
    if len(key) != _KEY_BYTES:
        raise ImproperlyConfigured(f"{setting} must decode to {_KEY_BYTES} bytes, not {len(key)}")
    return key


class _Aead(Protocol):
    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...
    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...


class _SM4GCM:
    """SM4-GCM with `AESGCM`'s interface: ciphertext and 16-byte tag in one byte string.

    `cryptography` has no SM4 AEAD class, but its `Cipher` runs SM4 in GCM mode through OpenSSL
    (checked against the RFC 8998 test vector in the tests).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        try:
            Cipher(algorithms.SM4(key), modes.GCM(bytes(_NONCE_BYTES))).encryptor()
        except UnsupportedAlgorithm as exc:
            raise ImproperlyConfigured(
                "ZHENXING_DATA_CIPHER=sm4-gcm, but this OpenSSL build has no SM4-GCM"
            ) from exc

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data or b"")
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        if len(data) < _TAG_BYTES:
            raise InvalidTag
        body, tag = data[:-_TAG_BYTES], data[-_TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated_data or b"")
        return decryptor.update(body) + decryptor.finalize()


def _sm4_key(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=b"zhenxing.sm4-gcm").derive(
        key
    )


# Keyed on the setting's text, so override_settings and a rotated key each get their own entry
# while the hot path pays one dict lookup instead of base64-decoding and key setup per value.
@functools.lru_cache(maxsize=16)
def _aead(key_b64: str, setting: str, cipher: CipherName = "aes-256-gcm") -> _Aead:
    key = _decode_key(key_b64, setting)
    if cipher == "sm4-gcm":
        return _SM4GCM(_sm4_key(key))
    return AESGCM(key)


@functools.lru_cache(maxsize=256)
def _index_subkey(key_b64: str, context: str) -> bytes:
    # One derived key per context (HMAC as a PRF, as in HKDF-Expand): the same phone number
    # gets unrelated index values in two columns, so indexes cannot be joined across tables.
    key = _decode_key(key_b64, "ZHENXING_INDEX_KEY")
    return hmac.digest(key, b"zhenxing.blind-index\x00" + context.encode("utf-8"), "sha256")


@functools.lru_cache(maxsize=256)
def _aad(version: int, context: str, cipher: CipherName = "aes-256-gcm") -> bytes:
    # The version and cipher are bound too, so rewriting a token's prefix cannot select another
    # key or cipher quietly.
    return f"zhenxing:v{version}{_SUFFIX[cipher]}:{context}".encode()


def _check_context(context: str) -> None:
    if not context:
        raise ValueError("an encryption context is required, e.g. 'households.member.id_number'")


def _current_version() -> int:
    version = getattr(settings, "ZHENXING_DATA_KEY_VERSION", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImproperlyConfigured("ZHENXING_DATA_KEY_VERSION must be a positive integer")
    return version


def _current_cipher() -> CipherName:
    cipher = getattr(settings, "ZHENXING_DATA_CIPHER", "aes-256-gcm")
    if cipher not in CIPHERS:
        raise ImproperlyConfigured(f"ZHENXING_DATA_CIPHER must be one of {', '.join(CIPHERS)}")
    return cipher


def _key_for_version(version: int, context: str, cipher: CipherName) -> _Aead:
    if version == _current_version():
        return _aead(settings.ZHENXING_DATA_KEY, "ZHENXING_DATA_KEY", cipher)
    retired = getattr(settings, "ZHENXING_DATA_KEYS_RETIRED", {})
    if not isinstance(retired, Mapping):
        raise ImproperlyConfigured("ZHENXING_DATA_KEYS_RETIRED must be a mapping")
    # Accept "2" as well as 2: a mapping parsed from an environment variable has string keys.
    key_b64 = retired.get(version, retired.get(str(version)))
    if key_b64 is None:
        raise DecryptionError(CryptoErrorCode.TOKEN_KEY_UNKNOWN, version=version, context=context)
    return _aead(key_b64, f"ZHENXING_DATA_KEYS_RETIRED[{version}]", cipher)


def encrypt(plaintext: str, *, context: str) -> str:
    """A fresh token for `plaintext` under the current key and cipher; never the same twice."""
    _check_context(context)
    version = _current_version()
    cipher = _current_cipher()
    aead = _aead(settings.ZHENXING_DATA_KEY, "ZHENXING_DATA_KEY", cipher)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), _aad(version, context, cipher))
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"v{version}{_SUFFIX[cipher]}:{body}"


def _parse(token: str, context: str) -> tuple[int, CipherName, bytes]:
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise DecryptionError(CryptoErrorCode.TOKEN_FORMAT, context=context)
    body = match[3]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError(CryptoErrorCode.TOKEN_FORMAT, context=context) from exc
    # base64 ignores the spare low bits of the last character; insisting on the canonical
    # spelling means any edit to a token is an error, not a silent synonym.
    canonical = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    if canonical != body or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError(CryptoErrorCode.TOKEN_FORMAT, context=context)
    return int(match[1]), "sm4-gcm" if match[2] else "aes-256-gcm", raw


def decrypt(token: str, *, context: str) -> str:
    """The plaintext of a token written by `encrypt` with the same context; else raises
    `DecryptionError`."""
    _check_context(context)
    version, cipher, raw = _parse(token, context)
    aead = _key_for_version(version, context, cipher)
    try:
        plaintext = aead.decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(version, context, cipher)
        )
    except InvalidTag as exc:
        raise DecryptionError(CryptoErrorCode.TOKEN_INTEGRITY, context=context) from exc
    return plaintext.decode("utf-8")


def blind_index(normalised_value: str, *, context: str) -> str:
    """64 hex characters, equal for equal values in the same context.

    Pass the normalised value (`normalise_id`, `normalise_phone`, ...): the index is exact, so
    "5001021965 03121239" and "500102196503121239" only match after normalising.
    """
    _check_context(context)
    subkey = _index_subkey(settings.ZHENXING_INDEX_KEY, context)
    return hmac.digest(subkey, normalised_value.encode("utf-8"), "sha256").hex()


def seal(normalised_value: str, *, context: str) -> Sealed:
    """Token and blind index of one value, as a service stores them side by side."""
    return Sealed(
        cipher=encrypt(normalised_value, context=context),
        index=blind_index(normalised_value, context=context),
    )


def token_key_version(token: str) -> int:
    """The key version a token was written with (without decrypting it)."""
    version, _, _ = _parse(token, context="?")
    return version


def token_cipher(token: str) -> CipherName:
    """The cipher a token was written with (without decrypting it)."""
    _, cipher, _ = _parse(token, context="?")
    return cipher


def needs_rotation(token: str) -> bool:
    """True when the token was written with a key or cipher other than the current ones."""
    version, cipher, _ = _parse(token, context="?")
    return version != _current_version() or cipher != _current_cipher()


def reencrypt(token: str, *, context: str) -> str:
    """The same plaintext under the current key and cipher; the index stays valid."""
    return encrypt(decrypt(token, context=context), context=context)
