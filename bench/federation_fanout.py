"""Fan-out of one post to 10,000 followers on 1,000 servers, signed, and what a killed worker costs.

An inbox server of its own (a separate process, raw asyncio, no Django) listens on 1,000 ports
of 127.0.0.1, one port per "server" ``127.0.0.1:<port>``. It checks every request as a
Mastodon inbox would (``rathaus.lib.httpsig.verify`` with the account's public key, whose PEM
it holds – loading it costs 3 µs, verifying 16 µs –, Digest and Date included, Host and key id
as expected), answers 202 (after ``--latency`` ms, 0 by default) and counts receipts per
(inbox, activity), so duplicates and losses are exact. 10 followers per server; half of the
servers offer a shared inbox (1 delivery per server), half do not (10 personal inboxes):
500 + 5,000 = 5,500 deliveries (``--shared-all``: 1,000, as with Mastodon everywhere).

1. Cost split per delivery: ``httpsig.sign`` alone; unsigned POSTs and ``remote.post_signed``
   on one session, held back as fan-out holds them back, without the database; and
   ``fanout.deliver`` (the kind ``federation.deliver`` of the job engine) in this process,
   with the database, without Huey.
2. Throughput: ``--repeat`` posts, one after the other, published through the lifecycle and
   delivered by real Huey consumers (``manage.py run_huey``): channel task →
   ``activities.publish`` → ``fanout.wake`` → the engine's ``run_kind`` → ``fanout.deliver``.
   Deliveries/s (first claim to last row delivered), time from publish() to every row
   delivered, CPU per delivery.
3. Crash: the same with two consumers; the busier one is SIGKILLed half-way. Then the
   engine's sweep with a ``now`` 11 minutes ahead (a deployment waits for the 10-minute
   lease), the survivor finishes; the inbox server counts lost and duplicated receipts.

    .venv/bin/python -m bench.federation_fanout [--consumers 2] [--workers 1] [--shared-all]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.federation_fanout

Goal: ≥ 2,000 deliveries/s on 2 cores, 0 lost, 0 duplicated.

The parts: ``bench.inbox_server`` (the receiving servers), ``bench.fanout_setup`` (office,
followers, publishing), ``bench.fanout_cost`` (1.), ``bench.huey_consumers`` and
``bench.fanout_rows`` (the workers and what they wrote), ``bench.fanout_crash`` (3.).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench import fanout_rows as rows
from bench.fanout_cost import cost_split, print_cost_split
from bench.fanout_crash import print_crash, run_crash
from bench.fanout_rows import fmt_counts, wait_delivered
from bench.fanout_setup import TEXT, Setup, followers, office, publish
from bench.huey_consumers import Consumers, machine
from bench.inbox_server import InboxServer

# --- run 1: throughput -------------------------------------------------------------------------


def run_throughput(box, setup: Setup, expected: set[str], server: InboxServer, args) -> list:
    """``args.repeat`` posts one after the other, delivered by the same consumers."""
    consumers = Consumers(box, args.consumers, args.workers, "huey-throughput.log")
    results = []
    try:
        for n in range(1, args.repeat + 1):
            cpu_workers, cpu_server = consumers.cpu(), server.report()["cpu"]
            before_machine, own = machine(), time.process_time()
            post, published = publish(setup, f"1.{n}")
            first_claim = rows.first_claim(post, timeout=30)
            activity = rows.activity_of(post, timeout=30)
            done, counts = wait_delivered(activity, len(expected), args.timeout)
            cpu_workers = consumers.cpu() - cpu_workers
            busy, every = (
                now - before for now, before in zip(machine(), before_machine, strict=True)
            )
            own = time.process_time() - own
            report = server.report()
            total, span = (
                rows.times(activity, published, first_claim) if done else (float("nan"),) * 2
            )
            lost, duplicated = rows.check(report, activity.activity_id, expected)
            results.append(
                {
                    "done": done,
                    "counts": counts,
                    "total": total,
                    "sending": span,
                    "lost": lost,
                    "duplicated": duplicated,
                    "cpu_workers": cpu_workers,
                    "cpu_server": report["cpu"] - cpu_server,
                    "machine_busy": busy / every,
                    # CPU seconds of everything else: PostgreSQL, other users of the machine.
                    "others": busy - cpu_workers - (report["cpu"] - cpu_server) - own,
                    "wall": every / os.cpu_count(),
                }
            )
            print_throughput(results[-1], len(expected), n)
    finally:
        consumers.close()
    return results


def print_throughput(result: dict, count: int, n: int) -> None:
    if not result["done"]:
        print(f"  post {n}: NOT all delivered within the timeout: {fmt_counts(result['counts'])}")
        return
    rate = count / result["sending"]
    print(
        f"  post {n}: {rate:.0f} deliveries/s (first claim → last delivered"
        f" {result['sending']:.2f} s); publish() → all delivered {result['total']:.2f} s;"
        f" lost {result['lost']}, duplicated {result['duplicated']}"
    )
    print(
        f"          CPU per delivery: workers {result['cpu_workers'] / count * 1000:.3f} ms,"
        f" inbox server {result['cpu_server'] / count * 1000:.3f} ms"
        f" (at these costs {os.cpu_count()} CPUs of our own allow"
        f" {count * os.cpu_count() / (result['cpu_workers'] + result['cpu_server']):.0f}/s);"
    )
    print(
        f"          CPUs {result['machine_busy']:.0%} busy; other processes (PostgreSQL if"
        f" used, anyone else on the machine) used {result['others'] / result['wall']:.2f} CPU"
    )


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=1000, help="inbox servers (ports)")
    parser.add_argument("--per-host", type=int, default=10, help="followers per server")
    parser.add_argument("--shared-all", action="store_true", help="every server a shared inbox")
    parser.add_argument("--consumers", type=int, default=2, help="run_huey processes, run 1")
    parser.add_argument("--workers", type=int, default=1, help="threads per consumer")
    parser.add_argument("--repeat", type=int, default=3, help="posts in run 1, one by one")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per wait")
    parser.add_argument("--no-crash", action="store_true", help="skip run 2")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="ms the inbox server waits before answering"
    )
    args = parser.parse_args()

    from bench.sandbox import open_sandbox

    # The client may talk to loopback only because the operator allows it, as for a test server.
    os.environ["RATHAUS_FEDERATION_ALLOW_HTTP"] = "true"
    os.environ["RATHAUS_FEDERATION_PRIVATE_HOSTS"] = "127.0.0.1"
    box = open_sandbox("fanout")
    server = None
    try:
        from rathaus.federation import identities

        started = time.monotonic()
        setup = office()
        key_id = f"{identities.actor(setup.account.username)}#main-key"
        server = InboxServer(
            args.hosts, setup.account.public_key_pem, key_id, box.data_dir, args.latency
        )
        _run(box, setup, server, args, started)
    finally:
        if server is not None:
            server.close()
        box.close()


def _run(box, setup: Setup, server: InboxServer, args, started: float) -> None:
    from rathaus.federation import fanout
    from rathaus.posts import lifecycle

    account = setup.account
    expected = followers(account, server.ports, args.per_host, args.shared_all)
    count = len(expected)
    print(
        f"federation_fanout: {box.engine}, {args.hosts * args.per_host} followers on "
        f"{args.hosts} servers ({'all' if args.shared_all else 'half'} with a shared inbox)"
        f" → {count} deliveries; inbox answers after {args.latency:g} ms;"
        f" set up in {time.monotonic() - started:.1f} s"
    )
    print(
        f"fanout: BATCH {fanout.BATCH}, CONNECTIONS {fanout.CONNECTIONS}, PER_HOST "
        f"{fanout.PER_HOST}, RECORD_EVERY {fanout.RECORD_EVERY} s; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} before"
    )
    sample = lifecycle.create_draft(
        setup.office, by=setup.editor, title="Probe", body=TEXT.format(n=0), category="short_notice"
    )
    print_cost_split(cost_split(account, sample, sorted(expected), server), count)

    print(f"run 1: throughput, {args.consumers} consumer(s) × {args.workers} worker thread(s)")
    results = run_throughput(box, setup, expected, server, args)
    rates = [count / r["sending"] for r in results if r["done"]]
    if rates and len(rates) == len(results):
        median = statistics.median(rates)
        verdict = "met" if median >= 2000 else "MISSED"
        print(
            f"  median {median:.0f} deliveries/s over {len(rates)} posts: goal ≥ 2,000/s {verdict}"
        )
    else:
        print("  goal ≥ 2,000/s MISSED: not every post was delivered in time")

    if not args.no_crash:
        print(f"run 2: crash, 2 consumers × {args.workers}, the busier one SIGKILLed half-way")
        print_crash(run_crash(box, setup, expected, server, args))
    print(
        f"inbox server rejected: {server.report()['rejected'] or 'nothing'}; "
        f"load average {os.getloadavg()[0]:.2f} after"
    )


if __name__ == "__main__":
    main()
