"""Signed requests to the inboxes whose key must be fetched first: stored, then verified and
handled by a worker, so that no web request waits on another server.

The inbox view checks what it can without the network (the body, the signature's form, its
time window, the digest) and verifies at once when the signer's key is stored. Otherwise
:func:`store` keeps the request – bounded: MAX_PER_HOST waiting per key host (429) and
MAX_WAITING in all (503), both with Retry-After – and :func:`wake` hands it to a worker.
Each stored request is a row of the job engine (kind ``federation.check_incoming``): its
tick takes what a lost wake-up or a dead worker left, and its policy tries a request whose
key server did not answer again after RETRIES, then drops it.

Key fetches are limited: a key is fetched at most once per REFETCH_AFTER (so a flood of
badly signed requests cannot make us refetch it again and again), and a host that did not
answer is left alone for that long (``KeyFetch`` rows).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from rathaus.federation import activities, actors, fanout, receiving, remote
from rathaus.federation.models import IncomingRequest, KeyFetch
from rathaus.jobs import engine, runner
from rathaus.lib import httpsig

log = logging.getLogger(__name__)

MAX_PER_HOST = 100
MAX_WAITING = 2000
RETRY_AFTER = 60  # seconds, in the 429 and 503 answers
MAX_HEADER_BYTES = 16 * 1024  # of the headers kept; a signature needs a few hundred bytes
MAX_KEY_ID = 500  # KeyFetch.key_id, RemoteActor.key_id
REFETCH_AFTER = timedelta(minutes=5)
# A request whose key server did not answer is tried again after these waits, then dropped
# (at least REFETCH_AFTER each, or the retry would find the host still left alone).
RETRIES = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# A worker that took a row and died: the row is taken again after this. A fetch gives up
# after remote.TOTAL_TIMEOUT (15 s), so a lease is far longer than any processing.
LEASE = timedelta(minutes=5)
BATCH = 20
# A run stops taking more batches after this, so runs do not pile up.
RUN_SECONDS = 45
# Always kept: the signature itself and what its checks read besides the covered headers.
KEPT = {"host", "date", "digest", "content-digest", "content-type", "signature", "signature-input"}


class Full(Exception):
    """Too many requests wait already: answer ``status`` with Retry-After."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class TryLater(Exception):
    """The key cannot be had now (its server did not answer): the request waits."""


def stored_key_lookup(key_id: str, refresh: bool = False) -> str | None:
    """The ``KeyLookup`` of a web request: the stored key only. Whenever the network would
    be needed (an unknown key, or a refetch because the stored one did not verify) it
    raises :class:`httpsig.KeyNeedsFetching`, and a worker checks the request – except for
    a refetch of a key fetched a moment ago: then the stored key is all there is (401)."""
    if refresh:
        if _recent().filter(key_id=key_id, failed=False).exists():
            return None
        raise httpsig.KeyNeedsFetching(key_id)
    known = actors.owner_of(key_id)
    if known is None:
        raise httpsig.KeyNeedsFetching(key_id)
    return known.public_key_pem


def _host(key_id: str) -> str:
    try:
        return (urlsplit(key_id).hostname or "").lower()
    except ValueError:  # e.g. "http://[::1" – no URL at all
        return ""


def _recent():
    return KeyFetch.objects.filter(fetched_at__gte=timezone.now() - REFETCH_AFTER)


def store(
    *, key_id: str, method: str, path: str, scheme: str, headers: dict, body: bytes
) -> IncomingRequest:
    """Keep a request whose signature passed every check but the key's.

    Raises :class:`Full` when too many wait, :class:`httpsig.MalformedSignature` for a key
    id or headers we would not keep.
    """
    host = _host(key_id)
    if not host or len(key_id) > MAX_KEY_ID:
        raise httpsig.MalformedSignature("the keyId is no URL we can fetch")
    names = KEPT | httpsig.signed_header_names(headers)
    kept = {name: value for name, value in httpsig.lower_headers(headers).items() if name in names}
    if len(json.dumps(kept)) > MAX_HEADER_BYTES:
        raise httpsig.MalformedSignature("the signed headers are too large")
    if IncomingRequest.objects.filter(key_host=host).count() >= MAX_PER_HOST:
        raise Full(429, f"too many requests signed by keys of {host} wait to be checked")
    if IncomingRequest.objects.count() >= MAX_WAITING:
        raise Full(503, "too many requests wait to be checked")
    return IncomingRequest.objects.create(
        key_id=key_id,
        key_host=host,
        method=method,
        path=path,
        scheme=scheme,
        headers=kept,
        body=body,
    )


def wake(row: IncomingRequest) -> None:
    """Hand a stored request to a worker (the row is committed: inbox views run without a
    transaction)."""
    runner.wake(CHECK, ids=[row.pk])


# --- the worker's side ------------------------------------------------------------------------


def handle(rows: list[IncomingRequest]) -> Iterator[engine.Outcome]:
    """The engine's handler: check each claimed request; handled or refused, it is deleted
    (the policy's ``delete_done``), else tried again by the policy."""
    # Fetch times older than REFETCH_AFTER limit nothing any more.
    KeyFetch.objects.filter(fetched_at__lt=timezone.now() - REFETCH_AFTER).delete()
    for row in rows:
        yield process(row)


def process(row: IncomingRequest) -> engine.Outcome:
    """Verify one stored request (fetching the key as needed) and handle its activity."""
    body = bytes(row.body)
    try:
        activity = receiving.read(body)
        verified = httpsig.verify_any(
            row.method,
            row.path,
            row.headers,
            body,
            public_key_for=fetching_key_lookup,
            # The Date window counts from when the request arrived, not from now.
            now=row.received_at,
            scheme=row.scheme,
        )
        signer = actors.owner_of(verified.key_id)
        if signer is None:
            raise httpsig.UnknownKey(f"no actor for {verified.key_id}")
        fanout.heard_from(activities.host_of(signer.uri))
        result = receiving.handle(activity, signer=signer)
    except TryLater as error:
        return _later(row, str(error))
    except (receiving.Unreadable, httpsig.SignatureError, receiving.NotTheSigner) as error:
        result = f"refused: {type(error).__name__}: {error}"
    except Exception as error:  # a bug or a database hiccup: try again, then give up
        log.exception("inbox request %s failed", row.pk)
        return _later(row, f"{type(error).__name__}: {error}")
    log.info("inbox %s signed by %s: %s", row.path, row.key_id, result)
    return engine.done(row, result=result)


def _later(row: IncomingRequest, reason: str) -> engine.Outcome:
    if row.attempts >= CHECK.policy.attempts_allowed():
        # The retry below fails it, and a failed request is deleted (``delete_failed``).
        log.info("inbox request %s from %s dropped: %s", row.pk, row.key_host, reason)
        return engine.retry(row, reason, result=f"dropped: {reason}")
    return engine.retry(row, reason, result=f"later: {reason}")


def _temporary(error: remote.RemoteError) -> bool:
    if isinstance(error, remote.BadStatus):
        return error.status in (408, 429) or error.status >= 500
    # Refused (not a public address, not a URL), NotJson, TooLarge, InvalidActor: the same
    # request would fail the same way again.
    return isinstance(error, remote.Unreachable)


def fetching_key_lookup(key_id: str, refresh: bool = False) -> str | None:
    """The worker's ``KeyLookup``: the stored key, or fetched – at most once per key per
    REFETCH_AFTER, and not while its host failed to answer within that time."""
    if not refresh:
        known = actors.owner_of(key_id)
        if known is not None:
            return known.public_key_pem
    host = _host(key_id)
    recent = _recent()
    if recent.filter(host=host, failed=True).exists():
        raise TryLater(f"{host} did not answer a key request a moment ago")
    if recent.filter(key_id=key_id).exists():
        return None  # fetched a moment ago: what we have is all there is
    KeyFetch.objects.update_or_create(
        key_id=key_id, defaults={"host": host, "fetched_at": timezone.now(), "failed": False}
    )
    try:
        actor = actors.fetch_key_owner(key_id)
    except (remote.RemoteError, TimeoutError) as error:
        temporary = isinstance(error, TimeoutError) or _temporary(error)
        if temporary:
            KeyFetch.objects.filter(key_id=key_id).update(failed=True)
            raise TryLater(f"the key {key_id} could not be fetched: {error}") from error
        log.info("key %s refused: %s", key_id, error)
        return None
    return actor.public_key_pem if actor.key_id == key_id else None


CHECK = engine.register(
    engine.Kind(
        "federation.check_incoming",
        model=IncomingRequest,
        policy=engine.Policy(
            # The first attempt and one after each wait of RETRIES, then dropped.
            max_attempts=len(RETRIES) + 1,
            backoff=engine.steps(*RETRIES),
            lease=LEASE,
            on_expiry=engine.REQUEUE,
            expiry_message="the worker stopped while checking the request",
            batch=BATCH,
            budget=RUN_SECONDS,
            # A request is kept only until it is handled or given up.
            delete_done=True,
            delete_failed=True,
        ),
        handle=handle,
        # Each request's outcome at once: a worker that dies after handling a Follow must
        # not leave it to be handled again.
        settle_each=True,
    )
)
