"""The services of ``bench.cluster``, each started inside its host's namespace: a PostgreSQL
cluster of its own (initdb in a temporary dir, run as the postgres user, which it insists
on), Redis, granian per web host, ``manage.py run_huey`` per worker host, and the inbox
server on "the internet". Every process is a session leader, so a host is killed with
its process group."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.cluster_net import Network
from bench.sandbox import ROOT

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Everything a host process might take from the operator's shell and must not: the tests'
# immediate mode, someone else's database, queue or data dir.
FOREIGN = {"RATHAUS_TASKS_IMMEDIATE", "REDIS_URL", "RATHAUS_DATA_DIR", "DATABASE_URL"}


class Hosts:
    """The processes started, by host, and where their logs go."""

    def __init__(self, net: Network, work: Path) -> None:
        self.net, self.work = net, work
        self.processes: dict[str, list[subprocess.Popen]] = {}
        self.logs: list = []

    def start(self, host: str, command: list[str], *, env: dict | None = None, log: str):
        log_file = (self.work / log).open("w")
        self.logs.append(log_file)
        process = subprocess.Popen(
            [*self.net.exec(host), *command],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole
        )
        self.processes.setdefault(host, []).append(process)
        return process

    def kill(self, host: str) -> None:
        """SIGKILL to every process group of ``host``: a machine that died."""
        for process in self.processes.get(host, []):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        for processes in self.processes.values():
            for process in processes:
                if process.poll() is None:
                    # PostgreSQL's fast shutdown (SIGINT): SIGTERM would wait for the
                    # sessions of the host whose cable is cut.
                    stop = signal.SIGINT if process in self.processes.get("db", []) else 15
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, stop)
        deadline = time.monotonic() + 15
        for processes in self.processes.values():
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        for log in self.logs:
            log.close()

    # --- the database host ---------------------------------------------------------------

    def postgres(self) -> str:
        """A fresh cluster in ``work/pg``, trusting the private net; returns the server URL."""
        data, sockets = self.work / "pg" / "data", self.work / "pg" / "run"
        sockets.mkdir(parents=True)
        shutil.chown(data.parent, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [*as_postgres, PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.net.subnet}.0/24 trust\n")
        address = self.net.address("db")
        self.start(
            "db",
            [
                *as_postgres,
                str(PG_BIN / "postgres"),
                "-D",
                str(data),
                "-k",
                str(sockets),
                "-c",
                f"listen_addresses={address}",
                "-c",
                "max_connections=200",
            ],
            log="db.log",
        )
        _wait(lambda: _pg_ready(address), "PostgreSQL", self.work / "db.log")
        return f"postgres://postgres@{address}:5432"

    def redis(self) -> str:
        address = self.net.address("redis")
        self.start(
            "redis",
            [
                "redis-server",
                "--bind",
                address,
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            log="redis.log",
        )
        _wait(lambda: _tcp(address, 6379), "Redis", self.work / "redis.log")
        return f"redis://{address}:6379/0"

    # --- web and worker hosts ---------------------------------------------------------------

    def web(self, host: str, env: dict, port: int) -> str:
        command = [sys.executable, "-m", "granian", "--interface", "wsgi"]
        command += ["--host", self.net.address(host), "--port", str(port), "--workers", "2"]
        command += ["--blocking-threads", "2", "--no-ws", "rathaus.wsgi:application"]
        self.start(host, command, env=env, log=f"{host}.log")
        return f"http://{self.net.address(host)}:{port}"

    def worker(self, host: str, env: dict, *, periodic: bool, threads: int) -> subprocess.Popen:
        # As ``manage.py run`` starts them: the clock on one consumer only.
        command = [sys.executable, "manage.py", "run_huey", "--workers", str(threads)]
        if not periodic:
            command.append("--no-periodic")
        return self.start(host, command, env=env, log=f"{host}.log")

    def wait_workers(self, hosts: list[str], timeout: float = 60) -> None:
        for host in hosts:
            log = self.work / f"{host}.log"
            _wait(lambda log=log: "consumer started" in log.read_text(), host, log, timeout)


def host_env(data_dir: Path, **values: str) -> dict[str, str]:
    """The environment of one host's processes: its own data dir, the shared settings."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env |= {"DJANGO_SETTINGS_MODULE": "rathaus.settings", "RATHAUS_DATA_DIR": str(data_dir)}
    return env | values


def wait_page(url: str, what: str, log: Path, timeout: float = 60) -> None:
    def answers() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    _wait(answers, what, log, timeout)


def _wait(ready, what: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not come up; {log}:\n{tail}")
        time.sleep(0.2)


def _tcp(address: str, port: int) -> bool:
    import socket

    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


def _pg_ready(address: str) -> bool:
    done = subprocess.run(
        [PG_BIN / "pg_isready", "-h", address, "-p", "5432", "-U", "postgres"],
        capture_output=True,
    )
    return done.returncode == 0
