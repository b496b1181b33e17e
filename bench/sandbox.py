"""A throw-away Rathaus for one benchmark: its own data dir, and its own database.

SQLite in the temporary data dir by default. With DATABASE_URL set, a dedicated PostgreSQL
database ``rathaus_bench_<name>_<pid>`` is created on that server and dropped afterwards, so the
database named in the URL (e.g. ``test``) is never touched.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Sandbox:
    name: str
    data_dir: Path
    database_url: str  # "" for SQLite in data_dir
    server_url: str  # the URL the caller gave, used to create/drop our database

    @property
    def engine(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for subprocesses (granian, run_huey, manage.py) of this sandbox."""
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        env |= {
            "DJANGO_SETTINGS_MODULE": "rathaus.settings",
            "RATHAUS_HTTPS": "false",
            "RATHAUS_DATA_DIR": str(self.data_dir),
            "RATHAUS_LOG_LEVEL": "WARNING",
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env | extra

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.database_url:
            _admin(self.server_url, f'DROP DATABASE IF EXISTS "{_db_name(self.name)}"')
        shutil.rmtree(self.data_dir, ignore_errors=True)


# Variables that would point the sandbox at shared state: the tests' immediate mode, and a
# Redis (cache and queue) that other runs use.
_FOREIGN = {"RATHAUS_TASKS_IMMEDIATE", "REDIS_URL", "RATHAUS_DATA_DIR", "DATABASE_URL"}


def _db_name(name: str) -> str:
    # The process id keeps two runs at the same time (two developers, one server) apart.
    return f"rathaus_bench_{name}_{os.getpid()}"


def _admin(server_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def open_sandbox(name: str, *, migrate: bool = True) -> Sandbox:
    """Create the data dir (and PostgreSQL database), point Django at it, set it up."""
    server_url = os.environ.get("DATABASE_URL", "")
    data_dir = Path(tempfile.mkdtemp(prefix=f"rathaus-bench-{name}-"))
    database_url = ""
    if server_url:
        parts = urlsplit(server_url)
        database_url = urlunsplit(parts._replace(path=f"/{_db_name(name)}"))
        _admin(server_url, f'DROP DATABASE IF EXISTS "{_db_name(name)}"')
        _admin(server_url, f'CREATE DATABASE "{_db_name(name)}"')
    box = Sandbox(name, data_dir, database_url, server_url)
    for key in _FOREIGN:
        os.environ.pop(key, None)
    os.environ.update(box.env())
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return box


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by the nearest-rank method, as latency reports use."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    scaled = [v * scale for v in values]
    return (
        f"n={len(scaled)} p50={percentile(scaled, 50):.1f}{unit} "
        f"p95={percentile(scaled, 95):.1f}{unit} p99={percentile(scaled, 99):.1f}{unit} "
        f"max={max(scaled):.1f}{unit} mean={statistics.fmean(scaled):.1f}{unit}"
    )
