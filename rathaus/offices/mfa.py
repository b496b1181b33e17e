"""Two-factor secrets at rest: allauth stores the TOTP secret and the seed of the recovery
codes in ``mfa_authenticator.data`` and passes them through its adapter's ``encrypt`` and
``decrypt``, which by default change nothing. Here they are sealed like every other secret
(``rathaus.lib.sealing``: Fernet with RATHAUS_ENCRYPTION_KEYS, rotated by ``reseal``)."""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from rathaus.lib import sealing

# Where allauth (65.x) keeps encrypted values in an authenticator's data, by type.
SEALED_KEYS = {"totp": ["secret"], "recovery_codes": ["seed"]}
SEALED_LISTS = {"recovery_codes": ["migrated_codes"]}


class SealingMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return sealing.seal(text, settings.ENCRYPTION_KEYS)

    def decrypt(self, encrypted_text: str) -> str:
        return sealing.unseal(encrypted_text, settings.ENCRYPTION_KEYS)


def _each_secret(kind: str, data: dict, change) -> dict:
    """``data`` with ``change`` applied to every secret an authenticator of this kind has."""
    data = dict(data)
    for name in SEALED_KEYS.get(kind, []):
        if isinstance(data.get(name), str) and data[name]:
            data[name] = change(data[name])
    for name in SEALED_LISTS.get(kind, []):
        if isinstance(data.get(name), list):
            data[name] = [change(value) if value else value for value in data[name]]
    return data


def seal_data(kind: str, data: dict) -> dict:
    """For the data migration: secrets stored in plain before are sealed, sealed ones
    stay as they are."""
    keys = settings.ENCRYPTION_KEYS

    def seal_plain(value: str) -> str:
        return value if sealing.opens(value, keys) else sealing.seal(value, keys)

    return _each_secret(kind, data, seal_plain)


def reseal_data(kind: str, data: dict) -> dict:
    """For ``manage.py reseal``: every secret sealed with the first key."""
    return _each_secret(kind, data, lambda value: sealing.reseal(value, settings.ENCRYPTION_KEYS))
