"""Messages keep the newsroom's search tokens of their text (Message.search_words,
inbox.words), so the queue's search finds a compound's head: "Sperrung" finds
"Vollsperrung". The index of 0002 (words as written) stays for what it does well: names,
addresses, references and short prefixes; this one answers the patterns of
lib.german_words, as the newsroom's does.

The column is added with plain ALTER TABLE, as in 0003: Django's AddField of a NOT NULL
column rebuilds the table on SQLite and drops the triggers of 0002 and of this migration.
SQLite: an FTS5 table reading the column (external content), kept by triggers.
PostgreSQL: a GIN index over to_tsvector('simple', search_words), the expression
inbox.search asks (the tokens are stemmed already; 'simple' only splits them).

The fill calls inbox.words itself, as posts 0005 does: the index must hold exactly what
every later write stores; a change of the normaliser needs a migration that fills it again.
"""

from django.db import migrations, models

from rathaus.inbox import words

ADD = "ALTER TABLE inbox_message ADD COLUMN search_words text DEFAULT '' NOT NULL"
DROP = "ALTER TABLE inbox_message DROP COLUMN search_words"
BATCH = 500

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE inbox_message_words USING fts5(
        search_words, content='inbox_message', content_rowid='id',
        columnsize=0, tokenize='unicode61'
    )""",
    """CREATE TRIGGER inbox_message_words_insert AFTER INSERT ON inbox_message BEGIN
        INSERT INTO inbox_message_words(rowid, search_words) VALUES (new.id, new.search_words);
    END""",
    """CREATE TRIGGER inbox_message_words_delete AFTER DELETE ON inbox_message BEGIN
        INSERT INTO inbox_message_words(inbox_message_words, rowid, search_words)
        VALUES ('delete', old.id, old.search_words);
    END""",
    """CREATE TRIGGER inbox_message_words_update AFTER UPDATE OF search_words ON inbox_message
    WHEN old.search_words IS NOT new.search_words BEGIN
        INSERT INTO inbox_message_words(inbox_message_words, rowid, search_words)
        VALUES ('delete', old.id, old.search_words);
        INSERT INTO inbox_message_words(rowid, search_words) VALUES (new.id, new.search_words);
    END""",
    "INSERT INTO inbox_message_words(inbox_message_words) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS inbox_message_words_update",
    "DROP TRIGGER IF EXISTS inbox_message_words_delete",
    "DROP TRIGGER IF EXISTS inbox_message_words_insert",
    "DROP TABLE IF EXISTS inbox_message_words",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS inbox_message_words ON inbox_message "
    "USING GIN (to_tsvector('simple', search_words))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS inbox_message_words"]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _run(schema_editor, which):
    create_drop = STATEMENTS.get(schema_editor.connection.vendor)
    if create_drop is None:
        return  # Rathaus runs on SQLite and PostgreSQL only
    for sql in create_drop[which]:
        schema_editor.execute(sql)


def fill(apps, schema_editor):
    """The words of every message stored before."""
    Message = apps.get_model("inbox", "Message")
    messages = Message.objects.exclude(text_html="").only("pk", "text_html").order_by("pk")
    batch = []
    for message in messages.iterator(chunk_size=BATCH):
        message.search_words = words.of_html(message.text_html)
        batch.append(message)
        if len(batch) == BATCH:
            Message.objects.bulk_update(batch, ["search_words"])
            batch = []
    Message.objects.bulk_update(batch, ["search_words"])


def create(apps, schema_editor):
    _run(schema_editor, 0)


def drop(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0003_message_recipient")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="message",
                    name="search_words",
                    field=models.TextField(default="", editable=False),
                ),
            ],
        ),
        # The words first, then the index is built from them (on SQLite by 'rebuild').
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
