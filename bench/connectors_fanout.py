"""One post to 50 connected platform accounts on local fake servers, with 10 % of the calls
failing temporarily: how long until every account has it, and how many posts were made twice.

The accounts are spread over seven platforms, one fake server per platform with an account
of its own for each connected account (tests/fakes: Mastodon, Bluesky, X, the Graph API for
Facebook and Instagram, LinkedIn, Telegram), driven by the real client libraries. Each
server answers ``--failure-rate`` of all calls with 503 (Retry-After: 0) before handling
them, and drops ``--drop-rate`` of the writes unanswered *after* handling them — the
"timeout after send" that check-before-retry must not turn into a second post.

The post (with an image, long enough to become a thread on X, Bluesky and Mastodon) is
published through the lifecycle; ``--workers`` threads then send the due deliveries with
``delivery.sending.send`` (the real claim, channel and outcome code). A temporary failure
is retried as the worker would, only without waiting out the backoff (which would add
30 s, 60 s, ... per retry): the time measured is the work, not the waiting.

    .venv/bin/python -m bench.connectors_fanout [--accounts 50] [--failure-rate 0.1]

Goal: all delivered, 0 duplicates.
"""

from __future__ import annotations

import argparse
import collections
import io
import time
from concurrent.futures import ThreadPoolExecutor

from bench.sandbox import open_sandbox

PLATFORMS = ["mastodon", "bluesky", "x", "facebook", "instagram", "linkedin", "telegram"]
BODY = (
    "Ab **Montag, 3. März**, wird die Lindenallee zwischen Hausnummer 4 und 28 für den "
    "Austausch der Wasserleitungen voll gesperrt. Die Umleitung führt über die Parkstraße "
    "und ist ausgeschildert. Anwohnende erreichen ihre Grundstücke zu Fuß jederzeit; für "
    "Rettungsdienste bleibt eine Gasse frei. Die Buslinie 142 hält in dieser Zeit an der "
    "Ersatzhaltestelle vor dem Rathaus. Die Arbeiten dauern voraussichtlich sechs Wochen. "
    "Fragen beantwortet das Straßen- und Grünflächenamt unter der Rufnummer 030 1234-5678."
)


def _fakes() -> dict:
    from tests.fakes.bluesky import FakeBluesky
    from tests.fakes.graph import FakeGraph
    from tests.fakes.linkedin import LinkedInFake
    from tests.fakes.mastodon import FakeMastodon
    from tests.fakes.telegram import FakeTelegram
    from tests.fakes.x import FakeX

    kinds = {
        "mastodon": FakeMastodon,
        "bluesky": FakeBluesky,
        "x": FakeX,
        "facebook": FakeGraph,
        "instagram": FakeGraph,
        "linkedin": LinkedInFake,
        "telegram": FakeTelegram,
    }
    graph = FakeGraph().start()  # Facebook pages and their Instagram accounts
    return {
        platform: graph if kind is FakeGraph else kind().start() for platform, kind in kinds.items()
    }


def _values(fake, platform: str, n: int) -> dict:
    """An account of its own on ``fake`` for the ``n``-th account of the platform."""
    from datetime import UTC, datetime

    if platform == "mastodon":
        return fake.connection_values(fake.add_account(f"amt{n}", token=f"token-amt-{n}"))
    if platform == "bluesky":
        session = fake.session_for(fake.add_account(f"amt{n}.bsky.test"))
        expires = fake.tokens[session["refreshJwt"]].exp
        return {
            "remote_id": session["did"],
            "name": session["handle"],
            "access_token": session["accessJwt"],
            "refresh_token": session["refreshJwt"],
            "token_expires_at": datetime.fromtimestamp(expires, UTC),
            "details": {"handle": session["handle"]},
        }
    if platform == "x":
        return fake.connection_values()
    if platform in ("facebook", "instagram"):
        return fake.connection_values(platform, n)
    return fake.connection_values(n)


def _connect(office, count: int, fakes: dict) -> list:
    from rathaus.connectors.models import ConnectedAccount

    accounts = []
    for n in range(count):
        platform = PLATFORMS[n % len(PLATFORMS)]
        fake = fakes[platform]
        values = _values(fake, platform, n // len(PLATFORMS))
        account = ConnectedAccount.objects.create(
            office=office, platform=platform, api_base=fake.url, **values
        )
        accounts.append(account)
    return accounts


def _publish(office, editor, approver):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from rathaus.posts import lifecycle

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 90, 60)).save(buffer, format="PNG")
    post = lifecycle.create_draft(
        office, by=editor, title="Vollsperrung Lindenallee", body=BODY, category="notice"
    )
    lifecycle.add_image(
        post,
        by=editor,
        file=SimpleUploadedFile("baustelle.png", buffer.getvalue(), content_type="image/png"),
        alt_text="Absperrgitter vor der Lindenallee",
        author="Bezirksamt",
        licence="CC0",
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    return lifecycle.publish(post, by=approver)


def _send(delivery_id: int) -> str | None:
    from django.db import connection

    from rathaus.delivery import sending

    try:
        return sending.send(delivery_id)
    finally:
        connection.close()  # this thread's; the sandbox drops its database at the end


def _drain(post, workers: int) -> tuple[float, int]:
    """Send until nothing is queued; returns seconds and rounds."""
    from django.utils import timezone

    from rathaus.delivery.models import Delivery

    started = time.perf_counter()
    rounds = 0
    with ThreadPoolExecutor(workers) as pool:
        while True:
            queued = Delivery.objects.filter(post=post, status=Delivery.Status.QUEUED)
            queued.update(next_attempt_at=timezone.now())  # the backoff's wait, skipped
            due = list(queued.values_list("pk", flat=True))
            if not due:
                break
            rounds += 1
            list(pool.map(_send, due))
    return time.perf_counter() - started, rounds


def _duplicates(fakes: list) -> int:
    twice = 0
    for fake in fakes:
        for texts in fake.posts_by_account().values():
            twice += len(texts) - len(set(texts))
    return twice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--failure-rate", type=float, default=0.10)
    parser.add_argument("--drop-rate", type=float, default=0.03)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    box = open_sandbox("connectors_fanout")
    try:
        from django.conf import settings

        settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
        _run(args)
    finally:
        box.close()


def _run(args) -> None:
    from django.contrib.auth import get_user_model

    from rathaus.delivery.models import Delivery
    from rathaus.offices.models import Membership, Office, Role

    office = Office.objects.create(
        name="Bezirksamt Mitte", slug="mitte", public_base_url="https://presse.mitte.example"
    )
    people = {}
    for name, role in (("erika", Role.EDITOR), ("anton", Role.APPROVER)):
        people[name] = get_user_model().objects.create_user(username=name)
        Membership.objects.create(user=people[name], office=office, role=role)
    by_platform = _fakes()
    fakes = list({id(f): f for f in by_platform.values()}.values())
    _connect(office, args.accounts, by_platform)
    for fake in fakes:
        fake.failure_rate, fake.drop_rate = args.failure_rate, args.drop_rate
    post = _publish(office, people["erika"], people["anton"])
    seconds, rounds = _drain(post, args.workers)
    deliveries = Delivery.objects.filter(post=post).exclude(channel="newsroom")
    statuses = collections.Counter(deliveries.values_list("status", flat=True))
    attempts = sum(deliveries.values_list("attempts", flat=True))
    parts = sum(len(d.remote_parts) for d in deliveries)
    failed = sum(fake.injected["failed"] for fake in fakes)
    dropped = sum(fake.injected["dropped"] for fake in fakes)
    calls = sum(len(fake.requests) for fake in fakes)
    duplicates = _duplicates(fakes)
    for fake in fakes:
        fake.stop()
    print(f"accounts: {args.accounts} on {len(PLATFORMS)} platforms ({len(fakes)} fake servers)")
    print(f"platform posts made (thread parts included): {parts}")
    print(
        f"HTTP calls: {calls}; answered 503 before handling: {failed} "
        f"({failed / max(calls, 1):.1%}); handled but dropped unanswered: {dropped}"
    )
    print(f"deliveries: {dict(statuses)}; attempts: {attempts}; rounds: {rounds}")
    print(f"time to all delivered (backoff waits skipped): {seconds:.2f} s")
    print(f"duplicates on the platforms: {duplicates}")
    for channel, error in deliveries.exclude(status="published").values_list(
        "channel", "last_error"
    ):
        print(f"  not delivered: {channel}: {error[:200]}")


if __name__ == "__main__":
    main()
