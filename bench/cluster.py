"""Several machines on one: two web hosts, two worker hosts, PostgreSQL, Redis and "the
internet" (Fediverse inboxes), each in its own network namespace on a bridge; posts
published under load, one web host and one worker host killed half-way.

The hosts (``bench.cluster_net``, ``bench.cluster_hosts``): a PostgreSQL cluster made by
``initdb`` for this run, Redis, granian with ``rathaus.wsgi:application`` (2 workers) per
web host, ``manage.py run_huey`` per worker host (the clock on work1, as ``manage.py run``
starts them), and ``bench.inbox_server`` on "net" with ``--ports`` servers of
``--per-port`` followers of the office's Fediverse account. Every host has a data dir of
its own; they share only the database, Redis, and the keys, passed in the environment.

The admin host (this process, in the root namespace) migrates, sets up the office and
its followers, renders the pages once, then loads both web hosts' front page with wrk and
publishes ``--posts`` posts through the lifecycle verbs, one every ``--interval`` s. At
40 % web1 loses its cable and its processes are SIGKILLed; at 50 %, while a post's
fan-out runs, the busier worker host's consumer is SIGKILLed. Then, once the survivors are
idle, the job engine's clock is played forward to the end of the dead worker's leases (a
deployment waits for them: 10 minutes for the fan-out), and the survivor finishes.

Verdict: every post exactly once (rows, audit entries, Create activities, and at every
follower inbox, deduplicated by activity id), no error from the surviving web host, the
last post on its front page within 2 s of publication, every delivery done. Each post's
lag to that front page is printed (split into the rendering and the web host's part)
against the publishing storm's goal, every post within 2 s. The inboxes answer after
``--latency`` ms, as distant servers do, so requests are on the wire when the worker dies.
Root only (namespaces). About 2 minutes.

    sudo .venv/bin/python -m bench.cluster [--posts 50] [--interval 0.5] [--connections 20]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import cluster_check as check
from bench.cluster_hosts import Hosts, host_env, wait_page
from bench.cluster_load import Load, Probe, RenderWatch
from bench.cluster_net import Network, remove_leftovers
from bench.sandbox import percentile

DOMAIN = "rathaus.cluster.test"
PORT = 8000
FRESH = 2.0  # seconds: a post on the surviving front page after its publication


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="s between publications")
    parser.add_argument("--ports", type=int, default=40, help="Fediverse servers")
    parser.add_argument("--per-port", type=int, default=10, help="followers per server")
    parser.add_argument("--latency", type=float, default=100.0, help="ms an inbox takes to answer")
    parser.add_argument("--connections", type=int, default=20, help="wrk, per web host")
    parser.add_argument("--threads", type=int, default=2, help="per consumer (RATHAUS_WORKERS)")
    parser.add_argument("--timeout", type=float, default=90.0, help="s to finish deliveries")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench.cluster makes network namespaces: run it as root")
    for tool in ("wrk", "redis-server", "runuser"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing (apt-get install wrk redis-server)")
    # SIGTERM as Ctrl-C: the finally blocks remove namespaces, links and processes.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    left = remove_leftovers()
    if left:
        print(f"removed leftovers of earlier runs: {', '.join(left)}")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="rathaus-cluster-"))
    work.chmod(0o755)  # the postgres user must reach its data dir below
    net = Network()
    hosts = Hosts(net, work)
    try:
        net.build()
        return run(args, net, hosts, work, started)
    finally:
        if "django.conf" in sys.modules and os.environ.get("DATABASE_URL"):
            from django.db import connections

            connections.close_all()
        hosts.close()
        net.close()
        if args.keep:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args, net: Network, hosts: Hosts, work: Path, started: float) -> int:
    import psycopg
    from cryptography.fernet import Fernet

    server = hosts.postgres()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE rathaus")
    webs = [net.address("web1"), net.address("web2")]
    shared = {
        "DATABASE_URL": f"{server}/rathaus",
        "REDIS_URL": hosts.redis(),
        # The same keys on every host: a worker opens what the admin sealed (the account's
        # private key), a session or form signed on one web host holds on the other.
        "RATHAUS_SECRET_KEY": secrets.token_urlsafe(50),
        "RATHAUS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RATHAUS_ALLOWED_HOSTS": ",".join([*webs, DOMAIN]),
        "RATHAUS_HTTPS": "false",
        "RATHAUS_FEDERATION_ALLOW_HTTP": "true",
        "RATHAUS_FEDERATION_PRIVATE_HOSTS": net.address("net"),
        "RATHAUS_FEDERATION_DOMAIN": DOMAIN,
        "RATHAUS_LOG_LEVEL": "WARNING",
        # Collected once, as a release ships them; read-only on every host.
        "RATHAUS_STATIC_ROOT": str(work / "static"),
    }
    os.environ.update(host_env(work / "hosts" / "admin", **shared))
    os.environ.pop("RATHAUS_TASKS_IMMEDIATE", None)  # host_env drops it for the hosts only
    setup, expected, inbox = admin(args, net, work)
    try:
        return publish_and_kill(args, net, hosts, work, shared, setup, expected, inbox, started)
    finally:
        inbox.close()


def admin(args, net: Network, work: Path):
    """Migrations, the office with its followers on "net", every page rendered once."""
    import django

    django.setup()
    from django.core.management import call_command

    from bench import fanout_setup
    from bench.inbox_server import InboxServer
    from rathaus.federation import identities
    from rathaus.rendering import refresh

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    setup = fanout_setup.office()
    key_id = f"{identities.actor(setup.account.username)}#main-key"
    inbox = InboxServer(
        args.ports,
        setup.account.public_key_pem,
        key_id,
        work,
        args.latency,
        address=net.address("net"),
        prefix=tuple(net.exec("net")),
    )
    expected = fanout_setup.followers(
        setup.account, inbox.ports, args.per_port, False, address=net.address("net")
    )
    refresh.render_site()
    refresh.render_office(setup.office.pk)
    refresh.render_posts(setup.office.pk, seconds=math.inf)
    return setup, expected, inbox


def publish_and_kill(args, net, hosts, work, shared, setup, expected, inbox, started) -> int:
    from django.utils import timezone

    from bench.fanout_setup import publish

    page = f"/{setup.office.slug}/"
    urls = {}
    for host in ("web1", "web2"):
        urls[host] = hosts.web(host, host_env(work / "hosts" / host, **shared), PORT)
    # Both worker hosts keep a clock: the one that survives sweeps (jobs.clock).
    for host in ("work1", "work2"):
        env = host_env(work / "hosts" / host, **shared)
        hosts.worker(host, env, periodic=True, threads=args.threads)
    for host, url in urls.items():
        wait_page(url + page, host, work / f"{host}.log")
    hosts.wait_workers(["work1", "work2"])
    print(
        f"cluster: PostgreSQL, Redis, 2 web hosts, 2 worker hosts, net on {net.subnet}.0/24;"
        f" {len(expected)} follower inboxes on {args.ports} servers; up after"
        f" {time.monotonic() - started:.1f} s"
    )
    loads = {host: Load(url + page, args.connections) for host, url in urls.items()}
    probe, watch = Probe(urls["web2"] + page), RenderWatch(page)
    for thread in (*loads.values(), probe, watch):
        thread.start()
    time.sleep(2)
    kill_web_at, kill_worker_at = int(args.posts * 0.4), int(args.posts * 0.5)
    posts, events = [], {}
    try:
        for n in range(1, args.posts + 1):
            post, _ = publish(setup, f"{n:03d}")
            post.refresh_from_db()
            posts.append(post)
            probe.expect(post.title, post.published_at.timestamp())
            watch.expect(post.title, post.published_at.timestamp())
            if n == kill_web_at:
                net.cut("web1")
                hosts.kill("web1")
                events["web"] = (time.monotonic(), n)
                loads["web1"].stop()  # wrk on a host that is gone only measures timeouts
                print(f"  post {n}: web1 cut off and killed")
            if n == kill_worker_at:
                events["worker"] = kill_worker(net, hosts, post, n)
            time.sleep(args.interval)
        # The last post on the surviving front page (or a timeout), then the load ends.
        deadline = time.monotonic() + 10
        while posts[-1].title not in probe.seen and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for thread in (*loads.values(), probe, watch):
            thread.stop()
    quiet = check.wait_quiet(quiet=3.0, timeout=60)
    stuck = check.held()
    left_before = check.unfinished(posts)
    requeued = check.clock(events["worker"][2])
    done, after_clock, left = check.wait_finished(posts, args.timeout)
    return report(
        args,
        posts,
        expected,
        inbox.report(),
        loads,
        (probe, watch),
        events,
        {
            "quiet": quiet,
            "stuck": stuck,
            "left_before": left_before,
            "requeued": requeued,
            "done": done,
            "after_clock": after_clock,
            "left": left,
            "total": time.monotonic() - started,
            "now": timezone.now(),
        },
    )


def kill_worker(net: Network, hosts: Hosts, post, n: int) -> tuple:
    """While ``post``'s fan-out runs: SIGKILL the consumer of the worker host that is
    sending it (the one with requests to "net" awaiting their answers)."""
    from django.utils import timezone

    from rathaus.federation.models import Outgoing

    deadline = time.monotonic() + 5
    sending = {}
    while time.monotonic() < deadline:  # until its deliveries are on the wire
        if Outgoing.objects.filter(activity__post=post, status="running").exists():
            sending = {h: _sending(net, h) for h in ("work1", "work2")}
            if any(sending.values()):
                break
        time.sleep(0.01)
    victim = max(sending, key=sending.get) if sending else "work2"
    running = Outgoing.objects.filter(status="running").count()
    hosts.kill(victim)
    killed_at = timezone.now()
    print(
        f"  post {n}: {victim}'s consumer SIGKILLed ({running} fan-out rows running;"
        f" connections awaiting an inbox's answer: {sending})"
    )
    return (time.monotonic(), n, killed_at, victim)


def _sending(net: Network, host: str) -> int:
    """Connections from ``host`` to "net" awaiting an answer: a request sent after the
    last thing received (the inboxes take ``--latency`` ms to answer)."""
    command = [*net.exec(host), "ss", "-Htni", "dst", net.address("net")]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    waiting = 0
    for info in re.findall(r"lastsnd:(\d+) lastrcv:(\d+)", output):
        sent, received = int(info[0]), int(info[1])
        waiting += sent < received
    return waiting


def report(args, posts, expected, inbox_report, loads, watchers, events, recovery) -> int:
    probe, watch = watchers
    rows = check.posts_and_audit(posts)
    got = check.receipts(posts, expected, inbox_report)
    web_killed = events["web"][0]
    survivor_all, survivor_after = loads["web2"].totals(), loads["web2"].totals(after=web_killed)
    victim_before = loads["web1"].totals()
    lags = probe.lags()
    seen = [lag for lag in lags.values() if lag is not None]
    never = [title for title, lag in lags.items() if lag is None]
    late = [lag for lag in seen if lag > FRESH]
    late_posts = [n for n, lag in enumerate(lags.values(), 1) if lag is not None and lag > FRESH]
    victim = events["worker"][3]
    print(f"posts: {len(posts)} published, one every {args.interval} s")
    print(
        f"  rows {rows['rows']} (titles twice: {rows['titles_twice']}), published"
        f" {rows['published']}; audit 'published' not exactly once: {rows['audit_not_once']};"
        f" Create activity not exactly once: {rows['creates_not_once']}"
    )
    print(
        f"fediverse: {got['pairs']} (post, inbox) pairs; lost {got['lost']}, doubled as"
        f" different activities {got['doubled']}, unexpected {got['unexpected']}; the same"
        f" activity again (at least once, deduplicated by id): {got['repeats']};"
        f" rejected by the inboxes: {got['rejected'] or 'nothing'}"
    )
    print(
        f"web2 (survivor): {survivor_all.requests} requests, {survivor_all.rps:.0f}/s,"
        f" non-2xx {survivor_all.non_2xx}, socket errors {survivor_all.socket_errors};"
        f" after web1 died: {survivor_after.requests} requests, non-2xx"
        f" {survivor_after.non_2xx}, socket errors {survivor_after.socket_errors} (of them"
        f" timeouts > 2 s: {survivor_after.timeouts}),"
        f" worst p99 of a run {survivor_after.p99_ms:.1f} ms"
    )
    print(
        f"web1 (killed at post {events['web'][1]}): {victim_before.requests} requests until"
        f" then, {victim_before.rps:.0f}/s, non-2xx {victim_before.non_2xx}"
    )
    if seen:
        print(
            f"freshness on web2's front page: {len(seen)} of {len(lags)} posts seen, lag p50"
            f" {percentile(seen, 50):.2f} s, p99 {percentile(seen, 99):.2f} s, max"
            f" {max(seen):.2f} s; over {FRESH:.0f} s: {len(late)} {late_posts}; probe answers"
            f" {probe.answers}, failures {len(probe.failures)} {probe.failures[:3]}"
        )
        rendered = [lag for lag in watch.lags().values() if lag is not None]
        print(
            f"  of which the rendering (publication → title in the front page's row):"
            f" p50 {percentile(rendered, 50):.2f} s, max {max(rendered, default=0):.2f} s;"
            f" {len(rendered)} of {len(lags)} seen; then the web"
            f" host (rendered → on its front page): max"
            f" {max(_minus(lags, watch.lags()), default=float('nan')):.2f} s"
        )
    print(
        f"worker: {victim}'s consumer killed at post {events['worker'][1]}; survivors idle"
        f" after {recovery['quiet']:.1f} s; rows the dead worker held: "
        f"{dict(recovery['stuck']) or 'none'}; unfinished then: "
        f"{dict(recovery['left_before']) or 'nothing'}"
    )
    print(
        f"  clock played forward to the end of its leases (fan-out: 10 min, then the next"
        f" minutely tick{', which ran on the dead host' if victim == 'work1' else ''}):"
        f" {recovery['requeued']} rows requeued; "
        + (
            f"all finished {recovery['after_clock']:.1f} s later"
            if recovery["done"]
            else f"NOT finished after {recovery['after_clock']:.0f} s: {dict(recovery['left'])}"
        )
    )
    failures = []
    if rows["rows"] != len(posts) or rows["titles_twice"] or rows["published"] != len(posts):
        failures.append("post rows")
    if rows["audit_not_once"] or rows["creates_not_once"]:
        failures.append("audit entries or activities")
    if got["lost"] or got["doubled"] or got["unexpected"] or got["rejected"]:
        failures.append("fediverse receipts")
    if survivor_after.non_2xx or survivor_after.socket_errors or not survivor_after.requests:
        failures.append("the surviving web host's answers")
    if survivor_all.non_2xx or survivor_all.socket_errors or probe.failures:
        failures.append("the surviving web host's answers (whole run)")
    last = lags.get(posts[-1].title)
    if never or last is None or last > FRESH:
        failures.append(f"freshness of the last post ({len(never)} posts never seen)")
    if not recovery["done"]:
        failures.append("deliveries")
    if seen:
        # The publishing storm's goal (bench.newsroom_load c.), here with a host gone.
        print(
            f"goal every post on the surviving front page within {FRESH:.0f} s:"
            f" {'met' if not late and not never else 'MISSED'}; the last post after"
            f" {last if last is not None else float('nan'):.2f} s"
        )
    verdict = "PASS" if not failures else "FAIL: " + ", ".join(failures)
    print(f"{verdict} (run took {recovery['total']:.0f} s)")
    return 0 if not failures else 1


def _minus(seen: dict, rendered: dict) -> list[float]:
    return [seen[t] - rendered[t] for t in seen if seen[t] is not None and rendered.get(t)]


if __name__ == "__main__":
    sys.exit(main())
