"""Delivering Outgoing rows, the job engine's kind ``federation.deliver``: claim due rows,
sign and POST them concurrently (a few connections per server at most), record every
outcome as it arrives.

The policy is Mastodon's: 16 attempts over about 2.8 days (attempt⁴ + 15 s, with jitter,
never before a server's Retry-After); an address the SSRF guard refuses fails at once. A
server failing for 7 days is marked unavailable and skipped until it is heard from again;
410 Gone removes the followers behind that inbox.

A worker keeps a stream going rather than batch after batch (a streaming kind: the engine
wakes it, it claims and settles itself): it claims BATCH more rows whenever fewer than
CONNECTIONS are under way, the requests run on remote's event loop, and the worker's thread
records what has finished about every RECORD_EVERY seconds, in one transaction. So the loop
has work while the database is written, and a worker killed in the middle leaves unrecorded
only the requests it had on the wire (at most CONNECTIONS) and those finished since its last
record: the engine's sweep sends them again once their lease ran out (delivery is at least
once; receivers drop an activity id they have seen). Rows it had claimed but not sent yet are
late, not lost. Outcomes are recorded only on rows the worker still holds, so a worker that
comes back after its rows were swept and taken again changes nothing. A worker that finds a
full batch due asks for one helper run, so that idle workers (threads or other consumer
processes) join a big fan-out.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rathaus.federation import identities, remote
from rathaus.federation.models import Activity, Follower, Outgoing, RemoteHost
from rathaus.jobs import engine, runner
from rathaus.lib import netguard

MAX_ATTEMPTS = 16
UNAVAILABLE_AFTER = timedelta(days=7)
# A worker holds its rows this long; one that died leaves them to the sweep after it.
LEASE = timedelta(minutes=10)
# A run that lasts (rows waiting behind a slow server) extends its lease this often, so the
# sweep never sends again what a live worker still holds.
RENEW_EVERY = LEASE.total_seconds() / 3
# Seconds a run keeps claiming; what is due after it waits for the next run (the tick's).
BUDGET = 60.0
# Rows per claim. Rows claimed but not sent when a worker dies wait for the sweep (LEASE).
BATCH = 250
# Connections per remote server: enough to keep a big server busy, few enough that a
# small one is not flooded by a post to many of its users.
PER_HOST = 4
# Requests under way per process. Fan-out holds rows back itself (_Limits), so aiohttp never
# queues a request: its connect timeout would count the time spent waiting for a free
# connection (rows waiting behind a slow server could fail as unreachable, never tried), and
# each released connection shuffles the list of all waiting servers (a fifth of the CPU of
# an unsigned POST in bench/federation_fanout.py with 5,500 requests handed over at once).
CONNECTIONS = 256
# Seconds finished outcomes wait before they are recorded, in one transaction.
RECORD_EVERY = 0.05
UNAVAILABLE = "server unavailable for 7 days"


@dataclass(frozen=True)
class Answer:
    """What one POST came to (the engine's outcome is decided from it in ``record``)."""

    row_id: int
    status: int | None  # HTTP status; None when the server could not be reached
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def temporary(self) -> bool:
        if self.permanent:
            return False
        return self.status is None or self.status in (408, 429) or self.status >= 500


# --- sending, on remote's event loop ---------------------------------------------------------


class _Limits:
    """CONNECTIONS requests at most per process, PER_HOST per server: shared by every
    delivery running in this process, since they share the one loop and session."""

    def __init__(self) -> None:
        self.slots = asyncio.Semaphore(CONNECTIONS)
        self.hosts: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @asynccontextmanager
    async def turn(self, host: str):
        # The server's turn first, then a connection: a row waiting for its server must
        # not hold a connection another server could use.
        entry = self.hosts.setdefault(host, (asyncio.Semaphore(PER_HOST), [0]))
        entry[1][0] += 1
        try:
            async with entry[0], self.slots:
                yield
        finally:
            entry[1][0] -= 1
            if not entry[1][0]:
                del self.hosts[host]


class _Process:
    """The session and limits of this process, on remote's loop; made again after a fork."""

    pid: int | None = None
    session = None
    limits: _Limits | None = None


async def _shared() -> tuple[object, _Limits]:
    # One session for the process: connections to a server stay open from row to row.
    if _Process.pid != os.getpid() or _Process.session is None or _Process.session.closed:
        _Process.session = remote.session(limit=CONNECTIONS, limit_per_host=PER_HOST)
        _Process.limits = _Limits()
        _Process.pid = os.getpid()
    return _Process.session, _Process.limits


@dataclass(frozen=True)
class _Payload:
    body: bytes
    key_id: str
    private_pem: str


async def _post(session, row: Outgoing, payload: _Payload) -> Answer:
    try:
        answer = await remote.post_signed(
            session, row.inbox, payload.body, key_id=payload.key_id, private_pem=payload.private_pem
        )
    except (remote.RemoteError, netguard.Refused) as error:
        # An address the SSRF guard refuses stays refused: retrying cannot help, and the
        # server is not "down" (its availability is not touched).
        refused = isinstance(error, remote.Refused | netguard.Refused)
        return Answer(row.pk, None, f"{type(error).__name__}: {error}", permanent=refused)
    error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}: {answer.text}"
    return Answer(row.pk, answer.status, error, answer.retry_after)


class _Flight:
    """One worker's rows under way. Their coroutines run on remote's loop; outcomes go to a
    queue the worker's thread empties, so recording never waits for the loop to be free
    (signing keeps it busy in bursts of hundreds of rows)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.finished: collections.deque[Answer] = collections.deque()  # thread-safe
        self.changed = threading.Event()
        self.started = self.collected = 0  # written by the worker's thread only
        self.ended = 0  # written on the loop only, after the outcome is queued
        self.refill_below = 0
        self.tasks: set[asyncio.Task] = set()  # on the loop only

    @property
    def under_way(self) -> int:
        """Rows started whose outcome the worker has not taken yet."""
        return self.started - self.collected

    def start(self, rows: list[Outgoing], payloads: dict[int, _Payload]) -> None:
        if self.loop is None:
            self.loop = remote.run(_running_loop())
        self.started += len(rows)
        self.loop.call_soon_threadsafe(
            self._start, [(row, payloads[row.activity_id]) for row in rows]
        )

    def wait(self, seconds: float, refill_below: int) -> list[Answer]:
        """The outcomes finished so far, after ``seconds`` at most, or as soon as nothing is
        under way or fewer than ``refill_below`` rows are."""
        self.refill_below = refill_below
        self.changed.clear()
        if seconds > 0 and not self._ready():
            self.changed.wait(seconds)
        outcomes = [self.finished.popleft() for _ in range(len(self.finished))]
        self.collected += len(outcomes)
        return outcomes

    def _ready(self) -> bool:
        running = self.started - self.ended
        return running == 0 or running < self.refill_below

    def _start(self, work: list[tuple[Outgoing, _Payload]]) -> None:
        for row, payload in work:
            task = asyncio.ensure_future(self._send(row, payload))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _send(self, row: Outgoing, payload: _Payload) -> None:
        try:
            session, limits = await _shared()
            async with limits.turn(row.host):
                answer = await _post(session, row, payload)
        except Exception as error:  # recorded and retried, never lost
            answer = Answer(row.pk, None, f"{type(error).__name__}: {error}")
        self.finished.append(answer)
        self.ended += 1
        if self._ready():
            self.changed.set()


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


# --- the worker's side: claim, hand to the loop, record -------------------------------------


def _payloads(rows: list[Outgoing], known: dict[int, _Payload]) -> None:
    """Each activity's body, serialised once, and its account's key, for ``rows``."""
    missing = {row.activity_id for row in rows} - known.keys()
    for activity in Activity.objects.filter(pk__in=missing).select_related("account"):
        known[activity.pk] = _Payload(
            json.dumps(activity.body, ensure_ascii=False).encode(),
            f"{identities.actor(activity.account.username)}#main-key",
            activity.account.private_key_pem,
        )


def _skip_unavailable(rows: list[Outgoing]) -> tuple[list[Outgoing], list[Answer]]:
    if not rows:
        return [], []
    unavailable = set(
        RemoteHost.objects.filter(unavailable=True, domain__in={r.host for r in rows}).values_list(
            "domain", flat=True
        )
    )
    skipped = [
        Answer(r.pk, None, UNAVAILABLE, permanent=True) for r in rows if r.host in unavailable
    ]
    return [r for r in rows if r.host not in unavailable], skipped


def deliver(ids: list[int] | None = None, budget: float | None = None) -> int:
    """Deliver until nothing is due (of ``ids``, if given) or ``budget`` seconds have passed
    (requests under way then are finished and recorded); returns how many rows it took.
    The engine calls it when the kind is woken (``wake``, the tick)."""
    deadline = time.monotonic() + (BUDGET if budget is None else budget)
    # One lease token for every claim of this run: its outcomes settle in one group, and
    # one statement renews all it holds.
    token = uuid.uuid4().hex
    renew_at = time.monotonic() + RENEW_EVERY
    flight = _Flight()
    payloads: dict[int, _Payload] = {}
    rows: dict[int, Outgoing] = {}
    taken = under_way = 0
    claiming = True
    while True:
        fresh: list[Outgoing] = []
        if claiming and under_way < CONNECTIONS:
            if time.monotonic() < deadline:
                fresh = engine.claim(OUTGOING, limit=BATCH, ids=ids, token=token)
            claiming = bool(fresh)
            if not taken and ids is None and len(fresh) == BATCH:
                runner.ask_for_help(OUTGOING)
            taken += len(fresh)
        if not (claiming or under_way or fresh):
            return taken
        sending, skipped = _skip_unavailable(fresh)
        _payloads(sending, payloads)
        # A row whose activity was deleted meanwhile is gone with it (cascade): nothing to send.
        sending = [row for row in sending if row.activity_id in payloads]
        rows.update((row.pk, row) for row in fresh)
        if sending:
            flight.start(sending, payloads)
        refill_below = CONNECTIONS if claiming else 0
        # Straight back to claim more if the loop is short of work, else wait a little.
        wait = 0.0 if flight.under_way < refill_below else RECORD_EVERY
        answers = skipped + flight.wait(wait, refill_below)
        under_way = flight.under_way
        if answers:
            record([rows.pop(a.row_id) for a in answers], answers)
        if time.monotonic() > renew_at:
            engine.renew(OUTGOING, token)
            renew_at = time.monotonic() + RENEW_EVERY


def wake() -> None:
    """Ask a worker to deliver what is due (call it after the commit that queued rows)."""
    runner.wake(OUTGOING)


def record(rows: list[Outgoing], answers: list[Answer]) -> None:
    """Settle the rows by their answers, with what the answers say about the servers, in
    one transaction."""
    now = timezone.now()
    by_id = {row.pk: row for row in rows}
    outcomes: list[engine.Outcome] = []
    gone: list[Outgoing] = []
    for answer in answers:
        row = by_id[answer.row_id]
        error = answer.error[:1000]
        if answer.delivered:
            outcomes.append(engine.done(row, Outgoing.Status.DELIVERED, sent_at=now))
        elif answer.temporary:
            # Tried again by the policy (attempt⁴ + 15 s, Retry-After as a floor) until the
            # attempts are used up.
            outcomes.append(engine.retry(row, error, retry_after=answer.retry_after))
        else:
            if answer.status == 410:
                gone.append(row)
            outcomes.append(engine.fail(row, error))
    delivered = {by_id[a.row_id].host for a in answers if a.delivered}
    with transaction.atomic():
        engine.settle(OUTGOING, outcomes, now=now)
        for row in gone:
            # The inbox is gone for good: so are the followers it stood for.
            Follower.objects.filter(
                Q(actor__inbox=row.inbox) | Q(actor__shared_inbox=row.inbox),
                account__activities=row.activity_id,
            ).delete()
        if delivered:
            RemoteHost.objects.filter(
                Q(failing_since__isnull=False) | Q(unavailable=True), domain__in=delivered
            ).update(failing_since=None, unavailable=False)
        _mark_failing({by_id[a.row_id].host for a in answers if a.temporary}, now)


def _mark_failing(hosts: set[str], now: datetime) -> None:
    if not hosts:
        return
    known = set(RemoteHost.objects.filter(domain__in=hosts).values_list("domain", flat=True))
    RemoteHost.objects.bulk_create(
        [RemoteHost(domain=host, failing_since=now) for host in hosts - known],
        ignore_conflicts=True,
    )
    RemoteHost.objects.filter(domain__in=hosts, failing_since=None).update(failing_since=now)
    newly = RemoteHost.objects.filter(
        domain__in=hosts, unavailable=False, failing_since__lte=now - UNAVAILABLE_AFTER
    )
    if newly.update(unavailable=True):
        # Skipped from now on: what waits for such a server fails instead of piling up.
        Outgoing.objects.filter(
            status=Outgoing.Status.QUEUED,
            host__in=RemoteHost.objects.filter(unavailable=True).values("domain"),
        ).update(status=Outgoing.Status.FAILED, last_error=UNAVAILABLE)


def heard_from(host: str) -> None:
    """A server spoke to us: it is reachable again."""
    RemoteHost.objects.filter(domain=host.lower(), unavailable=True).update(
        unavailable=False, failing_since=None
    )


OUTGOING = engine.register(
    engine.Kind(
        "federation.deliver",
        model=Outgoing,
        policy=engine.Policy(
            max_attempts=MAX_ATTEMPTS,
            # Mastodon's schedule: attempt⁴ + 15 s plus up to 10 s per attempt of jitter.
            backoff=engine.fourth_power(15, 10),
            lease=LEASE,
            # Delivery is at least once: what a dead worker held goes again.
            on_expiry=engine.REQUEUE,
            # Read later by people (the office's federation status): in the house language.
            expiry_message=gettext_lazy("The worker stopped while sending."),
            batch=BATCH,
            budget=BUDGET,
        ),
        stream=deliver,
        # Only what sending and recording read; the activity (body, key) is loaded once per
        # activity, not joined to every row.
        fields=("activity_id", "inbox", "host"),
    )
)
