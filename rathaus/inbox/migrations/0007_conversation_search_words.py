"""Conversations keep the newsroom's search tokens of their subject (Conversation.search_words,
inbox.words.of_text), so the queue's search finds a compound's head in a subject as 0004
made it find one in the messages: "Sperrung" finds a mail headed "Vollsperrung Hauptstraße".

As in 0004: the column is added with plain ALTER TABLE, because Django's AddField of a NOT
NULL column rebuilds the table on SQLite and drops the triggers of 0002 on
inbox_conversation. SQLite: an FTS5 table reading the column (external content), kept by
triggers. PostgreSQL: a GIN index over to_tsvector('simple', search_words), the expression
inbox.search asks. The fill calls inbox.words itself, so the index holds exactly what every
later write stores.
"""

from django.db import migrations, models

from rathaus.inbox import words

ADD = "ALTER TABLE inbox_conversation ADD COLUMN search_words text DEFAULT '' NOT NULL"
DROP = "ALTER TABLE inbox_conversation DROP COLUMN search_words"
BATCH = 500

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE inbox_conversation_words USING fts5(
        search_words, content='inbox_conversation', content_rowid='id',
        columnsize=0, tokenize='unicode61'
    )""",
    """CREATE TRIGGER inbox_conversation_words_insert AFTER INSERT ON inbox_conversation BEGIN
        INSERT INTO inbox_conversation_words(rowid, search_words)
        VALUES (new.id, new.search_words);
    END""",
    """CREATE TRIGGER inbox_conversation_words_delete AFTER DELETE ON inbox_conversation BEGIN
        INSERT INTO inbox_conversation_words(inbox_conversation_words, rowid, search_words)
        VALUES ('delete', old.id, old.search_words);
    END""",
    # Every new message updates its conversation (last_message_at): only a change of the
    # words touches the index.
    """CREATE TRIGGER inbox_conversation_words_update
    AFTER UPDATE OF search_words ON inbox_conversation
    WHEN old.search_words IS NOT new.search_words BEGIN
        INSERT INTO inbox_conversation_words(inbox_conversation_words, rowid, search_words)
        VALUES ('delete', old.id, old.search_words);
        INSERT INTO inbox_conversation_words(rowid, search_words)
        VALUES (new.id, new.search_words);
    END""",
    "INSERT INTO inbox_conversation_words(inbox_conversation_words) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS inbox_conversation_words_update",
    "DROP TRIGGER IF EXISTS inbox_conversation_words_delete",
    "DROP TRIGGER IF EXISTS inbox_conversation_words_insert",
    "DROP TABLE IF EXISTS inbox_conversation_words",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS inbox_conversation_words ON inbox_conversation "
    "USING GIN (to_tsvector('simple', search_words))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS inbox_conversation_words"]

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
    """The words of every subject stored before."""
    Conversation = apps.get_model("inbox", "Conversation")
    conversations = Conversation.objects.exclude(subject="").only("pk", "subject").order_by("pk")
    batch = []
    for conversation in conversations.iterator(chunk_size=BATCH):
        conversation.search_words = words.of_text(conversation.subject)
        batch.append(conversation)
        if len(batch) == BATCH:
            Conversation.objects.bulk_update(batch, ["search_words"])
            batch = []
    Conversation.objects.bulk_update(batch, ["search_words"])


def create(apps, schema_editor):
    _run(schema_editor, 0)


def drop(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0006_notifications_moved")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="conversation",
                    name="search_words",
                    field=models.TextField(default="", editable=False),
                ),
            ],
        ),
        # The words first, then the index is built from them (on SQLite by 'rebuild').
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
