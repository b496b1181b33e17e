"""Private keys and passwords are sealed in the database, open in Python, and survive a
key rotation: add a key in front, re-seal, drop the old one."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from rathaus.federation.models import Account
from rathaus.lib import sealing
from rathaus.mail.models import Mailbox


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_seal_and_unseal_round_trip():
    key = sealing.new_key()
    sealed = sealing.seal("geheim", [key])
    assert sealed.startswith(sealing.PREFIX) and "geheim" not in sealed
    assert sealing.unseal(sealed, [key]) == "geheim"
    # Sealing never looks at what it seals: a sealed value sealed again opens to itself.
    assert sealing.unseal(sealing.seal(sealed, [key]), [key]) == sealed


def test_a_plain_value_is_refused_when_opened():
    # Plain values from before were sealed by the data migrations (offices 0004).
    with pytest.raises(sealing.SealingError):
        sealing.unseal("plain", [sealing.new_key()])


def test_a_missing_key_is_a_clear_error():
    sealed = sealing.seal("geheim", [sealing.new_key()])
    with pytest.raises(sealing.SealingError, match="RATHAUS_ENCRYPTION_KEYS"):
        sealing.unseal(sealed, [sealing.new_key()])


def test_rotation_keeps_old_values_readable_until_resealed():
    old, new = sealing.new_key(), sealing.new_key()
    sealed = sealing.seal("geheim", [old])
    assert sealing.unseal(sealed, [new, old]) == "geheim"
    resealed = sealing.reseal(sealed, [new, old])
    assert sealing.unseal(resealed, [new]) == "geheim"


def test_an_accounts_private_key_is_sealed_in_the_database(account):
    raw = _raw("federation_account", "private_key_pem", account.pk)
    assert raw.startswith(sealing.PREFIX)
    assert "PRIVATE KEY" not in raw
    assert Account.objects.get(pk=account.pk).private_key_pem.startswith("-----BEGIN PRIVATE KEY")


def test_a_mailbox_password_is_sealed_in_the_database(office):
    box = Mailbox.objects.create(
        office=office, address="post@mitte.example", imap_password="hunter2-geheim"
    )
    assert "hunter2" not in _raw("mail_mailbox", "imap_password", box.pk)
    assert Mailbox.objects.get(pk=box.pk).imap_password == "hunter2-geheim"


def test_reseal_moves_every_secret_to_the_new_first_key(account, office, settings):
    box = Mailbox.objects.create(office=office, address="p@mitte.example", imap_password="pw")
    old = settings.ENCRYPTION_KEYS[0]
    new = sealing.new_key()
    settings.ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("reseal", stdout=out)
    assert "federation.Account.private_key_pem: 1 sealed again" in out.getvalue()
    settings.ENCRYPTION_KEYS = [new]  # the old key is gone now
    assert Account.objects.get(pk=account.pk).private_key_pem.startswith("-----BEGIN")
    assert Mailbox.objects.get(pk=box.pk).imap_password == "pw"
