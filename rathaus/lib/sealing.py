"""Secrets at rest (private keys, passwords, the platforms' tokens, two-factor secrets),
sealed with Fernet (AES-128-CBC + HMAC-SHA256) from the maintained ``cryptography`` package,
and tokens that are only compared, stored as their SHA-256 digest.

Several keys may be given: the first seals, all of them open, so keys can be rotated —
add a new key in front, re-seal (``manage.py reseal``), then drop the old one.

Every value is sealed, whatever it looks like: a secret that happens to begin with the
prefix is sealed like any other (it used to be stored as it was, and then failed to open).
Opening expects a sealed value; values stored in plain before sealing existed are sealed
by data migrations (``offices/sealed.py``: ``seal_plain_values``), so a plain value in a
sealed column is an error, never mistaken for a secret.
"""

from __future__ import annotations

import hashlib
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "sealed:"
# What Fernet writes: version byte 0x80, so url-safe base64 beginning "gAAAAA".
_FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_-]+=*")
_MISSING_KEY = (
    "a stored secret cannot be opened with the configured keys "
    "(RATHAUS_ENCRYPTION_KEYS): was a key removed before re-sealing?"
)


class SealingError(ValueError):
    """A sealed value none of the keys opens: a key is missing from the settings."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def check_keys(keys: list[str]) -> None:
    """Raise ValueError unless every key is a Fernet key (32 bytes, url-safe base64)."""
    if not keys:
        raise ValueError("at least one key is needed")
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ValueError(f"key {number} is not a Fernet key (32 bytes, base64)") from None


def _keys(keys: list[str]) -> MultiFernet:
    if not keys:
        raise SealingError("no encryption key configured")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def seal(text: str, keys: list[str]) -> str:
    """The text sealed with the first key; only the empty text stays as it is (a sealed
    value is never empty, so an empty column is unambiguous)."""
    if text == "":
        return text
    return PREFIX + _keys(keys).encrypt(text.encode()).decode()


def unseal(value: str, keys: list[str]) -> str:
    if value == "":
        return value
    if not value.startswith(PREFIX):
        raise SealingError("a value in a sealed column was never sealed")
    try:
        return _keys(keys).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SealingError(_MISSING_KEY) from None


def opens(value: str, keys: list[str]) -> bool:
    """Whether ``value`` is a sealed value, for data migrations that find plain values
    among sealed ones. A value that looks sealed but opens with no key raises
    SealingError: sealing it again would lose it for good once the key is found."""
    if not value.startswith(PREFIX):
        return False
    try:
        unseal(value, keys)
    except SealingError:
        if _FERNET_TOKEN.fullmatch(value[len(PREFIX) :]):
            raise SealingError(_MISSING_KEY) from None
        return False  # a plain secret that merely starts with the prefix
    return True


def reseal(value: str, keys: list[str]) -> str:
    """The same sealed secret sealed with the first key."""
    if not value:
        return value
    if not value.startswith(PREFIX):
        raise SealingError("a value in a sealed column was never sealed")
    return PREFIX + _keys(keys).rotate(value[len(PREFIX) :].encode()).decode()


def digest(token: str) -> str:
    """What is stored of a token that is only ever compared (a push address's token): its
    SHA-256. The tokens are 256 random bits, so a plain hash cannot be reversed, and it
    does not change when the signing key does."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_digest(value: str) -> bool:
    """Whether a stored value is already a digest (64 lowercase hex digits) rather than a
    token stored in plain before (``secrets.token_urlsafe(32)``: 43 characters)."""
    return bool(re.fullmatch(r"[0-9a-f]{64}", value))
