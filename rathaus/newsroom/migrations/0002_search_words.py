"""The newsroom's search index holds the posts' search words (Post.search_title and
search_body, written by lib.german_words) instead of their raw title and body: folded,
stemmed and with compounds' heads, the same tokens on both databases.

SQLite: an FTS5 table over the two columns, kept by triggers as before; its tokenizer only
splits at the spaces the tokens already have. PostgreSQL: a generated column holding the
tokens as a tsvector of the 'simple' configuration (no stemming or stop words of its own:
that is done already), and a GIN index over it. The old index of 0001 goes; its narrow
key index stays.
"""

import importlib

from django.db import migrations

_OLD = importlib.import_module("rathaus.newsroom.migrations.0001_search_index")

SQLITE_CREATE = [
    "DROP TRIGGER IF EXISTS newsroom_post_fts_insert",
    "DROP TRIGGER IF EXISTS newsroom_post_fts_delete",
    "DROP TRIGGER IF EXISTS newsroom_post_fts_update",
    "DROP TABLE IF EXISTS newsroom_post_fts",
    """CREATE VIRTUAL TABLE newsroom_post_words USING fts5(
        search_title, search_body, content='posts_post', content_rowid='id',
        tokenize='unicode61'
    )""",
    """CREATE TRIGGER newsroom_post_words_insert AFTER INSERT ON posts_post BEGIN
        INSERT INTO newsroom_post_words(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER newsroom_post_words_delete AFTER DELETE ON posts_post BEGIN
        INSERT INTO newsroom_post_words(newsroom_post_words, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    # Every save writes every column: only a change of the words touches the index.
    """CREATE TRIGGER newsroom_post_words_update
    AFTER UPDATE OF search_title, search_body ON posts_post
    WHEN old.search_title IS NOT new.search_title OR old.search_body IS NOT new.search_body
    BEGIN
        INSERT INTO newsroom_post_words(newsroom_post_words, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO newsroom_post_words(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    "INSERT INTO newsroom_post_words(newsroom_post_words) VALUES ('rebuild')",
]
# Back to 0001's index (its key index stayed), which 0001's own reversal then removes.
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS newsroom_post_words_insert",
    "DROP TRIGGER IF EXISTS newsroom_post_words_delete",
    "DROP TRIGGER IF EXISTS newsroom_post_words_update",
    "DROP TABLE IF EXISTS newsroom_post_words",
    *_OLD.SQLITE_CREATE[:-1],
]
# A stored vector, so that testing a row costs no to_tsvector: the search walks posts by
# date and tests each (search.py), and PostgreSQL's planner underrates that function's cost
# (it chose to compute it for every post of a large office). The title's words carry weight
# A, so that one vector also tells title hits (query 'word':*A) for the ranking.
POSTGRESQL_CREATE = [
    "DROP INDEX IF EXISTS newsroom_post_fts",
    "ALTER TABLE posts_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', search_title), 'A') || to_tsvector('simple', search_body)"
    ") STORED",
    "CREATE INDEX newsroom_post_words ON posts_post USING GIN (search_vector)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS newsroom_post_words",
    "ALTER TABLE posts_post DROP COLUMN IF EXISTS search_vector",
    *_OLD.POSTGRESQL_CREATE,
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
    dependencies = [
        ("newsroom", "0001_search_index"),
        ("posts", "0005_search_words"),
    ]
    operations = [migrations.RunPython(create, drop)]
