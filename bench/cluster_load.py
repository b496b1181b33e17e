"""The load and the watch of ``bench.cluster``, from the admin host (the root namespace).

``Load``: Debian's wrk on one web host's front page, run after run of a few seconds each
(wrk prints its totals only at the end), so the runs that began after a host was killed
are counted on their own. ``Probe``: a thread that asks the surviving web host for the
front page every 50 ms and notes when each post's title first appears on it.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Run:
    started: float
    ended: float
    requests: int = 0
    non_2xx: int = 0
    socket_errors: int = 0
    timeouts: int = 0  # of the socket errors: no answer within wrk's --timeout (2 s)
    rps: float = 0.0
    p99_ms: float = float("nan")


def parse(output: str, started: float, ended: float) -> Run:
    run = Run(started, ended)
    if found := re.search(r"(\d+) requests in", output):
        run.requests = int(found.group(1))
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        run.non_2xx = int(found.group(1))
    if found := re.search(r"Socket errors: (.*)", output):
        run.socket_errors = sum(int(n) for n in re.findall(r"\d+", found.group(1)))
        run.timeouts = int(re.search(r"timeout (\d+)", found.group(1)).group(1))
    if found := re.search(r"Requests/sec:\s+([\d.]+)", output):
        run.rps = float(found.group(1))
    if found := re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        run.p99_ms = float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
    return run


class Load(threading.Thread):
    """wrk against ``url`` in runs of ``seconds`` until stopped."""

    def __init__(self, url: str, connections: int, seconds: int = 3) -> None:
        super().__init__(daemon=True)
        self.url, self.connections, self.seconds = url, connections, seconds
        self.runs: list[Run] = []
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None

    def run(self) -> None:
        command = ["wrk", "-t1", f"-c{self.connections}", f"-d{self.seconds}s"]
        command += ["--timeout", "2s", "--latency", self.url]
        while not self.stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            output, _ = self.process.communicate()
            self.runs.append(parse(output, started, time.monotonic()))

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.seconds + 10)

    def totals(self, after: float | None = None) -> Run:
        """Sum of the runs (those begun at or after ``after``, if given)."""
        runs = [r for r in self.runs if after is None or r.started >= after]
        total = Run(runs[0].started if runs else 0.0, runs[-1].ended if runs else 0.0)
        for run in runs:
            total.requests += run.requests
            total.non_2xx += run.non_2xx
            total.socket_errors += run.socket_errors
            total.timeouts += run.timeouts
        seconds = sum(r.ended - r.started for r in runs)
        total.rps = total.requests / seconds if seconds else 0.0
        total.p99_ms = max((r.p99_ms for r in runs), default=float("nan"))
        return total


class TitleWatch(threading.Thread):
    """Reads a page every ``every`` seconds (``read``, by the subclass) and records when
    each awaited post title first shows in it."""

    def __init__(self, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.awaited: dict[str, float] = {}  # title → when published (epoch)
        self.seen: dict[str, float] = {}  # title → first seen (epoch)
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def read(self) -> str:
        raise NotImplementedError

    def expect(self, title: str, published: float) -> None:
        with self.lock:
            self.awaited[title] = published

    def run(self) -> None:
        while not self.stopping.is_set():
            page = self.read()
            now = time.time()
            with self.lock:
                for title in self.awaited:
                    if title not in self.seen and title in page:
                        self.seen[title] = now
            self.stopping.wait(self.every)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)

    def lags(self) -> dict[str, float | None]:
        """Seconds from publication to first seen, per title (None: never seen)."""
        with self.lock:
            return {
                title: (self.seen[title] - published if title in self.seen else None)
                for title, published in self.awaited.items()
            }


class Probe(TitleWatch):
    """Asks ``url`` as a reader does; counts the answers and what went wrong."""

    def __init__(self, url: str, every: float = 0.05) -> None:
        super().__init__(every)
        self.url = url
        self.answers = 0
        self.failures: list[str] = []  # (after the kill) what went wrong

    def read(self) -> str:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                page = response.read().decode("utf-8", "replace")
        except (OSError, urllib.error.HTTPError) as error:
            self.failures.append(f"{time.strftime('%H:%M:%S')} {error}")
            return ""
        self.answers += 1
        return page


class RenderWatch(TitleWatch):
    """Reads the rendered front page's row (the body the worker stored): splits a late
    front page into the worker's part and the web host's."""

    def __init__(self, path: str, every: float = 0.05) -> None:
        super().__init__(every)
        self.path = path

    def read(self) -> str:
        from rathaus.rendering.models import RenderedPage

        rows = RenderedPage.objects.filter(path=self.path)
        body = rows.values_list("body", flat=True).first()
        return bytes(body or b"").decode("utf-8", "replace")

    def run(self) -> None:
        from django.db import connection

        try:
            super().run()
        finally:
            connection.close()
