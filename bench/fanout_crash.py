"""Run 2 of ``bench.federation_fanout``: two consumers deliver a post, the busier one is
SIGKILLed half-way, the job engine's sweep requeues what it held as if its lease had run
out, the survivor finishes; then the inbox server's receipts say what was lost and what
went out twice."""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from datetime import timedelta

from bench import fanout_rows as rows_of
from bench.fanout_rows import POLL, fmt_counts, wait_delivered
from bench.fanout_setup import Setup, publish
from bench.huey_consumers import Consumers, cpu_seconds
from bench.inbox_server import InboxServer


def run_crash(box, setup: Setup, expected: set[str], server: InboxServer, args) -> dict:
    from django.utils import timezone

    from rathaus.federation import fanout
    from rathaus.federation.models import Outgoing
    from rathaus.jobs import engine

    Status = Outgoing.Status
    consumers = Consumers(box, 2, args.workers, "huey-crash.log")
    busy: list[list[float]] = []  # CPU seconds of each consumer, per poll
    try:
        post, published = publish(setup, "2")
        activity = rows_of.activity_of(post, timeout=30)

        def half_way(counts: Counter) -> bool:
            busy.append([cpu_seconds(p.pid) for p in consumers.processes])
            return len(busy) > 1 and counts[Status.DELIVERED] >= len(expected) // 2

        wait_delivered(activity, len(expected), args.timeout, until=half_way, label="before ")
        # Kill the consumer that worked most since the last poll: it is surely delivering.
        work = [now - before for now, before in zip(busy[-1], busy[-2], strict=True)]
        victim = consumers.processes[work.index(max(work))]
        # A poll sees rows change when a worker records them: killing right then would hit
        # every worker at the same point of its cycle. A random delay hits any point.
        delay = random.uniform(0, 0.5)
        time.sleep(delay)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_at = timezone.now()
        at_kill = rows_of.counts(activity)
        time.sleep(0.5)  # what the victim had written to a socket has arrived by now
        received_at_kill = server.report()["receipts"].get(activity.activity_id, {})

        # The survivor delivers what is queued; what the victim held stays "running". (If
        # the survivor had no task, rows stay queued: the task enqueued below takes them.)
        def only_stuck_left(counts: Counter) -> bool:
            return rows_of.settled(activity)

        wait_delivered(activity, len(expected), args.timeout, until=only_stuck_left, label="after ")
        rows = Outgoing.objects.filter(activity=activity)
        held = set(rows.filter(status=Status.RUNNING).values_list("inbox", flat=True))
        sent_unrecorded = len(held & set(received_at_kill))
        # A deployment's minutely tick sweeps them when their 10-minute lease has run out:
        # pretend it has.
        later = timezone.now() + fanout.LEASE + timedelta(minutes=1)
        requeued = engine.sweep(fanout.OUTGOING, now=later)
        rows.filter(status=Status.QUEUED).update(next_attempt_at=timezone.now())
        fanout.wake()
        resumed = time.monotonic()
        done, counts = wait_delivered(activity, len(expected), args.timeout, label="requeued ")
        after_requeue = time.monotonic() - resumed
    finally:
        consumers.close()
    lost, duplicated = rows_of.check(server.report(), activity.activity_id, expected)
    return {
        "done": done,
        "counts": counts,
        "at_kill": at_kill,
        "work": work,
        "delay": delay,
        "killed_after": (killed_at - published).total_seconds(),
        "held": len(held),
        "sent_unrecorded": sent_unrecorded,
        "requeued": requeued,
        "after_requeue": after_requeue,
        "lost": lost,
        "duplicated": duplicated,
    }


def print_crash(result: dict) -> None:
    work = ", ".join(f"{w:.2f}" for w in result["work"])
    print(
        f"  killed {result['killed_after']:.2f} s after publish(), {result['delay']:.2f} s after"
        f" the poll that saw half delivered, at {fmt_counts(result['at_kill'])} (CPU s of the"
        f" two consumers in the {POLL} s before that poll: {work})"
    )
    print(
        f"  rows the dead worker held ('running'): {result['held']}; the sweep requeued"
        f" {result['requeued']}; the inbox had already received {result['sent_unrecorded']}"
        f" of them (sent, outcome not recorded yet), so these went out twice; the other"
        f" {result['held'] - result['sent_unrecorded']} were claimed, not yet sent: late, not lost"
    )
    state = "all delivered" if result["done"] else "NOT all delivered"
    print(
        f"  after the requeue: {state} in {result['after_requeue']:.2f} s;"
        f" {fmt_counts(result['counts'])}"
    )
    print(f"  lost {result['lost']}, duplicated {result['duplicated']}")
