"""Real Huey consumers (``manage.py run_huey``) of a benchmark's sandbox as subprocesses, and
the CPU seconds they and the whole machine spent, read from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.sandbox import ROOT


def machine() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - fields[3] - fields[4]) / ticks, sum(fields) / ticks


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Consumers:
    """``manage.py run_huey`` processes of the sandbox, logging to a file."""

    def __init__(self, box, count: int, workers: int, log_name: str) -> None:
        self.log_path = box.data_dir / log_name
        self.log = self.log_path.open("w")
        command = [sys.executable, "manage.py", "run_huey", "--workers", str(workers)]
        self.processes = [
            subprocess.Popen(command, cwd=ROOT, env=box.env(), stdout=self.log, stderr=self.log)
            for _ in range(count)
        ]
        deadline = time.monotonic() + 30
        while self.log_path.read_text().count("consumer started") < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the consumers did not start; see {self.log_path}")
            time.sleep(0.1)

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes if p.poll() is None)

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()
