"""Secrets at rest (issue 10, item 5): what must be read back is sealed, what is only
compared (push and bounce tokens, the subscribers' link tokens) is stored as a hash.

Each test creates a secret the way the application does, reads the raw column with SQL
(no field conversion in between) and checks that the secret is not there, then uses the
secret the way its owner does (push, bounce, links from mails, TOTP login) to see that
it still works."""

import importlib
import json
import re
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from rathaus.lib import sealing, spam
from rathaus.mail.models import Mailbox
from rathaus.newsletter.models import NewsletterSettings, Subscriber
from rathaus.posts import lifecycle
from tests.helpers import PASSWORD, totp_code


def _raw_row(table: str, pk: int) -> str:
    """Every column of one row as the database holds it, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def _raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _write_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def _mail(subject="Laterne defekt") -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Anwohnerin <anna@example.org>"
    message["To"] = "buergeranfragen@mitte.example"
    message["Subject"] = subject
    message["Message-ID"] = "<q1@example.org>"
    message.set_content("Die Laterne vor Hausnummer 4 ist seit einer Woche aus.")
    return message.as_bytes(policy=SMTP)


def _push(client, token: str, raw: bytes):
    return client.post(f"/mail/eingang/{token}/", data=raw, content_type="message/rfc822")


# --- Sealing itself ---------------------------------------------------------------------


def test_a_secret_that_looks_sealed_is_sealed_all_the_same():
    key = sealing.new_key()
    looks_sealed = "sealed:hunter2"
    stored = sealing.seal(looks_sealed, [key])
    assert stored != looks_sealed and "hunter2" not in stored
    assert sealing.unseal(stored, [key]) == looks_sealed


def test_reading_a_value_that_was_never_sealed_is_refused():
    # After the data migration every stored value is sealed: a plain one is not trusted.
    with pytest.raises(sealing.SealingError):
        sealing.unseal("plain", [sealing.new_key()])


def test_a_mailbox_password_that_starts_like_a_sealed_value_round_trips(admin_site_as, office):
    box = Mailbox.objects.create(
        office=office,
        address="buergeranfragen@mitte.example",
        imap_host="imap.mitte.example",
        imap_username="u",
        imap_password="sealed:hunter2",
    )
    raw = _raw("mail_mailbox", "imap_password", box.pk)
    assert "hunter2" not in raw
    assert Mailbox.objects.get(pk=box.pk).imap_password == "sealed:hunter2"
    admin = admin_site_as("mail")
    assert admin.get("/admin/mail/mailbox/").status_code == 200
    assert admin.get(f"/admin/mail/mailbox/{box.pk}/change/").status_code == 200


def test_the_push_endpoint_answers_for_a_mailbox_with_such_a_password(client, office):
    box = Mailbox.objects.create(
        office=office, address="buergeranfragen@mitte.example", imap_password="sealed:x"
    )
    assert _push(client, box.token, _mail()).status_code == 202


def test_the_data_migration_seals_plain_values_and_leaves_sealed_ones(office):
    plain = Mailbox.objects.create(office=office, address="a@mitte.example", imap_password="x")
    tricky = Mailbox.objects.create(office=office, address="b@mitte.example", imap_password="y")
    sealed = Mailbox.objects.create(office=office, address="c@mitte.example", imap_password="z")
    _write_raw("mail_mailbox", "imap_password", plain.pk, "old-plain-password")
    # What the old code stored unencrypted: a password that happened to carry the prefix.
    _write_raw("mail_mailbox", "imap_password", tricky.pk, "sealed:not-a-fernet-token")
    before = _raw("mail_mailbox", "imap_password", sealed.pk)
    migration = importlib.import_module("rathaus.offices.migrations.0004_seal_stored_secrets")
    migration.seal_stored(apps, None)
    assert "old-plain" not in _raw("mail_mailbox", "imap_password", plain.pk)
    assert "not-a-fernet" not in _raw("mail_mailbox", "imap_password", tricky.pk)
    assert _raw("mail_mailbox", "imap_password", sealed.pk) == before  # not sealed twice
    assert Mailbox.objects.get(pk=plain.pk).imap_password == "old-plain-password"
    assert Mailbox.objects.get(pk=tricky.pk).imap_password == "sealed:not-a-fernet-token"
    assert Mailbox.objects.get(pk=sealed.pk).imap_password == "z"


def test_the_data_migration_stops_at_a_value_sealed_with_a_missing_key(office):
    box = Mailbox.objects.create(office=office, address="a@mitte.example", imap_password="x")
    foreign = sealing.seal("geheim", [sealing.new_key()])
    _write_raw("mail_mailbox", "imap_password", box.pk, foreign)
    migration = importlib.import_module("rathaus.offices.migrations.0004_seal_stored_secrets")
    with pytest.raises(sealing.SealingError, match="RATHAUS_ENCRYPTION_KEYS"):
        migration.seal_stored(apps, None)
    assert _raw("mail_mailbox", "imap_password", box.pk) == foreign  # not sealed again


# --- Mail push token --------------------------------------------------------------------


def test_the_push_token_is_stored_as_a_hash_and_still_works(client, office):
    box = Mailbox.objects.create(office=office, address="buergeranfragen@mitte.example")
    token = box.token
    assert len(token) >= 40
    assert token not in _raw_row("mail_mailbox", box.pk)
    fresh = Mailbox.objects.get(pk=box.pk)
    assert not getattr(fresh, "token", None)  # the plain token is not there to read back
    assert _push(client, token, _mail()).status_code == 202
    assert _push(client, token[:-1], _mail()).status_code == 404


def test_an_old_plain_push_token_keeps_working_after_the_migration(client, office):
    box = Mailbox.objects.create(office=office, address="buergeranfragen@mitte.example")
    _write_raw("mail_mailbox", "token_hash", box.pk, "old-plain-token-from-before")
    migration = importlib.import_module("rathaus.mail.migrations.0003_push_token_hashed")
    migration.hash_tokens(apps, None)
    assert "old-plain-token" not in _raw_row("mail_mailbox", box.pk)
    assert _push(client, "old-plain-token-from-before", _mail()).status_code == 202


def test_the_admin_shows_the_push_address_once_after_creating_and_after_renewal(
    admin_site_as, office, other_office
):
    admin = admin_site_as("mail")
    data = {
        "office": office.pk,
        "address": "neu@mitte.example",
        "active": "on",
        "imap_security": "ssl",
        "imap_folder": "INBOX",
    }
    added = admin.post("/admin/mail/mailbox/add/", data, follow=True)
    shown = re.search(r"/mail/eingang/([^/\s<\"]+)/", added.text)
    assert shown is not None
    box = Mailbox.objects.get(address="neu@mitte.example")
    assert _push(admin, shown.group(1), _mail()).status_code == 202
    # Later pages cannot show it any more: only a hash is kept.
    assert "/mail/eingang/" not in admin.get(f"/admin/mail/mailbox/{box.pk}/change/").text

    theirs = Mailbox.objects.create(office=other_office, address="post@nord.example")
    theirs_token = theirs.token
    renewed = admin.post(
        "/admin/mail/mailbox/",
        {"action": "new_push_token", "_selected_action": [box.pk, theirs.pk]},
        follow=True,
    )
    new = re.findall(r"/mail/eingang/([^/\s<\"]+)/", renewed.text)
    assert len(new) == 1 and new[0] != shown.group(1)
    assert _push(admin, shown.group(1), _mail("Zweite")).status_code == 404
    assert _push(admin, new[0], _mail("Dritte")).status_code == 202
    assert _push(admin, theirs_token, _mail("Nord")).status_code == 202  # out of reach


# --- Newsletter bounce token ------------------------------------------------------------


def test_the_bounce_token_is_stored_as_a_hash_and_still_works(client, office):
    newsletter = NewsletterSettings.objects.create(office=office, enabled=True)
    token = newsletter.bounce_token
    assert len(token) >= 40
    assert token not in _raw_row("newsletter_newslettersettings", newsletter.pk)
    path = f"/newsletter/bounces/{token}/"
    assert client.post(path, data=b"Subject: hi\r\n\r\nhi", content_type="message/rfc822").json()
    wrong = client.post(path[:-2] + "/", data=b"x", content_type="message/rfc822")
    assert wrong.status_code == 404


def test_an_old_plain_bounce_token_keeps_working_after_the_migration(client, office):
    newsletter = NewsletterSettings.objects.create(office=office, enabled=True)
    _write_raw("newsletter_newslettersettings", "bounce_token_hash", newsletter.pk, "old-bounce")
    migration = importlib.import_module("rathaus.newsletter.migrations.0002_tokens_hashed")
    migration.hash_tokens(apps, None)
    assert "old-bounce" not in _raw_row("newsletter_newslettersettings", newsletter.pk)
    answer = client.post(
        "/newsletter/bounces/old-bounce/", data=b"Subject: x\r\n\r\nx", content_type="text/plain"
    )
    assert answer.status_code == 202


def test_the_admin_shows_the_bounce_address_once_and_renews_it(admin_site_as, office):
    admin = admin_site_as("newsletter")
    added = admin.post(
        "/admin/newsletter/newslettersettings/add/",
        {"office": office.pk, "enabled": "on", "footer": "Impressum"},
        follow=True,
    )
    shown = re.search(r"/newsletter/bounces/([^/\s<\"]+)/", added.text)
    assert shown is not None
    newsletter = NewsletterSettings.objects.get(office=office)
    page = admin.get(f"/admin/newsletter/newslettersettings/{newsletter.pk}/change/")
    assert shown.group(1) not in page.text
    renewed = admin.post(
        "/admin/newsletter/newslettersettings/",
        {"action": "new_bounce_token", "_selected_action": [newsletter.pk]},
        follow=True,
    )
    new = re.search(r"/newsletter/bounces/([^/\s<\"]+)/", renewed.text)
    assert new is not None and new.group(1) != shown.group(1)
    body = {"data": b"Subject: x\r\n\r\nx", "content_type": "text/plain"}
    assert admin.post(f"/newsletter/bounces/{shown.group(1)}/", **body).status_code == 404
    assert admin.post(f"/newsletter/bounces/{new.group(1)}/", **body).status_code == 202


# --- Subscriber tokens ------------------------------------------------------------------


def _subscribe(client, capture):
    with capture(execute=True):
        client.post(
            "/mitte/newsletter/",
            {"email": "anna@example.org", "categories": ["notice"], "nonce": spam.new_nonce()},
        )
    return re.search(r"https://\S+?(/mitte/newsletter/bestaetigen/\S+/)", mail.outbox[-1].body)


def test_subscriber_tokens_are_not_in_the_database_and_the_links_work(
    client, office, editor, approver, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    link = _subscribe(client, django_capture_on_commit_callbacks)
    subscriber = Subscriber.objects.get()
    token = link.group(1).rstrip("/").rpartition("/")[2]
    assert token not in _raw_row("newsletter_subscriber", subscriber.pk)
    client.post(link.group(1))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    post = lifecycle.create_draft(
        office, by=editor, title="Baumfällung", body="Am Montag.", category="notice"
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    issue = mail.outbox[-1]
    assert issue.subject == "Baumfällung"
    manage = re.search(r"https://\S+?(/mitte/newsletter/abmelden/\S+/)", issue.body).group(1)
    manage_token = manage.rstrip("/").rpartition("/")[2]
    assert manage_token not in _raw_row("newsletter_subscriber", subscriber.pk)
    assert client.get(manage).status_code == 200
    client.post(manage, {"unsubscribe": "1"})
    assert not Subscriber.objects.exists()


def test_an_old_plain_subscriber_token_keeps_working_after_the_migration(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    subscriber = Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )
    _write_raw("newsletter_subscriber", "token_hash", subscriber.pk, "old-subscriber-token")
    migration = importlib.import_module("rathaus.newsletter.migrations.0002_tokens_hashed")
    migration.hash_tokens(apps, None)
    assert "old-subscriber-token" not in _raw_row("newsletter_subscriber", subscriber.pk)
    assert Subscriber.objects.get().token == "old-subscriber-token"  # later mails: same link
    page = client.get("/mitte/newsletter/abmelden/old-subscriber-token/")
    assert page.status_code == 200


def test_a_token_of_another_office_opens_nothing(client, office, other_office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    subscriber = Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )
    assert client.get(f"/mitte/newsletter/abmelden/{subscriber.token}/").status_code == 200
    other = client.get(f"/{other_office.slug}/newsletter/abmelden/{subscriber.token}/")
    assert other.status_code == 404


# --- Two-factor secrets (allauth) -------------------------------------------------------


def test_the_totp_secret_is_sealed_and_login_still_works(client, office, approver):
    secret = generate_totp_secret()
    authenticator = TOTP.activate(approver, secret).instance
    raw = _raw("mfa_authenticator", "data", authenticator.pk)
    assert secret not in str(raw)
    stored = json.loads(raw) if isinstance(raw, str) else raw
    assert sealing.unseal(stored["secret"], settings.ENCRYPTION_KEYS) == secret
    client.post(reverse("account_login"), {"login": approver.username, "password": PASSWORD})
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200


def test_the_recovery_code_seed_is_sealed_and_a_code_still_logs_in(client, office, approver):
    TOTP.activate(approver, generate_totp_secret())
    codes = RecoveryCodes.activate(approver)
    raw = str(_raw("mfa_authenticator", "data", codes.instance.pk))
    assert "seed" in raw and sealing.PREFIX in raw
    seed = sealing.unseal(json.loads(raw)["seed"], settings.ENCRYPTION_KEYS)
    assert seed not in raw
    client.post(reverse("account_login"), {"login": approver.username, "password": PASSWORD})
    code = codes.get_unused_codes()[0]
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200


def test_the_data_migration_seals_existing_two_factor_secrets(client, office, approver):
    secret = generate_totp_secret()
    totp = Authenticator.objects.create(
        user=approver, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    recovery = Authenticator.objects.create(
        user=approver,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    migration = importlib.import_module("rathaus.offices.migrations.0004_seal_stored_secrets")
    migration.seal_stored(apps, None)
    migration.seal_stored(apps, None)  # running twice seals nothing twice
    assert secret not in str(_raw("mfa_authenticator", "data", totp.pk))
    raw_recovery = str(_raw("mfa_authenticator", "data", recovery.pk))
    assert "ab" * 40 not in raw_recovery and "12345678" not in raw_recovery
    assert RecoveryCodes(Authenticator.objects.get(pk=recovery.pk)).generate_codes() == ["12345678"]
    client.post(reverse("account_login"), {"login": approver.username, "password": PASSWORD})
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302


def test_reseal_moves_two_factor_secrets_to_the_new_key(client, office, approver, settings):
    import io

    from django.core.management import call_command

    secret = generate_totp_secret()
    TOTP.activate(approver, secret)
    old, new = settings.ENCRYPTION_KEYS[0], sealing.new_key()
    settings.ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("reseal", stdout=out)
    assert "mfa.Authenticator.data: 1 sealed again" in out.getvalue()
    settings.ENCRYPTION_KEYS = [new]  # the old key is gone now
    client.post(reverse("account_login"), {"login": approver.username, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
