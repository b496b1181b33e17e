"""A publishing storm under load, for bench.newsroom_load: posts published one after the
other through the lifecycle verbs while wrk loads the front page and real Huey consumers
render, and a thread that reads the front page as a reader would.

For each post: the time from its ``published_at`` until the front page the server gives
contains its title. The page is fetched every ``POLL`` seconds on a connection of its own,
so the time measured is late by up to one poll and one request.
"""

from __future__ import annotations

import http.client
import os
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import render_watch
from bench.newsroom_servers import parse
from bench.sandbox import ROOT, percentile

POLL = 0.05
LATE = 2.0  # the goal: no page older than this after the publication


def start_consumers(env: dict, count: int, log: Path) -> list[subprocess.Popen]:
    """As `manage.py run` starts them: periodic jobs in the first one only."""
    command = [sys.executable, "manage.py", "run_huey"]
    out = log.open("a")
    return [
        subprocess.Popen(
            command + ([] if n == 0 else ["--no-periodic"]),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
        for n in range(count)
    ]


def family(pid: int) -> list[int]:
    """The process and all its descendants (granian's workers, nginx's)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_rendered(timeout: float = 60) -> float:
    """Until no rendering job is queued or running; returns the seconds waited."""
    from rathaus.jobs.models import Job
    from rathaus.rendering.refresh import KIND

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not Job.objects.filter(kind=KIND, status__in=["queued", "running"]).exists():
            break
        time.sleep(0.2)
    return time.monotonic() - start


class Reader(threading.Thread):
    """Fetches the page every POLL seconds and notes when each awaited title appears."""

    def __init__(self, host: str, port: int, path: str, *, tls: bool) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.path, self.tls = host, port, path, tls
        self.awaited: set[str] = set()
        self.seen: dict[str, float] = {}
        self.failures: list[str] = []
        self.fetches = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def await_title(self, title: str) -> None:
        with self.lock:
            self.awaited.add(title)

    def _connection(self) -> http.client.HTTPConnection:
        if self.tls:
            context = ssl._create_unverified_context()
            return http.client.HTTPSConnection(self.host, self.port, timeout=5, context=context)
        return http.client.HTTPConnection(self.host, self.port, timeout=5)

    def run(self) -> None:
        connection = self._connection()
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                connection.request("GET", self.path)
                answer = connection.getresponse()
                body = answer.read().decode("utf-8", "replace")
                now = time.time()
                self.fetches += 1
                if answer.status != 200:
                    self.failures.append(f"status {answer.status}")
                with self.lock:
                    for title in [t for t in self.awaited if t in body]:
                        self.seen[title] = now
                        self.awaited.discard(title)
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(repr(error))
                connection.close()
                connection = self._connection()
            self.stop.wait(max(0.0, POLL - (time.monotonic() - started)))
        connection.close()


def publish_storm(
    *,
    wrk: str,
    host: str,
    port: int,
    tls: bool,
    count: int,
    interval: float,
    connections: int,
    run_id: str,
    groups: dict[str, list[int]],
) -> dict:
    """Publish ``count`` posts of the demo office "mitte", one every ``interval`` seconds,
    while wrk loads its front page; returns the numbers."""
    from django.contrib.auth import get_user_model
    from django.db import connection as db

    from rathaus.offices.models import Office
    from rathaus.posts import lifecycle
    from rathaus.posts.models import Post

    office = Office.objects.get(slug="mitte")
    users = get_user_model().objects
    editor, approver = users.get(username="redaktion"), users.get(username="freigabe")
    path = "/mitte/"
    scheme = "https" if tls else "http"
    duration = int(count * interval + LATE + 4)
    command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    load = subprocess.Popen(
        [*command, f"{scheme}://{host}:{port}{path}"], stdout=subprocess.PIPE, text=True
    )
    groups = {**groups, "wrk": [load.pid]}
    pids = {name: [p for pid in roots for p in family(pid)] for name, roots in groups.items()}
    pids["this process"] = [os.getpid()]  # publisher, reader, watch: not its children
    cpu_before = {name: cpu_seconds(found) for name, found in pids.items()}
    wall_before = time.monotonic()
    reader = Reader(host, port, path, tls=tls)
    reader.start()
    watch = render_watch.RenderWatch(office.pk, follow_posts=False)
    watch.start()
    time.sleep(1.0)  # wrk at full load before the first publication
    titles, failures = [], []
    began = time.monotonic()
    for n in range(count):
        title = f"Sturmlage {run_id} Meldung {n:03d}"
        try:
            post = lifecycle.create_draft(
                office, by=editor, title=title, category="short_notice",
                body=f"Lagebericht {n}: Bitte meiden Sie die Uferpromenade.",
            )  # fmt: skip
            lifecycle.submit(post, by=editor)
            lifecycle.approve(post, by=approver)
            reader.await_title(title)  # before it is public: its time starts now
            lifecycle.publish(post, by=approver)
            watch.committed[post.pk] = time.time()  # publish() has committed
            titles.append(title)
        except Exception as error:  # counted and shown, not fatal: the rest still tells
            failures.append(f"{title}: {error!r}")
        time.sleep(max(0.0, began + (n + 1) * interval - time.monotonic()))
    publishing = time.monotonic() - began
    deadline = time.monotonic() + LATE + 1.0
    while reader.awaited and time.monotonic() < deadline:
        time.sleep(0.05)
    cpu = {name: cpu_seconds(found) - cpu_before[name] for name, found in pids.items()}
    wall = time.monotonic() - wall_before
    reader.stop.set()
    reader.join()
    watch.finish()
    output, _err = load.communicate()
    db.close()
    rows = Post.objects.filter(office=office, title__in=titles)
    published = {title: at for title, at in rows.values_list("title", "published_at")}
    by_id = dict(rows.values_list("pk", "published_at"))
    lags = [reader.seen[t] - published[t].timestamp() for t in titles if t in reader.seen]
    # Where the time goes: until the lists were rendered, and from there to the page.
    rendered, not_rendered = render_watch.lags(watch, by_id)
    ids = dict(rows.values_list("title", "pk"))
    served = []
    for title in titles:
        done = watch.lists_after(watch.committed.get(ids[title], 0.0))
        if title in reader.seen and done is not None:
            served.append(reader.seen[title] - done)
    return {
        "published": len(titles),
        "publishing_seconds": publishing,
        "publish_failures": failures,
        "lags": lags,
        "never_seen": [t for t in titles if t not in reader.seen],
        "over": sum(1 for lag in lags if lag > LATE),
        "reader_fetches": reader.fetches,
        "reader_failures": reader.failures,
        "wrk": parse(output),
        "rendered": rendered,
        "not_rendered": not_rendered,
        "renderings": watch.renderings(),
        "waits": render_watch.waits(watch, by_id),
        "served": served,
        "cpu": {name: seconds / wall for name, seconds in cpu.items()},
        "consumer_cpu": cpu.get("consumers", 0.0),
    }


def report(name: str, numbers: dict) -> None:
    lags = numbers["lags"]
    load = numbers["wrk"]
    print(
        f"  {name}: {numbers['published']} posts published in "
        f"{numbers['publishing_seconds']:.1f} s (failures: {len(numbers['publish_failures'])})"
    )
    for failure in numbers["publish_failures"][:3]:
        print(f"    {failure}")
    if lags:
        print(
            f"  published_at → front page shows it: p50 {percentile(lags, 50):.2f} s  "
            f"p99 {percentile(lags, 99):.2f} s  max {max(lags):.2f} s  "
            f"over {LATE:.0f} s: {numbers['over']}  never seen: {len(numbers['never_seen'])}"
        )
    print(
        f"  where it goes: published_at → lists rendered "
        f"{render_watch.describe(numbers['rendered'], numbers['not_rendered'])}\n"
        f"    of which until the rendering started {render_watch.describe(numbers['waits'])}\n"
        f"    one rendering of the lists {render_watch.describe(numbers['renderings'])}\n"
        f"    lists rendered → the server shows them {render_watch.describe(numbers['served'])}"
        "\n    (negative: the front page is stored early in a rendering of the lists, before"
        " the categories, feeds and tags, and is served before that rendering ends)"
    )
    if numbers["renderings"]:
        per = numbers["consumer_cpu"] / len(numbers["renderings"])
        print(
            f"  consumers' CPU per rendering of the lists (with the posts' pages, the "
            f"publications' own jobs): {per:.2f} CPU-s"
        )
    shares = "  ".join(f"{name} {share:.0%}" for name, share in numbers["cpu"].items())
    print(f"  CPU during the storm (100 % = one core of 2): {shares}")
    print(
        f"  wrk during the storm: {load['rps']:.0f} req/s  p99 {load['p99']:.2f} ms  "
        f"non-2xx {load['errors']}  socket errors: {load['socket_errors'] or 'none'}  "
        f"(reader: {numbers['reader_fetches']} fetches, {len(numbers['reader_failures'])} failed)"
    )
    ok = (
        not numbers["publish_failures"]
        and not numbers["never_seen"]
        and numbers["over"] == 0
        and load["errors"] == 0
        and not load["socket_errors"]
        and not numbers["reader_failures"]
    )
    print(f"  goal no error, none older than {LATE:.0f} s: {'met' if ok else 'MISSED'}")
