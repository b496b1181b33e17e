"""The migrations that put the newsroom search on the posts' search words (posts 0005,
newsroom 0002) index the posts written before them, and the index keeps following."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from rathaus.newsroom.search import search_posts
from rathaus.posts.models import Post
from tests.helpers import MigrationStatements, publish

words_columns = importlib.import_module("rathaus.posts.migrations.0005_search_words")
words_index = importlib.import_module("rathaus.newsroom.migrations.0002_search_words")


def test_the_migrations_index_the_posts_written_before_them(
    office, editor, approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    before = publish(office, editor, approver, capture, title="Vollsperrung", body="Am Ring.")
    # As written before posts 0005: no search words yet.
    Post.objects.filter(pk=before.pk).update(search_title="", search_body="")
    words_index.drop(apps, MigrationStatements())  # back to newsroom 0001's index
    during = publish(office, editor, approver, capture, title="Sperrung", body="Am Markt.")
    Post.objects.filter(pk=during.pk).update(search_title="", search_body="")

    words_columns.fill(apps, MigrationStatements())
    words_index.create(apps, MigrationStatements())
    assert set(search_posts(office, "Sperrung")) == {before, during}
    after = publish(office, editor, approver, capture, title="Sperrungen", body="Am Hafen.")
    assert set(search_posts(office, "Sperrung")) == {before, during, after}


def test_later_migrations_keep_the_search_triggers(db):
    """A migration that rebuilds posts_post on SQLite (Django's AddField of a NOT NULL
    column does) drops the triggers that keep the index: search then finds nothing new."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's indexes are expressions, no triggers")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    expected = {f"newsroom_post_words_{event}" for event in ("insert", "update", "delete")}
    assert expected <= triggers
    assert not {name for name in triggers if name.startswith("newsroom_post_fts")}
