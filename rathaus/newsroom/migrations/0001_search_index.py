"""Full-text indexes for rathaus.newsroom.search, one kind per database vendor."""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE newsroom_post_fts USING fts5(
        title, body, content='posts_post', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER newsroom_post_fts_insert AFTER INSERT ON posts_post BEGIN
        INSERT INTO newsroom_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER newsroom_post_fts_delete AFTER DELETE ON posts_post BEGIN
        INSERT INTO newsroom_post_fts(newsroom_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER newsroom_post_fts_update AFTER UPDATE OF title, body ON posts_post BEGIN
        INSERT INTO newsroom_post_fts(newsroom_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO newsroom_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    # Backfill the posts written before this migration.
    "INSERT INTO newsroom_post_fts(newsroom_post_fts) VALUES ('rebuild')",
    # Filtering thousands of matched ids by office, status and date in this narrow index
    # is about twice as fast as looking each one up in the wide table rows.
    "CREATE INDEX newsroom_post_search_keys ON posts_post(id, office_id, status, published_at)",
]
SQLITE_DROP = [
    "DROP INDEX IF EXISTS newsroom_post_search_keys",
    "DROP TRIGGER IF EXISTS newsroom_post_fts_insert",
    "DROP TRIGGER IF EXISTS newsroom_post_fts_delete",
    "DROP TRIGGER IF EXISTS newsroom_post_fts_update",
    "DROP TABLE IF EXISTS newsroom_post_fts",
]
# An expression index fills itself from the existing rows: no backfill needed.
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS newsroom_post_fts ON posts_post "
    "USING GIN (to_tsvector('german', title || ' ' || body))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS newsroom_post_fts"]

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
    dependencies = [("posts", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
