"""How fast does an office import a big council over OParl, in how much memory?

A fake OParl server (the tests' own, ``bench.oparl_server``, in a process of its own on
loopback) serves 100,000 papers (each with a consultation, a main and an auxiliary file),
10,000 meetings (each with two agenda items and an invitation) and 2,000 persons (each with
a membership), in pages of 100. The importer (``council.importing.import_council``, as
``manage.py oparl_import`` and the hourly job run it) imports all of it into an empty
sandbox; then 1 % of the papers change and 0.1 % are deleted, and it imports again.

    .venv/bin/python -m bench.oparl_import [--papers 100000] [--meetings 10000]
        [--persons 2000] [--page-size 100]

Prints objects/s of the full import, the importer's peak memory (max RSS of this process;
the server runs in its own), and the time of the incremental import. Goals: full import
≥ 1,000 objects/s, peak memory < 500 MB, incremental < 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta

from bench.sandbox import ROOT, open_sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()

    # The server is on loopback: admitted as an operator admits an internal host.
    os.environ["RATHAUS_FEDERATION_PRIVATE_HOSTS"] = "127.0.0.1"
    box = open_sandbox("oparl")
    from rathaus.council.importing import import_council
    from rathaus.council.models import CouncilObject, CouncilSource
    from rathaus.offices.models import Office

    sizes = (args.papers, args.meetings, args.persons, args.page_size)
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.oparl_server", *map(str, sizes)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        system_url = server.stdout.readline().strip()
        office = Office.objects.create(name="Bezirksamt Bench", slug="bench")
        source = CouncilSource.objects.create(office=office, system_url=system_url)
        print(f"oparl_import: {box.engine}; {args.papers:,} papers, {args.meetings:,} meetings,"
              f" {args.persons:,} persons, pages of {args.page_size}")  # fmt: skip
        before = _rss_mb()
        started = time.monotonic()
        full = import_council(source)
        took = time.monotonic() - started
        rows = CouncilObject.objects.filter(office=office).count()
        print(f"full import: {full.read:,} objects ({rows:,} rows) in {took:.1f} s = "
              f"{full.read / took:,.0f} objects/s; complete: {full.complete}")  # fmt: skip
        peak = _rss_mb()
        print(f"peak memory (max RSS of the importer's process): {peak:.0f} MB "
              f"({before:.0f} MB before the import)")  # fmt: skip

        source.refresh_from_db()
        when = (source.imported_until + timedelta(minutes=1)).isoformat()
        changed, deleted = args.papers // 100, args.papers // 1000
        _tell(server, f"change paper 0 {changed} {when}")
        _tell(server, f"delete paper {changed} {changed + deleted} {when}")
        started = time.monotonic()
        again = import_council(source)
        took_again = time.monotonic() - started
        print(f"incremental import after {changed:,} papers changed and {deleted:,} deleted: "
              f"{took_again:.2f} s ({again.read:,} objects read, {again.changed:,} changed, "
              f"{again.deleted:,} deleted)")  # fmt: skip
        rate = full.read / took
        print(f"goal ≥ 1,000 objects/s: {'met' if rate >= 1000 else 'MISSED'}; "
              f"goal < 500 MB: {'met' if peak < 500 else 'MISSED'}; "
              f"goal incremental < 10 s: {'met' if took_again < 10 else 'MISSED'}")  # fmt: skip
    finally:
        server.stdin.close()
        server.terminate()
        server.wait(timeout=10)
        box.close()


def _tell(server: subprocess.Popen, command: str) -> None:
    server.stdin.write(command + "\n")
    server.stdin.flush()
    assert server.stdout.readline().strip() == "ok"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


if __name__ == "__main__":
    main()
