"""Fetching by IMAP from a real IMAP server on loopback, driven by the standard library's
imaplib: new messages are stored, then marked \\Seen, then counted as taken over; a
failure at any point loses nothing and a second fetch stores nothing twice."""

import io
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rathaus.inbox import inbound as inbox_inbound
from rathaus.inbox.models import Conversation, Message
from rathaus.jobs import runner
from rathaus.mail import background
from rathaus.mail.models import Mailbox
from rathaus.mail.receiving import MAX_BYTES
from tests.imap_server import IMAPServer

SEEN = "\\Seen"


def mail(number: int, **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Bürger {number} <buerger{number}@example.org>"
    msg["Subject"] = f"Anliegen {number}"
    msg["Message-ID"] = f"<anliegen-{number}@example.org>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(f"Text des Anliegens {number}.")
    return msg.as_bytes(policy=SMTP)


@pytest.fixture
def server():
    running = IMAPServer(username="buergeranfragen", password='ge"heim\\wort').start()
    yield running
    running.stop()


@pytest.fixture
def mailbox(office, server, settings):
    # The test server runs on loopback, which the operator must allow (issue 10, item 6).
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    return Mailbox.objects.create(
        office=office,
        address="buergeranfragen@mitte.example",
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_security=Mailbox.Security.NONE,
        imap_username="buergeranfragen",
        imap_password='ge"heim\\wort',
    )


def fetch(mailbox) -> int:
    mailbox.refresh_from_db()
    return background.fetch(mailbox)


def test_new_messages_are_stored_marked_seen_and_counted(server, mailbox, office):
    uids = [server.add(mail(n)) for n in (1, 2, 3)]
    assert fetch(mailbox) == 3
    assert Message.objects.filter(office=office).count() == 3
    assert set(Conversation.objects.values_list("subject", flat=True)) == {
        "Anliegen 1",
        "Anliegen 2",
        "Anliegen 3",
    }
    assert all(SEEN in server.flags(uid) for uid in uids)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == uids[-1]
    assert mailbox.last_error == ""
    assert mailbox.last_checked_at is not None
    assert (mailbox.status, mailbox.lease_until) == (Mailbox.Status.QUEUED, None)


def test_reading_does_not_mark_seen_before_storing(server, mailbox):
    """The body is fetched with BODY.PEEK[]; a plain RFC822 fetch would mark it read on
    the server before we stored it."""
    server.add(mail(1))
    fetch(mailbox)
    fetches = [c for c in server.commands if " UID FETCH " in c.upper() and "BODY" in c.upper()]
    assert fetches and all("BODY.PEEK[]" in c for c in fetches)
    stores = [i for i, c in enumerate(server.commands) if " UID STORE " in c.upper()]
    assert stores and stores[0] > server.commands.index(fetches[0])


def test_a_second_run_fetches_nothing_new(server, mailbox):
    server.add(mail(1))
    assert fetch(mailbox) == 1
    server.commands.clear()
    assert fetch(mailbox) == 0
    assert Message.objects.count() == 1
    # "2:*" matches the newest message on the server (RFC 3501); it is not taken again.
    assert not [c for c in server.commands if "BODY.PEEK" in c]


def test_only_messages_after_the_last_run_are_fetched(server, mailbox):
    server.add(mail(1))
    fetch(mailbox)
    server.commands.clear()
    new = server.add(mail(2))
    assert fetch(mailbox) == 1
    bodies = [c for c in server.commands if "BODY.PEEK[]" in c]
    assert len(bodies) == 1 and f"FETCH {new} " in bodies[0]
    assert Message.objects.count() == 2


def test_a_connection_lost_in_the_middle_loses_nothing(server, mailbox):
    first, second, third = (server.add(mail(n)) for n in (1, 2, 3))
    server.drop_fetch_of = {second}
    assert fetch(mailbox) == 1
    mailbox.refresh_from_db()
    assert mailbox.last_uid == first
    assert "abort" in mailbox.last_error or "EOF" in mailbox.last_error
    assert SEEN not in server.flags(second)
    assert Message.objects.count() == 1
    server.drop_fetch_of = set()
    assert fetch(mailbox) == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == third
    assert mailbox.last_error == ""
    assert Message.objects.count() == 3


def test_a_crash_after_storing_refetches_the_message_and_stores_it_once(server, mailbox):
    uid = server.add(mail(1))
    server.drop_store_of = {uid}
    fetch(mailbox)
    mailbox.refresh_from_db()
    # Stored, but neither marked seen nor counted as taken over.
    assert Message.objects.count() == 1
    assert SEEN not in server.flags(uid)
    assert mailbox.last_uid == 0
    server.drop_store_of = set()
    fetch(mailbox)
    mailbox.refresh_from_db()
    assert Message.objects.count() == 1
    assert SEEN in server.flags(uid)
    assert mailbox.last_uid == uid


def test_a_failure_while_storing_leaves_the_message_unseen_on_the_server(
    server, mailbox, monkeypatch
):
    first, second = server.add(mail(1)), server.add(mail(2))
    real = inbox_inbound.receive

    def database_down(message):
        if message.remote_id == "anliegen-2@example.org":
            from django.db import OperationalError

            raise OperationalError("database is locked")
        return real(message)

    monkeypatch.setattr(inbox_inbound, "receive", database_down)
    assert fetch(mailbox) == 1
    mailbox.refresh_from_db()
    assert mailbox.last_uid == first
    assert "database is locked" in mailbox.last_error
    assert SEEN in server.flags(first)
    assert SEEN not in server.flags(second)
    monkeypatch.setattr(inbox_inbound, "receive", real)
    assert fetch(mailbox) == 1
    assert Message.objects.count() == 2


def test_a_rebuilt_folder_is_read_again_without_duplicates(server, mailbox):
    server.add(mail(1))
    server.add(mail(2))
    fetch(mailbox)
    server.rebuild()  # new UIDVALIDITY; UIDs start at 1 again
    server.add(mail(3))
    assert fetch(mailbox) == 3
    mailbox.refresh_from_db()
    assert mailbox.uid_validity == 2
    assert mailbox.last_uid == 3
    assert Message.objects.count() == 3


def test_a_wrong_password_is_recorded_and_nothing_is_stored(server, mailbox):
    server.add(mail(1))
    mailbox.imap_password = "falsch"
    mailbox.save()
    assert fetch(mailbox) == 0
    mailbox.refresh_from_db()
    assert "Invalid credentials" in mailbox.last_error
    assert "falsch" not in mailbox.last_error
    assert not Message.objects.exists()


def test_an_unknown_folder_is_recorded(server, mailbox):
    mailbox.imap_folder = "Bürgeranfragen 2025"
    mailbox.save()
    assert fetch(mailbox) == 0
    mailbox.refresh_from_db()
    assert "folder" in mailbox.last_error


def test_a_folder_with_umlauts_is_named_in_modified_utf7(server, mailbox):
    server.add(mail(1), folder="B&APw-rgeranfragen")
    mailbox.imap_folder = "Bürgeranfragen"
    mailbox.save()
    assert fetch(mailbox) == 1
    assert Message.objects.count() == 1


def test_no_password_goes_unencrypted_to_another_machine(server, mailbox):
    mailbox.imap_host = "localhost.example"
    mailbox.save()
    assert fetch(mailbox) == 0
    mailbox.refresh_from_db()
    assert "only allowed to this machine" in mailbox.last_error


def test_starttls_is_never_skipped_when_the_server_lacks_it(server, mailbox):
    mailbox.imap_security = Mailbox.Security.STARTTLS
    mailbox.save()
    server.add(mail(1))
    assert fetch(mailbox) == 0
    mailbox.refresh_from_db()
    assert "TLS" in mailbox.last_error
    assert server.logins == 0
    assert not any("LOGIN" in c.upper() for c in server.commands)


def test_a_message_over_the_limit_is_read_by_its_headers(server, mailbox, english_messages):
    raw = mail(1) + b"A" * (MAX_BYTES + 10)
    uid = server.add(raw)
    assert fetch(mailbox) == 1
    message = Message.objects.get()
    assert message.conversation.subject == "Anliegen 1"
    assert "only its sender and subject were read" in message.text_html
    assert "AAAA" not in message.text_html
    assert SEEN in server.flags(uid)


def test_a_mailbox_being_fetched_by_another_worker_is_skipped(server, mailbox):
    from django.utils import timezone

    server.add(mail(1))
    Mailbox.objects.filter(pk=mailbox.pk).update(
        status=Mailbox.Status.RUNNING,
        lease_until=timezone.now() + background.FETCH.policy.lease,
        lease_token="another-worker",
    )
    assert fetch(mailbox) == 0
    assert server.logins == 0


def test_a_fetch_left_running_by_a_dead_worker_is_taken_over(server, mailbox):
    from django.utils import timezone

    server.add(mail(1))
    stale = timezone.now() - background.FETCH.policy.lease
    Mailbox.objects.filter(pk=mailbox.pk).update(
        status=Mailbox.Status.RUNNING, lease_until=stale, lease_token="dead-worker"
    )
    assert fetch(mailbox) == 1


def test_the_periodic_task_fetches_every_active_mailbox_with_imap(
    server, mailbox, other_office, office
):
    push_only = Mailbox.objects.create(office=office, address="push@mitte.example")
    inactive = Mailbox.objects.create(
        office=other_office,
        address="alt@nord.example",
        active=False,
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_security=Mailbox.Security.NONE,
        imap_username="buergeranfragen",
        imap_password='ge"heim\\wort',
    )
    server.add(mail(1))
    runner.tick()
    assert Message.objects.get().office == office
    assert server.logins == 1
    push_only.refresh_from_db()
    inactive.refresh_from_db()
    assert push_only.last_checked_at is None
    assert inactive.last_checked_at is None


def test_the_command_fetches_and_reports(server, mailbox):
    server.add(mail(1))
    out = io.StringIO()
    call_command("fetch_mail", stdout=out)
    assert "buergeranfragen@mitte.example: 1 new" in out.getvalue()
    assert Message.objects.count() == 1


def test_the_command_fails_when_a_mailbox_fails(server, mailbox):
    mailbox.imap_password = "falsch"
    mailbox.save()
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"buergeranfragen@mitte\.example"):
        call_command("fetch_mail", stdout=io.StringIO(), stderr=err)
    assert "Invalid credentials" in err.getvalue()


def test_the_command_names_unknown_mailboxes(server, mailbox):
    with pytest.raises(CommandError, match=r"nobody@mitte\.example"):
        call_command("fetch_mail", "nobody@mitte.example", stdout=io.StringIO())


def test_a_failed_fetch_is_tried_at_the_next_tick_and_then_clears_its_error(server, mailbox):
    import time_machine
    from django.utils import timezone

    server.add(mail(1))
    mailbox.imap_password = "falsch"
    mailbox.save()
    runner.tick()
    mailbox.refresh_from_db()
    assert "Invalid credentials" in mailbox.last_error
    assert mailbox.status == Mailbox.Status.QUEUED  # recurring: never given up
    mailbox.imap_password = 'ge"heim\\wort'
    mailbox.save()
    runner.tick()  # not due yet: once a minute, also after a failure
    assert not Message.objects.exists()
    with time_machine.travel(timezone.now() + background.EVERY):
        runner.tick()
    mailbox.refresh_from_db()
    assert (mailbox.last_error, Message.objects.count()) == ("", 1)


def test_saving_a_mailbox_while_a_worker_fetches_it_keeps_the_workers_lease(server, mailbox):
    """An admin's form read the mailbox before the worker claimed it: saving it must not
    free the lease (a second worker would fetch at the same time) or move the last UID."""
    from rathaus.jobs import engine

    loaded = Mailbox.objects.get(pk=mailbox.pk)
    (claimed,) = engine.claim(background.FETCH, ids=[mailbox.pk])
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=7)
    loaded.imap_folder = "Archiv"
    loaded.save()
    stored = Mailbox.objects.get(pk=mailbox.pk)
    assert (stored.status, stored.lease_token) == (Mailbox.Status.RUNNING, claimed.lease_token)
    assert (stored.imap_folder, stored.last_uid) == ("Archiv", 7)
    assert engine.claim(background.FETCH, ids=[mailbox.pk]) == []
