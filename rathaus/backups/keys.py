"""The two keys an installation's data depends on, in the archive and back.

- ``ENCRYPTION_KEYS`` seal the secrets at rest (platform tokens, mailbox passwords, the
  Fediverse accounts' private keys, two-factor secrets, subscribers' link tokens): a
  database without them is a database whose connected accounts must all be connected
  again.
- ``SECRET_KEY`` signs sessions, the follow links mailed to citizens and the newsletter's
  bounce addresses: without it, logins end and links already sent stop working.

The archive holds the keys in effect when the backup ran, wherever they came from (the
data dir's key files or the environment). Restoring writes them as the new data dir's
key files; a key given in the environment there still wins, as at every start."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast

from rathaus.lib import sealing
from rathaus.lib.env import Env
from rathaus.offices.mfa import SEALED_KEYS, SEALED_LISTS
from rathaus.offices.sealed import sealed_fields

# The key files' names in the data dir (settings.py) and under keys/ in the archive.
SECRET_KEY = "secret_key"  # noqa: S105 – a file name
ENCRYPTION_KEYS = "encryption_keys"


def current() -> dict[str, str]:
    """The key files' contents, as ``lib.data_dir.secret_key`` and ``encryption_keys`` read
    them."""
    return {SECRET_KEY: settings.SECRET_KEY, ENCRYPTION_KEYS: ",".join(settings.ENCRYPTION_KEYS)}


def from_environment(name: str) -> str | None:
    """A key given as RATHAUS_<NAME> or RATHAUS_<NAME>_FILE: it overrides the key file."""
    return Env().secret(f"RATHAUS_{name.upper()}")


def write(data_dir: Path, name: str, value: str) -> None:
    """The key file ``name`` in the data dir, replaced as a whole (a reader never sees half
    a key), owner-only."""
    path = data_dir / name
    partial = path.with_name(f".{name}.partial")
    partial.write_text(value, encoding="utf-8")
    partial.chmod(0o600)
    os.replace(partial, path)


def parse(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def unopened(keys: list[str]) -> tuple[int, int]:
    """(sealed values stored, how many of them ``keys`` do not open). Read as stored, past
    the fields (which would open them with the keys this process started with)."""
    total = failed = 0
    for model, field in sealed_fields():
        raw = (
            model._default_manager.annotate(raw_value=Cast(field, models.TextField()))
            .exclude(raw_value="")
            .exclude(raw_value__isnull=True)
            .values_list("raw_value", flat=True)
        )
        for value in raw.iterator():
            total += 1
            failed += not _opens(value, keys)
    for value in _two_factor_secrets():
        total += 1
        failed += not _opens(value, keys)
    return total, failed


def _opens(value: str, keys: list[str]) -> bool:
    try:
        sealing.unseal(value, keys)
    except sealing.SealingError:
        return False
    return True


def _two_factor_secrets():
    """allauth keeps its sealed values inside a JSON column (``offices.mfa``)."""
    from allauth.mfa.models import Authenticator

    for kind, data in Authenticator.objects.values_list("type", "data").iterator():
        for name in SEALED_KEYS.get(kind, []):
            if isinstance(data.get(name), str) and data[name]:
                yield data[name]
        for name in SEALED_LISTS.get(kind, []):
            yield from (value for value in data.get(name) or [] if value)
