"""What ``bench.federation_fanout`` reads back: the post's Outgoing rows as they are claimed
and delivered (polled, with the times taken from the rows themselves), and the inbox
server's receipts compared with the inboxes expected: lost and duplicated."""

from __future__ import annotations

import time
from collections import Counter

POLL = 0.2  # seconds between looks at the Outgoing table


def counts(activity) -> Counter:
    from django.db.models import Count

    from rathaus.federation.models import Outgoing

    rows = Outgoing.objects.filter(activity=activity).values_list("status").annotate(Count("pk"))
    return Counter(dict(rows))


def activity_of(post, timeout: float):
    from rathaus.federation.models import Activity

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = Activity.objects.filter(post=post, kind="Create").first()
        if found is not None:
            return found
        time.sleep(0.02)
    raise RuntimeError("the channel task did not store the activity in time")


def wait_delivered(
    activity, total: int, timeout: float, until=None, label: str = ""
) -> tuple[bool, Counter]:
    """Poll the Outgoing rows until every one is delivered or failed (or ``until`` says so).
    The times reported come from the rows themselves, not from when a poll saw them."""
    from rathaus.federation.models import Outgoing

    Status = Outgoing.Status
    started = last_print = time.monotonic()
    found = Counter()
    while time.monotonic() - started < timeout:
        found = counts(activity)
        if found[Status.DELIVERED] + found[Status.FAILED] >= total:
            return True, found
        if until is not None and until(found):
            return False, found
        if time.monotonic() - last_print >= 1:
            last_print = time.monotonic()
            print(f"    {label}t+{last_print - started:4.1f}s  {fmt_counts(found)}")
        time.sleep(POLL)
    return False, found


def fmt_counts(counts: Counter) -> str:
    return "  ".join(f"{status} {counts[status]}" for status in sorted(counts))


def first_claim(post, timeout: float):
    """When a worker first claimed rows of ``post``'s fan-out. A claim leases its rows until
    claim time + ``fanout.LEASE``, and a settled row's lease is cleared: so the earliest
    lease among rows still running, seen soon enough, is the first claim's. Polled every
    2 ms from publish() on; recording the first claim's rows takes at least a round trip
    and RECORD_EVERY (50 ms), so they are still running when the poll sees them."""
    from django.db.models import Min

    from rathaus.federation import fanout
    from rathaus.federation.models import Outgoing

    running = Outgoing.objects.filter(status=Outgoing.Status.RUNNING, activity__post=post)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        first = running.aggregate(first=Min("lease_until"))["first"]
        if first is not None:
            return first - fanout.LEASE
        time.sleep(0.002)
    raise RuntimeError("no worker claimed the post's deliveries in time")


def times(activity, published, first_claim) -> tuple[float, float]:
    """Seconds from publish() to the last row delivered, and from the first claim to it."""
    from django.db.models import Max

    from rathaus.federation.models import Outgoing

    last = Outgoing.objects.filter(activity=activity).aggregate(last=Max("sent_at"))["last"]
    return (last - published).total_seconds(), (last - first_claim).total_seconds()


def check(report: dict, activity_id: str, expected: set[str]) -> tuple[int, int]:
    """Lost: expected inboxes that never received the activity (an inbox nobody expected
    that did would count too); duplicated: receipts beyond the first, per inbox."""
    received = report["receipts"].get(activity_id, {})
    lost = len(expected - set(received)) + len(set(received) - expected)
    duplicated = sum(count - 1 for count in received.values() if count > 1)
    return lost, duplicated


def settled(activity, quiet: float = 1.0) -> bool:
    """Nothing changed among the rows for ``quiet`` seconds: the survivor is idle."""
    before = counts(activity)
    time.sleep(quiet)
    return counts(activity) == before
