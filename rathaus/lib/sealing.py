"""Secrets at rest (private keys, passwords, later the platforms' tokens), sealed with
Fernet (AES-128-CBC + HMAC-SHA256) from the maintained ``cryptography`` package.

Several keys may be given: the first seals, all of them open, so keys can be rotated —
add a new key in front, re-seal (``manage.py reseal``), then drop the old one. A value
without the prefix is a plain value stored before sealing existed; it opens as it is.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "sealed:"


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
    if text == "" or text.startswith(PREFIX):
        return text
    return PREFIX + _keys(keys).encrypt(text.encode()).decode()


def unseal(value: str, keys: list[str]) -> str:
    if not value.startswith(PREFIX):
        return value
    try:
        return _keys(keys).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SealingError(
            "a stored secret cannot be opened with the configured keys "
            "(RATHAUS_ENCRYPTION_KEYS): was a key removed before re-sealing?"
        ) from None


def reseal(value: str, keys: list[str]) -> str:
    """The same secret sealed with the first key (or sealed at all, if it was plain)."""
    if not value:
        return value
    if not value.startswith(PREFIX):
        return seal(value, keys)
    return PREFIX + _keys(keys).rotate(value[len(PREFIX) :].encode()).decode()
