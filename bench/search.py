"""Newsroom search over 100,000 published posts of one office.

Fills a fresh database with made-up German posts (bench/corpus.py; bulk_create, so body_html
and the search words are set here, since only Post.save makes them), then times the first result page,
``list(search_posts(office, q)[:20])``, for 200 queries. SQLite by default; PostgreSQL when
DATABASE_URL is set (in a database of its own, rathaus_bench_search_<pid>).

    .venv/bin/python -m bench.search [--posts 100000] [--queries 200] [--rounds 3]

Goal: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import html
import random
import time
from datetime import timedelta

from bench import corpus
from bench.sandbox import open_sandbox, percentile, summary

BATCH = 2000


def fill(count: int, rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from rathaus.lib import german_words
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post

    office = Office.objects.create(
        name="Bezirksamt Suche", slug="suche", imprint="Suche", privacy_contact="Suche"
    )
    author = get_user_model().objects.create_user("bench.search")
    now = timezone.now()
    five_years = 5 * 365 * 24 * 3600
    for start in range(0, count, BATCH):
        posts = []
        for _ in range(min(BATCH, count - start)):
            category, title, body = corpus.post_text(rng)
            published = now - timedelta(seconds=rng.randint(0, five_years))
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
            posts.append(
                Post(
                    office=office,
                    title=title,
                    body=body,
                    body_html=paragraphs,
                    search_title=german_words.tokens(title),
                    search_body=german_words.tokens(body),
                    category=category,
                    status=Post.Status.PUBLISHED,
                    published_at=published,
                    approved_at=published,
                    created_by=author,
                    last_editor=author,
                )
            )
        Post.objects.bulk_create(posts)
    return office


def analyse() -> None:
    """Fresh planner statistics, as autovacuum/ANALYZE would have them in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(office, queries: list[str], rounds: int) -> tuple[list[float], dict[str, float]]:
    from rathaus.newsroom.search import search_posts

    for query in queries:  # warm-up: caches and prepared plans, as on a running server
        list(search_posts(office, query)[:20])
    timings, slowest = [], {}
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            list(search_posts(office, query)[:20])
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            slowest[query] = max(elapsed, slowest.get(query, 0.0))
    return timings, slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    box = open_sandbox("search")
    try:
        from rathaus.newsroom.search import search_posts

        rng = random.Random(2026)
        print(f"search: {args.posts} posts, {box.engine}")
        started = time.monotonic()
        office = fill(args.posts, rng)
        analyse()
        print(f"filled and indexed in {time.monotonic() - started:.1f} s")
        queries = corpus.queries(rng, args.queries)
        timings, slowest = measure(office, queries, args.rounds)
        print(f"first page (20) of {len(queries)} queries × {args.rounds}: {summary(timings)}")
        print("slowest queries (ms, matches):")
        for query in sorted(slowest, key=slowest.get, reverse=True)[:8]:
            matches = search_posts(office, query).count()
            print(f"  {slowest[query] * 1000:7.1f}  {matches:6d}  {query}")
        p95 = percentile(timings, 95) * 1000
        print(f"goal p95 < 50 ms: {'met' if p95 < 50 else 'MISSED'} (p95 = {p95:.1f} ms)")
    finally:
        box.close()


if __name__ == "__main__":
    main()
