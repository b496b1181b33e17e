"""The database, copied with its own tools.

- **SQLite**: the backup API of Python's ``sqlite3`` (``Connection.backup``). It copies the
  pages of a live database as one consistent snapshot, while the web server and the worker
  go on writing (WAL), and it carries everything the file holds: the full-text indexes
  (FTS5 tables and their triggers), the counters of ``sqlite_sequence``.
- **PostgreSQL**: ``pg_dump --format=custom`` and ``pg_restore``, the client tools of the
  server's version (Debian: ``postgresql-client``). pg_dump reads one snapshot inside a
  transaction, so a dump is consistent without stopping anything; the custom format is
  compressed, and pg_restore puts back tables, indexes and sequences (the next id of
  every table) exactly.

Django's ``dumpdata``/``loaddata`` would be the portable choice and is the wrong one: it
goes through every model in Python (minutes where these take seconds), and it loses what
is not a model: the sequences, so that new rows would collide with or reuse the ids of
old ones, and the search indexes built by raw SQL migrations. An archive therefore
restores only into the engine it was made from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient


class DatabaseError(Exception):
    """A database tool failed or is missing; the message says which and why."""


def engine() -> str:
    """ "sqlite" or "postgresql" (the names the archive's manifest uses)."""
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise DatabaseError(f"backups know SQLite and PostgreSQL, not {vendor}")
    return vendor


def is_empty() -> bool:
    """No table at all: a database nobody has migrated yet."""
    return not connection.introspection.table_names()


def dump(target: Path) -> None:
    """The whole database into the file ``target``."""
    if engine() == "sqlite":
        _sqlite_dump(target)
    else:
        _pg("pg_dump", "--format=custom", f"--file={target}")


def load(source: Path, *, replace: bool) -> None:
    """The dump ``source`` into this installation's database; with ``replace``, what the
    database held before is dropped first."""
    if engine() == "sqlite":
        _sqlite_load(source)  # the backup API overwrites the whole file anyway
    else:
        if replace:
            _drop_tables()
        connection.close()  # pg_restore needs no lock of ours on the way
        # --no-owner, --no-privileges: the role on the new machine may have another name;
        # one transaction: a restore that fails half-way leaves the database as it was.
        _pg(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(source),
        )
        # pg_restore brings no planner statistics; without them the first queries (search
        # above all) plan blind until autovacuum comes round.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _sqlite_dump(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # pages=-1: all pages in one step, under one read transaction, so the copy is one
        # moment of the database even while others write.
        connection.connection.backup(copy, pages=-1)
        # One self-contained file (no -wal beside it) that the sqlite3 shell opens as is.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _sqlite_load(source: Path) -> None:
    connection.ensure_connection()
    archived = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        archived.backup(connection.connection, pages=-1)
    finally:
        archived.close()
    connection.close()


def _drop_tables() -> None:
    """Every table of the schema, for ``restore --force`` on PostgreSQL (their indexes and
    sequences go with them): pg_restore creates the archive's tables anew."""
    tables = connection.introspection.table_names()
    if not tables:
        return
    names = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")


def _pg(tool: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore against this installation's database: host, port, user and
    database name as options, the password and TLS settings in the environment (never on
    the command line, where every user of the machine could read them)."""
    executable = shutil.which(tool)
    if executable is None:
        raise DatabaseError(
            f"{tool} not found: install PostgreSQL's client tools of the server's major "
            "version (Debian: apt-get install postgresql-client)"
        )
    settings = connection.settings_dict
    _args, environment = DatabaseClient.settings_to_cmd_args_env(settings, [])
    options = [f"--dbname={settings['NAME']}"] if settings.get("NAME") else []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            options.append(f"{flag}={settings[key]}")
    result = subprocess.run(  # noqa: S603 – a fixed tool, arguments from our settings
        [executable, "--no-password", *options, *arguments],
        env={**os.environ, **(environment or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DatabaseError(f"{tool} failed: {result.stderr.strip()}")
