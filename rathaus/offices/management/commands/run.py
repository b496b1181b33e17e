"""Web server and background worker in one foreground process: Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run granian (web) and the Huey consumer (worker) together."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        # Two: the GIL holds one consumer to one CPU (about 1,200 Fediverse deliveries/s);
        # a second one takes the rest of a big fan-out (bench.federation_fanout).
        parser.add_argument("--worker-processes", type=int, default=2)

    def handle(
        self, *args, host: str, port: int, web_workers: int, worker_processes: int, **options
    ) -> None:
        python = sys.executable
        commands = [
            [
                python,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(web_workers),
                # Two Python threads per worker process: more only fight over the GIL.
                "--blocking-threads",
                "2",
                "--no-ws",
                "rathaus.wsgi:application",
            ],
        ]
        consumer = [python, "manage.py", "run_huey", "--workers", str(settings.WORKERS)]
        # Periodic jobs are enqueued by the first consumer only, or they would run twice.
        commands += [consumer] + [[*consumer, "--no-periodic"]] * (max(worker_processes, 1) - 1)
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603 (own argv)
        stop = False

        def _stop(*_args) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stop and all(child.poll() is None for child in children):
                time.sleep(0.3)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c.returncode for c in children if c.returncode not in (0, None, -2, 130)]
        if failed and not stop:
            raise SystemExit(f"a process stopped unexpectedly (exit codes {failed})")
