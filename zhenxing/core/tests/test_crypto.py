from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import secrets

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.core.crypto import (
    _SM4GCM,
    CryptoErrorCode,
    DecryptionError,
    Sealed,
    blind_index,
    decrypt,
    encrypt,
    needs_rotation,
    reencrypt,
    seal,
    token_cipher,
    token_key_version,
)

ID_CONTEXT = "households.member.id_number"
PHONE_CONTEXT = "households.member.phone"
NUMBER = "500102196503121239"
TOKEN_BODY = re.compile(r"v[1-9][0-9]*:[A-Za-z0-9_-]+")
SM4 = {"ZHENXING_DATA_CIPHER": "sm4-gcm"}


def fresh_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def failure(token: str, context: str = ID_CONTEXT) -> CryptoErrorCode:
    with pytest.raises(DecryptionError) as info:
        decrypt(token, context=context)
    return info.value.code


def test_settings_keys_are_separate_32_byte_keys() -> None:
    data_key = base64.b64decode(settings.ZHENXING_DATA_KEY)
    index_key = base64.b64decode(settings.ZHENXING_INDEX_KEY)
    assert len(data_key) == len(index_key) == 32
    assert data_key != index_key
    assert settings.ZHENXING_DATA_KEY != settings.SECRET_KEY


# --- encrypt / decrypt --------------------------------------------------------------------------


def test_round_trip_and_token_shape() -> None:
    token = encrypt(NUMBER, context=ID_CONTEXT)
    assert TOKEN_BODY.fullmatch(token)
    assert token.startswith("v1:")
    assert NUMBER not in token
    # 12-byte nonce + 18 bytes + 16-byte tag, base64 without padding: fits any TextField and
    # stays short enough to read in a SQL console.
    assert len(token) == 3 + 62
    assert decrypt(token, context=ID_CONTEXT) == NUMBER


def test_the_same_value_gives_a_new_token_each_time() -> None:
    tokens = {encrypt(NUMBER, context=ID_CONTEXT) for _ in range(20)}
    assert len(tokens) == 20


def test_a_token_does_not_decrypt_in_another_column() -> None:
    token = encrypt(NUMBER, context=ID_CONTEXT)
    assert failure(token, context=PHONE_CONTEXT) is CryptoErrorCode.TOKEN_INTEGRITY


def test_a_token_does_not_decrypt_under_another_key() -> None:
    token = encrypt(NUMBER, context=ID_CONTEXT)
    with override_settings(ZHENXING_DATA_KEY=fresh_key()):
        assert failure(token) is CryptoErrorCode.TOKEN_INTEGRITY


def test_every_single_character_edit_is_detected() -> None:
    # given
    token = encrypt(NUMBER, context=ID_CONTEXT)
    prefix = len("v1:")
    # when / then: each body character replaced by every other base64url character
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for pos in range(prefix, len(token)):
        for ch in alphabet:
            if ch != token[pos]:
                tampered = token[:pos] + ch + token[pos + 1 :]
                with pytest.raises(DecryptionError):
                    decrypt(tampered, context=ID_CONTEXT)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("", CryptoErrorCode.TOKEN_FORMAT),
        ("v1:", CryptoErrorCode.TOKEN_FORMAT),
        ("500102196503121239", CryptoErrorCode.TOKEN_FORMAT),  # plaintext left in the column
        ("v0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),
        ("v01:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),
        ("x1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),
        ("v1:AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),
        ("v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", CryptoErrorCode.TOKEN_FORMAT),
        ("v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),  # 4n+1
        ("v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_FORMAT),  # too short
        ("v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_INTEGRITY),
        ("v7:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CryptoErrorCode.TOKEN_KEY_UNKNOWN),
    ],
)
def test_malformed_tokens(token: str, code: CryptoErrorCode) -> None:
    assert failure(token) is code


def test_truncated_or_extended_tokens_fail() -> None:
    token = encrypt(NUMBER, context=ID_CONTEXT)
    for bad in (token[:-1], token[:-4], token + "A", token + "AAAA", token.replace("v1:", "v2:")):
        with pytest.raises(DecryptionError):
            decrypt(bad, context=ID_CONTEXT)


def test_decryption_error_is_not_a_domain_error_and_names_only_the_column() -> None:
    from zhenxing.core.errors import DomainError

    token = encrypt(NUMBER, context=ID_CONTEXT)
    with pytest.raises(DecryptionError) as info:
        decrypt(token, context=PHONE_CONTEXT)
    assert not isinstance(info.value, DomainError)
    assert PHONE_CONTEXT in str(info.value)
    assert NUMBER not in str(info.value)


def test_context_is_required() -> None:
    with pytest.raises(ValueError, match="context"):
        encrypt(NUMBER, context="")
    with pytest.raises(ValueError, match="context"):
        blind_index(NUMBER, context="")


@pytest.mark.parametrize(
    "bad_key",
    [
        base64.b64encode(b"short").decode(),
        base64.b64encode(secrets.token_bytes(16)).decode(),  # AES-128 is not what D1 asks
        "not base64 at all!",
        "",
    ],
)
def test_misconfigured_keys_are_refused(bad_key: str) -> None:
    with override_settings(ZHENXING_DATA_KEY=bad_key), pytest.raises(ImproperlyConfigured):
        encrypt(NUMBER, context=ID_CONTEXT)
    with override_settings(ZHENXING_INDEX_KEY=bad_key), pytest.raises(ImproperlyConfigured):
        blind_index(NUMBER, context=ID_CONTEXT)


# --- key rotation -----------------------------------------------------------------------------


def test_rotation_reads_old_tokens_and_rewrites_them_under_the_new_key() -> None:
    # given: a token written under key version 1
    old_key = settings.ZHENXING_DATA_KEY
    old_token = encrypt(NUMBER, context=ID_CONTEXT)
    assert token_key_version(old_token) == 1
    assert not needs_rotation(old_token)
    new_settings = {
        "ZHENXING_DATA_KEY": fresh_key(),
        "ZHENXING_DATA_KEY_VERSION": 2,
        "ZHENXING_DATA_KEYS_RETIRED": {1: old_key},
    }
    with override_settings(**new_settings):
        # when: version 2 becomes current and version 1 is retired
        assert needs_rotation(old_token)
        assert decrypt(old_token, context=ID_CONTEXT) == NUMBER
        new_token = reencrypt(old_token, context=ID_CONTEXT)
        # then
        assert new_token.startswith("v2:")
        assert not needs_rotation(new_token)
        assert decrypt(new_token, context=ID_CONTEXT) == NUMBER
    with override_settings(ZHENXING_DATA_KEY=new_settings["ZHENXING_DATA_KEY"]):
        # a version-2 token is unreadable where version 2 is not configured
        assert failure(new_token) is CryptoErrorCode.TOKEN_KEY_UNKNOWN
    with override_settings(**{**new_settings, "ZHENXING_DATA_KEYS_RETIRED": {}}):
        # once the old key is dropped, a token missed by the rotation job says so
        assert failure(old_token) is CryptoErrorCode.TOKEN_KEY_UNKNOWN


def test_retired_keys_may_be_given_with_string_versions() -> None:
    old_token = encrypt(NUMBER, context=ID_CONTEXT)
    retired = {"1": settings.ZHENXING_DATA_KEY}
    with override_settings(
        ZHENXING_DATA_KEY=fresh_key(),
        ZHENXING_DATA_KEY_VERSION=2,
        ZHENXING_DATA_KEYS_RETIRED=retired,
    ):
        assert decrypt(old_token, context=ID_CONTEXT) == NUMBER


def test_a_prefix_rewritten_to_another_configured_version_fails() -> None:
    # given: v1 and v2 both readable
    other_key = fresh_key()
    with override_settings(ZHENXING_DATA_KEYS_RETIRED={2: settings.ZHENXING_DATA_KEY}):
        token = encrypt(NUMBER, context=ID_CONTEXT)
        # when: the prefix is edited to point at v2, which has the very same key
        # then: the version is bound into the associated data, so it still fails
        assert failure("v2:" + token[3:]) is CryptoErrorCode.TOKEN_INTEGRITY
    with override_settings(ZHENXING_DATA_KEYS_RETIRED={2: other_key}):
        assert failure("v2:" + token[3:]) is CryptoErrorCode.TOKEN_INTEGRITY


# --- blind index --------------------------------------------------------------------------------


def test_blind_index_is_deterministic_hex_and_keyed() -> None:
    index = blind_index(NUMBER, context=ID_CONTEXT)
    assert index == blind_index(NUMBER, context=ID_CONTEXT)
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert index != hashlib.sha256(NUMBER.encode()).hexdigest()  # not guessable without the key
    assert index != blind_index(NUMBER, context=PHONE_CONTEXT)
    assert index != blind_index("500102198001010028", context=ID_CONTEXT)
    with override_settings(ZHENXING_INDEX_KEY=fresh_key()):
        assert blind_index(NUMBER, context=ID_CONTEXT) != index


def test_blind_index_does_not_depend_on_the_data_key() -> None:
    index = blind_index(NUMBER, context=ID_CONTEXT)
    with override_settings(ZHENXING_DATA_KEY=fresh_key(), ZHENXING_DATA_KEY_VERSION=2):
        assert blind_index(NUMBER, context=ID_CONTEXT) == index


def test_seal_gives_cipher_and_index() -> None:
    sealed = seal(NUMBER, context=ID_CONTEXT)
    assert isinstance(sealed, Sealed)
    assert decrypt(sealed.cipher, context=ID_CONTEXT) == NUMBER
    assert sealed.index == blind_index(NUMBER, context=ID_CONTEXT)
    assert NUMBER not in repr(sealed)


# --- properties -------------------------------------------------------------------------------

contexts = st.from_regex(r"[a-z_]{1,12}\.[a-z_]{1,12}\.[a-z_]{1,12}", fullmatch=True)


@given(st.text(), contexts)
def test_encrypt_decrypt_round_trips(plaintext: str, context: str) -> None:
    token = encrypt(plaintext, context=context)
    assert TOKEN_BODY.fullmatch(token)
    assert decrypt(token, context=context) == plaintext


@given(st.text(), contexts, contexts)
def test_wrong_context_fails(plaintext: str, context: str, other: str) -> None:
    if other != context:
        token = encrypt(plaintext, context=context)
        with pytest.raises(DecryptionError):
            decrypt(token, context=other)


@given(st.text(max_size=40), st.data())
def test_tampering_fails(plaintext: str, data: st.DataObject) -> None:
    token = encrypt(plaintext, context=ID_CONTEXT)
    raw = bytearray(base64.urlsafe_b64decode(token[3:] + "=" * (-len(token[3:]) % 4)))
    pos = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    raw[pos] ^= data.draw(st.integers(min_value=1, max_value=255))
    tampered = "v1:" + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        decrypt(tampered, context=ID_CONTEXT)


@given(st.from_regex(r"[0-9]{11,19}", fullmatch=True))
def test_plaintext_does_not_appear_in_the_token(digits: str) -> None:
    token = encrypt(digits, context=ID_CONTEXT)
    assert digits not in token
    body = token[3:]
    assert digits.encode() not in base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


@given(st.text(), contexts, contexts)
def test_blind_index_is_deterministic_and_differs_by_context(
    value: str, context: str, other: str
) -> None:
    index = blind_index(value, context=context)
    assert index == blind_index(value, context=context)
    if other != context:
        assert blind_index(value, context=other) != index


@given(st.text())
def test_arbitrary_text_as_a_token_raises_only_decryption_error(token: str) -> None:
    with contextlib.suppress(DecryptionError):
        decrypt(token, context=ID_CONTEXT)


# --- SM4-GCM beside AES-256-GCM (D1) ----------------------------------------------------------


def test_sm4_gcm_matches_the_rfc_8998_test_vector() -> None:
    # RFC 8998 appendix A.1 (SM4-GCM): key, IV, associated data, plaintext → ciphertext + tag.
    aead = _SM4GCM(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    expected = bytes.fromhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )
    assert aead.encrypt(nonce, plaintext, aad) == expected
    assert aead.decrypt(nonce, expected, aad) == plaintext


def test_sm4_round_trip_and_token_shape() -> None:
    with override_settings(**SM4):
        token = encrypt(NUMBER, context=ID_CONTEXT)
        assert re.fullmatch(r"v1\.sm4:[A-Za-z0-9_-]+", token)
        assert len(token) == len("v1.sm4:") + 62
        assert token_cipher(token) == "sm4-gcm"
        assert token_key_version(token) == 1
        assert NUMBER not in token
        assert decrypt(token, context=ID_CONTEXT) == NUMBER
        assert failure(token, context=PHONE_CONTEXT) is CryptoErrorCode.TOKEN_INTEGRITY
    assert token_cipher(encrypt(NUMBER, context=ID_CONTEXT)) == "aes-256-gcm"


def test_sm4_every_single_character_edit_is_detected() -> None:
    with override_settings(**SM4):
        token = encrypt(NUMBER, context=ID_CONTEXT)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        for pos in range(len("v1.sm4:"), len(token)):
            for ch in alphabet:
                if ch != token[pos]:
                    with pytest.raises(DecryptionError):
                        decrypt(token[:pos] + ch + token[pos + 1 :], context=ID_CONTEXT)


@given(st.text(max_size=40), st.data())
def test_sm4_tampering_fails(plaintext: str, data: st.DataObject) -> None:
    with override_settings(**SM4):
        token = encrypt(plaintext, context=ID_CONTEXT)
        body = token[len("v1.sm4:") :]
        raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        pos = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[pos] ^= data.draw(st.integers(min_value=1, max_value=255))
        tampered = "v1.sm4:" + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
        with pytest.raises(DecryptionError):
            decrypt(tampered, context=ID_CONTEXT)


@given(st.text(), contexts)
def test_sm4_encrypt_decrypt_round_trips(plaintext: str, context: str) -> None:
    with override_settings(**SM4):
        assert decrypt(encrypt(plaintext, context=context), context=context) == plaintext


def test_mixed_tokens_decrypt_whatever_cipher_is_chosen() -> None:
    # given: a column holding tokens of both kinds
    aes_token = encrypt(NUMBER, context=ID_CONTEXT)
    with override_settings(**SM4):
        sm4_token = encrypt(NUMBER, context=ID_CONTEXT)
    # when / then: either setting reads both, and names the other kind for rotation
    for cipher, stale in (("aes-256-gcm", sm4_token), ("sm4-gcm", aes_token)):
        with override_settings(ZHENXING_DATA_CIPHER=cipher):
            assert decrypt(aes_token, context=ID_CONTEXT) == NUMBER
            assert decrypt(sm4_token, context=ID_CONTEXT) == NUMBER
            assert needs_rotation(stale)
            fresh = reencrypt(stale, context=ID_CONTEXT)
            assert token_cipher(fresh) == cipher
            assert not needs_rotation(fresh)
            assert decrypt(fresh, context=ID_CONTEXT) == NUMBER


def test_a_cipher_suffix_added_or_removed_fails() -> None:
    aes_token = encrypt(NUMBER, context=ID_CONTEXT)
    with override_settings(**SM4):
        sm4_token = encrypt(NUMBER, context=ID_CONTEXT)
    assert failure("v1.sm4:" + aes_token[3:]) is CryptoErrorCode.TOKEN_INTEGRITY
    assert failure("v1:" + sm4_token[len("v1.sm4:") :]) is CryptoErrorCode.TOKEN_INTEGRITY
    assert failure("v1.aes:" + aes_token[3:]) is CryptoErrorCode.TOKEN_FORMAT


def test_sm4_tokens_of_a_retired_key_still_decrypt() -> None:
    old_key = settings.ZHENXING_DATA_KEY
    with override_settings(**SM4):
        old_token = encrypt(NUMBER, context=ID_CONTEXT)
    with override_settings(
        ZHENXING_DATA_KEY=fresh_key(),
        ZHENXING_DATA_KEY_VERSION=2,
        ZHENXING_DATA_KEYS_RETIRED={1: old_key},
    ):
        assert decrypt(old_token, context=ID_CONTEXT) == NUMBER
        assert reencrypt(old_token, context=ID_CONTEXT).startswith("v2:")
    with override_settings(ZHENXING_DATA_KEY=fresh_key(), **SM4):
        assert failure(old_token) is CryptoErrorCode.TOKEN_INTEGRITY


def test_blind_index_does_not_depend_on_the_cipher() -> None:
    index = blind_index(NUMBER, context=ID_CONTEXT)
    with override_settings(**SM4):
        assert blind_index(NUMBER, context=ID_CONTEXT) == index
        assert seal(NUMBER, context=ID_CONTEXT).index == index


@pytest.mark.parametrize("cipher", ["", "aes-128-gcm", "SM4", "des"])
def test_an_unknown_cipher_setting_is_refused(cipher: str) -> None:
    with override_settings(ZHENXING_DATA_CIPHER=cipher), pytest.raises(ImproperlyConfigured):
        encrypt(NUMBER, context=ID_CONTEXT)
