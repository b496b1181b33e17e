"""Full-text search over an office's public posts, one interface for both databases.

SQLite uses an FTS5 index and PostgreSQL a GIN expression index (both created by
migration 0001). Results are ordered by publication date, not by rank: ranking would have
to score every match, and a newsroom reader looks for recent news anyway.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from rathaus.offices.models import Office
from rathaus.posts.models import Post

FTS_TABLE = "newsroom_post_fts"
MAX_TERMS = 12
MAX_TERM_CHARS = 60
# A word in at least this share of the office's posts is found fastest by walking the date
# index: twenty hits turn up within a few hundred rows.
WALK_SHARE = 0.05

# Only word characters reach the search engines: every operator (NEAR, *, ^, -, quotes,
# parentheses, column filters) is dropped here rather than escaped case by case.
_WORD = re.compile(r"\w+")


def terms(query: str) -> list[str]:
    """The words of ``query`` the search looks for, all of which must occur."""
    return [word[:MAX_TERM_CHARS] for word in _WORD.findall(query or "")][:MAX_TERMS]


def search_posts(office: Office, query: str) -> QuerySet[Post]:
    """Public posts of ``office`` containing every word of ``query``, newest first."""
    words = terms(query)
    posts = Post.objects.public().filter(office=office)
    if not words:
        return posts.none()
    if connection.vendor != "postgresql":
        return posts.filter(_sqlite(words)).order_by("-published_at", "-id")
    return _postgresql_order(posts, posts.filter(_postgresql(words)), words)


def _postgresql_order(posts: QuerySet[Post], found: QuerySet[Post], words: list[str]):
    """Newest first, with the plan chosen here: PostgreSQL's own choice can take seconds.

    Walking the date index and testing each row (to_tsvector per row) is fastest when many
    posts match and disastrous when few do; the planner overestimates matches of several
    words (it multiplies their shares as if independent) and underrates the per-row cost.
    Sorting by an expression no index provides makes it collect the matches from the GIN
    index instead, at a cost bounded by their number. Only a single word's share is
    estimated reliably enough to risk the walk."""
    if len(words) == 1 and _estimate(found) >= WALK_SHARE * _estimate(posts):
        return found.order_by("-published_at", "-id")
    by_date = ExpressionWrapper(F("published_at") + timedelta(0), output_field=DateTimeField())
    return found.order_by(by_date.desc(), "-id")


def _estimate(queryset: QuerySet[Post]) -> float:
    """The planner's row estimate, from statistics only (fractions of a millisecond)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def _sqlite(words: list[str]) -> Q:
    # Each word as an FTS5 string ("..."); juxtaposed strings mean AND. The words travel as
    # a parameter; only the constant table name is in the SQL.
    match = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    rows = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611
    return Q(pk__in=rows)


class GermanMatch(Func):
    """title and body match a web-search query, in the very expression the GIN index holds
    (with whatever table alias the query gives posts_post, so it also works as a subquery)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (title, one), (body, two), (query, three) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"to_tsvector('german', {title} || ' ' || {body})"
            f" @@ websearch_to_tsquery('german', {query})"
        )
        return sql, (*one, *two, *three)


def _postgresql(words: list[str]) -> GermanMatch:
    return GermanMatch(F("title"), F("body"), Value(" ".join(words)))
