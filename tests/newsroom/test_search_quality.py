"""How well the newsroom search finds what citizens type: recall and precision over the
query → wanted-posts pairs of search_fixture.py, on whichever database the suite runs
(CI runs it on SQLite and on PostgreSQL). The numbers are printed (pytest -s shows them)
and are in the README.

The thresholds: every wanted post of the issue's seven examples is found, and at least
0.95 of all wanted posts; and at least 0.9 of what is found is wanted. The few misses and
extras left are listed when a threshold is missed: a synonym or a derivation the stemmer
does not join ("Fällung" – "Fällarbeiten"), a street name that begins with the word
("Bahnhof" – "Bahnhofstraße"). Both databases find the same posts (one normaliser), so
the numbers printed on either are the same. Before the normaliser, the same fixture gave
recall 0.46 on SQLite and 0.62 on PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.newsroom.search import search_posts
from rathaus.posts.models import Post
from tests.helpers import publish
from tests.newsroom.search_fixture import POSTS, QUERIES

ISSUE_EXAMPLES = [
    "Baustellen",
    "Sitzungen",
    "Spielplätze",
    "Sperrung",
    "Sturm",
    "Bahnhofstrasse",
    "Buergeramt",
]
MIN_RECALL = 0.95
MIN_PRECISION = 0.9


@pytest.fixture
def posts(office, editor, approver, django_capture_on_commit_callbacks):
    """The fixture's posts, published a day apart, key → post id."""
    now, keys = timezone.now(), {}
    for days, (key, (title, body)) in enumerate(POSTS.items()):
        post = publish(
            office, editor, approver, django_capture_on_commit_callbacks, title=title, body=body
        )
        Post.objects.filter(pk=post.pk).update(published_at=now - timedelta(days=days))
        keys[key] = post.pk
    return keys


def _found(office, keys) -> dict[str, set[str]]:
    by_id = {pk: key for key, pk in keys.items()}
    return {
        query: {by_id[pk] for pk in search_posts(office, query).values_list("pk", flat=True)}
        for query in QUERIES
    }


def test_the_fixture_is_big_enough():
    pairs = sum(len(wanted) for wanted in QUERIES.values())
    assert pairs >= 50 and len(QUERIES) >= 50
    assert set(ISSUE_EXAMPLES) <= set(QUERIES)
    assert all(wanted <= set(POSTS) for wanted in QUERIES.values())


def test_recall_and_precision(office, posts):
    found = _found(office, posts)
    wanted_total = sum(len(wanted) for wanted in QUERIES.values())
    found_total = sum(len(hits) for hits in found.values())
    right = sum(len(found[query] & wanted) for query, wanted in QUERIES.items())
    recall, precision = right / wanted_total, right / found_total
    misses = {q: sorted(w - found[q]) for q, w in QUERIES.items() if w - found[q]}
    extras = {q: sorted(found[q] - w) for q, w in QUERIES.items() if found[q] - w}
    print(
        f"\nsearch quality on {connection.vendor}: {len(QUERIES)} queries, "
        f"{wanted_total} wanted pairs, {found_total} found; "
        f"recall {recall:.3f}, precision {precision:.3f}\n"
        f"missed: {misses}\nnot wanted: {extras}"
    )
    for query in ISSUE_EXAMPLES:
        assert found[query] >= QUERIES[query], query
    assert recall >= MIN_RECALL, misses
    assert precision >= MIN_PRECISION, extras
