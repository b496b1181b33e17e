"""Full-text search over an office's public posts, one interface for both databases.

Both databases index the same tokens, the posts' search words (``Post.search_title`` and
``search_body``, made by ``lib.german_words``): SQLite in an FTS5 table, PostgreSQL in GIN
indexes over ``to_tsvector('simple', …)`` (both created by migration 0002). A query word
is folded and stemmed the same way and matches a post when one of its patterns does (the
stem, the start of a longer word, the head of a compound), so "Buergeramt", "Baustellen"
and "Sperrung" find "Bürgeramt", "Baustelle" and "Vollsperrung" on either database.

Every word must match. The order is recency with a bonus: a post whose title holds every
word counts as if published ``TITLE_BONUS`` later. A reader looks for recent news, but a
post about the thing itself should beat last week's passing mention of it.

Ranking must not read every match of a common word (a third of 100,000 posts) for the
first page. It need not: for the first ``n`` results, take the ``n`` newest matches (found
fast by walking the date index); the oldest of them, published at D, ranks at least at D,
so no match published before D - TITLE_BONUS can be among the first ``n``. Slicing the
results (as the page does) ranks only the matches after that; the order is exact.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from rathaus.lib import german_words
from rathaus.offices.models import Office
from rathaus.posts.models import Post

FTS_TABLE = "newsroom_post_words"
TABLE = Post._meta.db_table
MAX_TERMS = 12
TITLE_BONUS = timedelta(days=90)
# A word in at least this share of the office's posts is found fastest by walking the date
# index: twenty hits turn up within a few hundred rows.
WALK_SHARE = 0.05


def terms(query: str) -> list[str]:
    """The folded words of ``query`` the search looks for, all of which must occur. Only
    letters and digits reach the search engines: every operator (NEAR, *, ^, -, quotes,
    parentheses, column filters, tsquery's & | ! <->) is dropped here rather than escaped
    case by case, and so are stop words ("und", "die")."""
    return german_words.query_words(query, limit=MAX_TERMS)


class RankedPosts(QuerySet):
    """Search results. A slice with an end ranks the ids first, in a narrow query, and
    then reads only their rows; on a walk of the date index (``_by_date``), it ranks only
    the matches that can be in the slice."""

    _ranked = False
    _by_date: QuerySet[Post] | None = None  # every match, newest first, when walked

    def _clone(self):
        clone = super()._clone()
        clone._ranked, clone._by_date = self._ranked, self._by_date
        return clone

    def __getitem__(self, k):
        if not isinstance(k, slice) or k.stop is None or not self._ranked or self.query.is_sliced:
            return super().__getitem__(k)
        narrowed = self._chain()
        narrowed._ranked = False
        if self._by_date is not None:
            dates = self._by_date.values_list("published_at", flat=True)
            if oldest := list(dates[k.stop - 1 : k.stop]):
                narrowed = narrowed.filter(published_at__gte=oldest[0] - TITLE_BONUS)
        ids = list(narrowed.values_list("pk", flat=True)[k])
        return narrowed.filter(pk__in=ids)


def search_posts(office: Office, query: str) -> QuerySet[Post]:
    """Public posts of ``office`` matching every word of ``query``, best first.

    (The SQL names the table posts_post: filter by these results with ``pk__in``, never
    nest them under another alias.)"""
    words = terms(query)
    posts = Post.objects.public().filter(office=office)
    if not words:
        return posts.none()
    every = [german_words.patterns(word) for word in words]
    if connection.vendor != "postgresql":
        found, in_title = _sqlite(every)
    else:
        found, in_title = _postgresql(every)
    matches = posts.filter(found)
    bonus = f"CASE WHEN {in_title[0]} THEN 1 ELSE 0 END"
    if connection.vendor != "postgresql":
        # julianday() in SQL: Django's date arithmetic would call Python for each match.
        key = f"julianday({TABLE}.published_at) + {TITLE_BONUS.days} * {bonus}"
    else:
        key = f"{TABLE}.published_at + interval '{TITLE_BONUS.days} days' * {bonus}"
    ranked = matches.alias(ranked=RawSQL(key, in_title[1]))  # noqa: S611
    results = RankedPosts(model=Post, query=ranked.order_by("-ranked", "-id").query)
    results._ranked = True
    if _walk(posts, matches, words):
        results._by_date = matches.order_by("-published_at", "-id")
    return results


def _walk(posts: QuerySet[Post], matches: QuerySet[Post], words: list[str]) -> bool:
    """Whether to find the newest matches by walking the date index, testing each post;
    otherwise all matches are collected from the GIN index and ranked.

    Walking is fastest when many posts match and disastrous when few do. PostgreSQL's own
    choice can take seconds: its planner overestimates matches of several words (it
    multiplies their shares as if independent), so only a single word's share is
    estimated reliably enough to risk the walk. (SQLite always starts from the matches its
    FTS5 table lists, which is fast enough.)"""
    if connection.vendor != "postgresql":
        return False
    return len(words) == 1 and _estimate(matches) >= WALK_SHARE * _estimate(posts)


def _estimate(queryset: QuerySet[Post]) -> float:
    """The planner's row estimate, from statistics only (fractions of a millisecond)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def _fts5(every: list[list[german_words.Pattern]]) -> str:
    """Every word matches one of its patterns. Tokens are letters and digits only
    (german_words), so quoting them is all the escaping there is."""
    return " AND ".join(
        "(" + " OR ".join(f'"{p.token}"' + ("*" if p.prefix else "") for p in patterns) + ")"
        for patterns in every
    )


def _tsquery(every: list[list[german_words.Pattern]], weight: str = "") -> str:
    """The same for to_tsquery; ``weight`` "A" restricts every pattern to the title."""

    def one(p: german_words.Pattern) -> str:
        return f"'{p.token}'" + (":*" + weight if p.prefix else ":" + weight if weight else "")

    return " & ".join("(" + " | ".join(one(p) for p in patterns) + ")" for patterns in every)


def _sqlite(every) -> tuple[Q, tuple[str, list]]:
    """The condition for matching posts, and the SQL telling title hits. The query travels
    as a parameter; only constant table names are in the SQL."""
    query = _fts5(every)
    found = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])  # noqa: S608, S611
    in_title = (
        f"{TABLE}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
        ["{search_title} : (" + query + ")"],
    )
    return Q(pk__in=found), in_title


def _postgresql(every) -> tuple[Q, tuple[str, list]]:
    """The same on the stored vector of migration 0002, whose title words weigh A."""
    match = f"{TABLE}.search_vector @@ to_tsquery('simple', %s)"
    found = RawSQL(match, [_tsquery(every)], output_field=BooleanField())  # noqa: S611
    return Q(found), (match, [_tsquery(every, "A")])
