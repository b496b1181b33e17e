"""``manage.py backup`` and ``manage.py restore`` (issue 13): an installation backed up and
restored into an empty one has every post, conversation, account, delivery state and file
again, and its sealed tokens open with the restored keys.

The backup runs in the test process, on the test database (SQLite's backup API or
pg_dump on it). The restore runs where an operator runs it: ``manage.py restore`` in a
new process with a new data dir and, on PostgreSQL, a new database made for the test, so
the suite's own database is never the target. What the restored installation holds is
read there by ``tests/backups/snapshot.py``, the same code that read the original."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rathaus.backups import archive, keys
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from rathaus.federation.models import Account
from rathaus.lib import sealing
from rathaus.mail.models import Mailbox
from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.backups.snapshot import snapshot
from tests.helpers import ask, png, publish, reply_as

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows only

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "mastodon-access-token-0123456789"


def _pg_admin(sql: str) -> None:
    import psycopg

    given = connection.settings_dict
    with psycopg.connect(
        host=given["HOST"] or "127.0.0.1",
        port=given["PORT"] or 5432,
        user=given["USER"] or "postgres",
        password=given["PASSWORD"] or None,
        dbname=given["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute(sql)


@pytest.fixture
def empty_installation(tmp_path):
    """The environment of a new installation: its own data dir and, on PostgreSQL, a new
    empty database on the suite's server (dropped afterwards)."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RATHAUS_")
        and k
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ |= {"RATHAUS_DATA_DIR": str(tmp_path / "restored"), "RATHAUS_LOG_LEVEL": "WARNING"}
    name = ""
    if connection.vendor == "postgresql":
        name = f"test_restore_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        given = connection.settings_dict
        login = quote(given["USER"] or "postgres", safe="")
        if given["PASSWORD"]:
            login += ":" + quote(given["PASSWORD"], safe="")
        host = f"{given['HOST'] or '127.0.0.1'}:{given['PORT'] or 5432}"
        environ["DATABASE_URL"] = f"postgres://{login}@{host}/{name}"
    yield environ
    if name:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(environ: dict, *arguments: str, settings: str = "rathaus.settings"):
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": settings},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _restore(environ: dict, path: Path):
    return _run(environ, "manage.py", "restore", str(path))


def _snapshot_of(environ: dict) -> dict:
    # The tests' settings: their password hasher is the one the users were made with.
    result = _run(environ, "-m", "tests.backups.snapshot", settings="tests.settings")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def installation(
    settings, tmp_path, office, editor, approver, agent, office_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """An office at work: a published post with an image and its deliveries (one of them
    failed), a conversation answered through the channel it came from, a connected
    platform account, a mailbox and a Fediverse account (secrets sealed), users with
    passwords and a second factor; files of its own in uploads and rendered pages."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    if hasattr(settings, "RENDERED_ROOT"):
        settings.RENDERED_ROOT = tmp_path / "rendered"
        (tmp_path / "rendered" / "mitte").mkdir(parents=True)
        (tmp_path / "rendered" / "mitte" / "index.html").write_text("<h1>Mitte</h1>")
    image = {"file": png(), "alt_text": "Zwei Linden", "author": "Amt", "licence": "CC0"}
    post = publish(
        office, editor, approver, django_capture_on_commit_callbacks,
        images=[image], title="Baumfällung", body="Zwei Linden.", category="short_notice",
    )  # fmt: skip
    Delivery.objects.filter(pk=post.deliveries.first().pk).update(
        status=Delivery.Status.FAILED, attempts=8, last_error="503 Service Unavailable"
    )
    # A deleted draft: its id must not be handed out again after the restore.
    lifecycle.create_draft(
        office, by=editor, title="Entwurf", body="Noch offen.", category="short_notice"
    ).delete()
    question = ask(
        office, "<p>Wann wird gefällt?</p>", author_name="Anna", author_email="anna@example.org"
    )
    reply_as(agent, question.conversation, "Am Montag.", django_capture_on_commit_callbacks)
    ConnectedAccount.objects.create(
        office=office, platform="mastodon", name="@mitte", remote_id="1",
        api_base="https://social.example", access_token=TOKEN, refresh_token="refresh-1",
    )  # fmt: skip
    Mailbox.objects.create(
        office=office, address="presse@mitte.example", imap_host="imap.mitte.example",
        imap_username="presse", imap_password="imap-password-42", token_hash="a" * 64,
    )  # fmt: skip
    Account.objects.create(office=office, username="presse", display_name="Presse")
    return post


def test_a_restore_into_an_empty_installation_finds_everything(
    installation, empty_installation, tmp_path, settings
):
    before = snapshot()
    # What the snapshot compares is really there (an empty one would match an empty one).
    assert [row[1] for row in before["posts"]] == ["Baumfällung"]
    assert before["next_post_id"] > installation.pk + 1
    assert {row[5] for row in before["deliveries"]} >= {"failed", "published"}
    assert any(row[4] == "reply" for row in before["deliveries"])
    assert [row[2] for row in before["messages"]] == ["in", "out"]
    assert before["connected_accounts"][0][3] == TOKEN
    assert before["mailboxes"][0][2] == "imap-password-42"
    assert before["fediverse_keys"] and before["totp_secrets"]
    assert all(row[2] for row in before["users"])
    if hasattr(settings, "RENDERED_ROOT"):
        assert "mitte/index.html" in before["rendered"]
    image_name = before["images"][0][1]
    assert image_name in before["uploads"]

    backup = tmp_path / "rathaus.tar"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds the keys

    result = _restore(empty_installation, backup)
    assert result.returncode == 0, result.stderr
    assert "Secrets: all" in result.stdout

    after = _snapshot_of(empty_installation)
    assert after == json.loads(json.dumps(before, default=str))
    # The new data dir's key files are the original keys (the snapshot opened the tokens
    # with them: nothing in its environment gave others).
    data_dir = Path(empty_installation["RATHAUS_DATA_DIR"])
    assert keys.parse((data_dir / "encryption_keys").read_text()) == settings.ENCRYPTION_KEYS
    assert (data_dir / "uploads" / image_name).stat().st_mode & 0o777 == 0o600
    assert (data_dir / "secret_key").read_text() == settings.SECRET_KEY


def test_without_keys_the_restore_takes_them_from_the_environment(
    installation, empty_installation, tmp_path, settings, monkeypatch
):
    backup = tmp_path / "off-site.tar.gz"
    call_command("backup", str(backup), "--without-keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with tarfile.open(backup) as tar:
        names = tar.getnames()
    assert archive.DATABASE[connection.vendor] in names
    assert not [name for name in names if name.startswith("keys/")]

    # Refused before anything is touched (here: the suite's own database).
    monkeypatch.delenv("RATHAUS_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("RATHAUS_ENCRYPTION_KEYS_FILE", raising=False)
    with pytest.raises(CommandError, match="RATHAUS_ENCRYPTION_KEYS"):
        call_command("restore", str(backup))

    given = {
        "RATHAUS_ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "RATHAUS_SECRET_KEY": settings.SECRET_KEY,
    }
    result = _restore(empty_installation | given, backup)
    assert result.returncode == 0, result.stderr
    total, _failed = keys.unopened(settings.ENCRYPTION_KEYS)
    assert f"Secrets: all {total} open" in result.stdout
    data_dir = Path(empty_installation["RATHAUS_DATA_DIR"])
    # The archive had none to write, and with keys in the environment none is made.
    assert not (data_dir / "encryption_keys").exists()


def test_a_restore_with_other_keys_says_the_secrets_do_not_open(
    installation, empty_installation, tmp_path
):
    backup = tmp_path / "off-site.tar"
    call_command("backup", str(backup), "--without-keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    wrong = {"RATHAUS_ENCRYPTION_KEYS": sealing.new_key()}
    result = _restore(empty_installation | wrong, backup)
    assert result.returncode != 0
    assert "stored secrets do not open" in result.stderr


def test_the_check_of_the_secrets_finds_a_key_that_is_missing(installation, settings):
    total, failed = keys.unopened(settings.ENCRYPTION_KEYS)
    assert total >= 5 and failed == 0  # token, refresh token, password, private key, TOTP
    assert keys.unopened([sealing.new_key()]) == (total, total)


def test_restore_refuses_a_database_that_is_not_empty(installation, tmp_path):
    backup = tmp_path / "rathaus.tar"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup))
    assert Post.objects.filter(pk=installation.pk).exists()  # nothing was touched


def test_restore_refuses_an_archive_of_the_other_engine(db, tmp_path):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    backup = tmp_path / "other.tar"
    with archive.writing(backup) as tar:
        archive.write_manifest(tar, {"engine": other, "created_at": "2026-12-07", "keys": False})
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with pytest.raises(CommandError, match=f"holds a {names[other]} database"):
        call_command("restore", str(backup))


def test_restore_refuses_a_file_that_is_no_backup(db, tmp_path):
    stray = tmp_path / "stray.tar"
    with tarfile.open(stray, "w") as tar:
        tar.add(__file__, arcname="notes.py")
    with pytest.raises(CommandError, match=r"not made by manage\.py backup"):
        call_command("restore", str(stray))


def test_the_archive_holds_the_rendered_pages(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.RENDERED_ROOT = tmp_path / "rendered"
    (tmp_path / "rendered" / "mitte").mkdir(parents=True)
    (tmp_path / "rendered" / "mitte" / "index.html").write_text("<h1>Mitte</h1>")
    backup = tmp_path / "rathaus.tar"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with tarfile.open(backup) as tar:
        assert tar.extractfile("rendered/mitte/index.html").read() == b"<h1>Mitte</h1>"
