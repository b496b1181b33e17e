"""Full-text indexes for rathaus.inbox.search, one kind per database vendor.

What is indexed: a conversation's subject, reference and the citizen's name, email and
address; and the text of every message, without its markup. The markup goes in the index
definition itself (trigger on SQLite, index expression on PostgreSQL) rather than in a
plain-text copy kept by Python, because messages are written by bulk inserts and queryset
updates (batch ingest, edits and deletions by the author, anonymisation) that no Python
hook sees; the database sees them all.

Message text is always sanitised against a short allow-list (inbound.sanitise, and
linebreaks() for the office's answers), so on SQLite, which has no regular expressions,
the fixed tags go by replace() in one linear pass and only what is left (links with their
attributes, and whatever an older allow-list let through) by a recursive cut, one step per
remaining tag. Entities become spaces: the tokenizer would only have indexed "amp".

Changing the text expressions below later needs a new migration that rebuilds the indexes:
the SQLite message index holds no text of its own (contentless), so a row is removed by
repeating exactly the text it was added with.
"""

from django.db import migrations

# No ranking (the queue orders by time), so no per-row sizes to keep: one write less each.
OPTIONS = "columnsize=0, tokenize='unicode61 remove_diacritics 2'"
FIXED_TAGS = [
    f"<{slash}{tag}>"
    for tag in ["p", "br", "span", "strong", "em", "ul", "ol", "li", "blockquote", "code"]
    for slash in ["", "/"]
] + ["</a>"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;"]


def _replaced(sql: str, fragments: list[str]) -> str:
    for fragment in fragments:
        sql = f"replace({sql}, '{fragment}', ' ')"
    return sql


def _plain(html: str) -> str:
    """SQLite expression: the words of the sanitised HTML ``html`` (a column reference)."""
    return f"""(WITH RECURSIVE cut(piece, rest) AS (
        SELECT '', {_replaced(html, FIXED_TAGS)}
        UNION ALL
        SELECT
            CASE WHEN instr(rest, '<') = 0 THEN rest
                 ELSE substr(rest, 1, instr(rest, '<') - 1) END,
            CASE WHEN instr(rest, '<') = 0 OR instr(substr(rest, instr(rest, '<')), '>') = 0
                 THEN NULL
                 ELSE substr(rest, instr(rest, '<') + instr(substr(rest, instr(rest, '<')), '>'))
            END
        FROM cut WHERE rest IS NOT NULL
    ) SELECT {_replaced("group_concat(piece, ' ')", ENTITIES)} FROM cut)"""


CONVERSATION_COLUMNS = "subject, reference, citizen_name, citizen_email, citizen_handle"
_NEW = ", ".join(f"new.{column}" for column in CONVERSATION_COLUMNS.split(", "))
_OLD = ", ".join(f"old.{column}" for column in CONVERSATION_COLUMNS.split(", "))
_CHANGED = " OR ".join(
    f"old.{column} IS NOT new.{column}" for column in CONVERSATION_COLUMNS.split(", ")
)

SQLITE_CREATE = [
    # Conversations: their own columns, so FTS5 can read them from the table (rebuild).
    f"""CREATE VIRTUAL TABLE inbox_conversation_fts USING fts5(
        {CONVERSATION_COLUMNS}, content='inbox_conversation', content_rowid='id', {OPTIONS}
    )""",
    f"""CREATE TRIGGER inbox_conversation_fts_insert AFTER INSERT ON inbox_conversation BEGIN
        INSERT INTO inbox_conversation_fts(rowid, {CONVERSATION_COLUMNS})
        VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER inbox_conversation_fts_delete AFTER DELETE ON inbox_conversation BEGIN
        INSERT INTO inbox_conversation_fts(inbox_conversation_fts, rowid, {CONVERSATION_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
    END""",
    # Every new message updates its conversation (last_message_at): only a change of an
    # indexed column touches the index.
    f"""CREATE TRIGGER inbox_conversation_fts_update
    AFTER UPDATE OF {CONVERSATION_COLUMNS} ON inbox_conversation WHEN {_CHANGED} BEGIN
        INSERT INTO inbox_conversation_fts(inbox_conversation_fts, rowid, {CONVERSATION_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
        INSERT INTO inbox_conversation_fts(rowid, {CONVERSATION_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    "INSERT INTO inbox_conversation_fts(inbox_conversation_fts) VALUES ('rebuild')",
    # Messages: the text without markup, which no column holds, so the index keeps no copy.
    f"CREATE VIRTUAL TABLE inbox_message_fts USING fts5(text, content='', {OPTIONS})",
    f"""CREATE TRIGGER inbox_message_fts_insert AFTER INSERT ON inbox_message BEGIN
        INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, {_plain("new.text_html")});
    END""",
    f"""CREATE TRIGGER inbox_message_fts_delete AFTER DELETE ON inbox_message BEGIN
        INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text)
        VALUES ('delete', old.id, {_plain("old.text_html")});
    END""",
    f"""CREATE TRIGGER inbox_message_fts_update AFTER UPDATE OF text_html ON inbox_message
    WHEN old.text_html IS NOT new.text_html BEGIN
        INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text)
        VALUES ('delete', old.id, {_plain("old.text_html")});
        INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, {_plain("new.text_html")});
    END""",
    "INSERT INTO inbox_message_fts(rowid, text) "
    f"SELECT id, {_plain('inbox_message.text_html')} FROM inbox_message",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS inbox_message_fts_update",
    "DROP TRIGGER IF EXISTS inbox_message_fts_delete",
    "DROP TRIGGER IF EXISTS inbox_message_fts_insert",
    "DROP TABLE IF EXISTS inbox_message_fts",
    "DROP TRIGGER IF EXISTS inbox_conversation_fts_update",
    "DROP TRIGGER IF EXISTS inbox_conversation_fts_delete",
    "DROP TRIGGER IF EXISTS inbox_conversation_fts_insert",
    "DROP TABLE IF EXISTS inbox_conversation_fts",
]
# Expression indexes fill themselves from the existing rows. The expressions must stay
# identical to those in rathaus/inbox/search.py, or PostgreSQL will not use the indexes.
# Tags and entities become spaces; "@./:" too, so that addresses, links and hosts are
# words of their own as on SQLite (PostgreSQL's parser would keep "anna@example.org" whole,
# and the queue's "anna" would not find it).
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS inbox_conversation_fts ON inbox_conversation USING GIN ("
    "to_tsvector('german', translate(subject || ' ' || reference || ' ' || citizen_name"
    " || ' ' || citizen_email || ' ' || citizen_handle, '@./:', '    ')))",
    "CREATE INDEX IF NOT EXISTS inbox_message_fts ON inbox_message USING GIN ("
    "to_tsvector('german', translate(regexp_replace(text_html, '<[^>]*>|&[a-z]+;', ' ', 'g'),"
    " '@./:', '    ')))",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS inbox_message_fts",
    "DROP INDEX IF EXISTS inbox_conversation_fts",
]

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


def create(apps, schema_editor):
    _run(schema_editor, 0)


def drop(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
