"""Migrations run while the previous version serves (lib.migration_safety, README
"Upgrades"): a new migration that would break the old code must say so here, with why."""

import pytest
from django.core.management import call_command
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from rathaus.lib import migration_safety

# Written before the rule: each of these needed the old version stopped while it ran.
HISTORY = frozenset(
    [
        ("connectors", "0003_fetches_and_connections_on_the_job_engine"),
        ("delivery", "0003_delivery_remote_parts_alter_delivery_status_and_more"),
        ("delivery", "0004_deliveries_on_the_job_engine"),
        ("delivery", "0005_delivery_subject"),
        ("federation", "0002_delivery_and_followers"),
        ("federation", "0003_sealed_secrets"),
        ("federation", "0005_outgoing_and_incoming_on_the_job_engine"),
        ("inbox", "0002_search_index"),
        ("inbox", "0004_message_search_words"),
        ("inbox", "0006_notifications_moved"),
        ("inbox", "0007_conversation_search_words"),
        ("mail", "0002_sealed_secrets"),
        ("mail", "0003_push_token_hashed"),
        ("mail", "0004_mailbox_polls_on_the_job_engine"),
        ("newsletter", "0002_tokens_hashed"),
        ("newsletter", "0003_mailing_error"),
        ("newsletter", "0004_sends_on_the_job_engine"),
        ("newsletter", "0005_sends_handed_over"),
        ("newsroom", "0001_search_index"),
        ("newsroom", "0002_search_words"),
        ("notifications", "0002_subject"),
        ("notifications", "0003_inbox_notifications"),
        ("offices", "0002_office_holiday_region_office_netiquette_and_more"),
        ("offices", "0004_seal_stored_secrets"),
        ("offices", "0005_office_require_two_factor"),
        ("offices", "0007_inbox_open_to_editors"),
        ("offices", "0008_accessibility_and_name_forms"),
        ("posts", "0002_private_image_names"),
        ("posts", "0004_scheduled_posts_on_the_job_engine"),
        ("posts", "0005_search_words"),
        ("posts", "0007_post_url_slug_and_channels"),
        ("posts", "0008_links_in_older_posts"),
    ]
)
# New migrations that need downtime, each with the reason the README's upgrade notes give.
NEEDS_DOWNTIME: dict[tuple[str, str], str] = {}


def _ours():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {k: m for k, m in loader.disk_migrations.items() if m.__module__.startswith("rathaus.")}


def test_every_new_migration_can_run_while_the_old_version_serves():
    unsafe = {
        key: migration_safety.reasons(migration)
        for key, migration in _ours().items()
        if key not in HISTORY and key not in NEEDS_DOWNTIME
    }
    assert {key: found for key, found in unsafe.items() if found} == {}


def test_the_history_names_only_migrations_that_exist():
    assert HISTORY | NEEDS_DOWNTIME.keys() <= _ours().keys()


def _migration(*operations, online=False):
    migration = migrations.Migration("0099_test", "example")
    migration.operations = list(operations)
    migration.online = online
    return migration


@pytest.mark.parametrize(
    ("operation", "unsafe"),
    [
        (migrations.RemoveField("post", "old"), True),
        (migrations.RenameField("post", "old", "new"), True),
        (migrations.DeleteModel("Old"), True),
        (migrations.AddField("post", "flag", models.BooleanField(default=False)), True),
        (migrations.AddField("post", "note", models.TextField(null=True)), False),
        (migrations.AddField("post", "flag", models.BooleanField(db_default=False)), False),
        (migrations.CreateModel("New", [("id", models.AutoField(primary_key=True))]), False),
        (migrations.AddIndex("post", models.Index(fields=["title"], name="t")), False),
        (migrations.RunSQL("SELECT 1"), True),
    ],
)
def test_what_breaks_the_old_code_is_found(operation, unsafe):
    assert bool(migration_safety.reasons(_migration(operation))) is unsafe


def test_a_migration_may_say_it_is_online():
    assert migration_safety.reasons(_migration(migrations.RunSQL("SELECT 1"), online=True)) == []
    # The contract step: the previous release no longer used the column.
    assert (
        migration_safety.reasons(_migration(migrations.RemoveField("post", "old"), online=True))
        == []
    )


def test_the_command_says_when_nothing_is_pending(db, capsys):
    call_command("upgrade_check", "--strict")
    assert "No pending migrations." in capsys.readouterr().out


def test_the_command_lists_pending_migrations_with_their_verdict(transactional_db, capsys):
    call_command("migrate", "rendering", "zero", verbosity=0)
    try:
        call_command("upgrade_check", "--strict")
        out = capsys.readouterr().out
        assert "rendering.0001_rendered_pages: online" in out
        assert "All pending migrations can run while the old version serves." in out
    finally:
        call_command("migrate", "rendering", verbosity=0)
