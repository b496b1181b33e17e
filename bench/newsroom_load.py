"""The newsroom front page under load, against a static file of the same size.

Prepares a fresh data dir (migrate, load_demo, collectstatic), writes a file of exactly the
size of /mitte/ into STATIC_ROOT, starts granian as `manage.py run` does (2 workers, 2
threads each) and loads both URLs with Debian's wrk at 50 and 200 connections for a fixed
time each. (wrk has no fixed request count: a thread stopped early still divides by the full
duration.) The number of requests each run made is printed.

    .venv/bin/python -m bench.newsroom_load [--seconds 10] [--connections 50,200]

Goal: page requests/s at least half of the static file's (page cache on, the default).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.sandbox import ROOT, open_sandbox

PAGE = "/mitte/"
STATIC = "/static/bench/same-size.html"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk missing: installing Debian's package")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(port: int) -> int:
    """Demo data and static files; returns the size of the page in bytes."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("load_demo", "--port", str(port), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("collectstatic", "--no-input", verbosity=0)
    page = Client().get(PAGE, HTTP_HOST="127.0.0.1")
    assert page.status_code == 200, page.status_code
    size = len(page.content)
    target = Path(settings.STATIC_ROOT) / STATIC.removeprefix("/static/")
    target.parent.mkdir(parents=True, exist_ok=True)
    filler = ("<p>Gleich große statische Datei zum Vergleich.</p>\n" * (size // 40 + 1)).encode()
    target.write_bytes(filler[:size])
    return size


def start_server(box, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        "2",
        "--blocking-threads",
        "2",
        "--no-ws",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "rathaus.wsgi:application",
    ]
    env = box.env(RATHAUS_ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("granian did not answer within 20 s")


def run_wrk(wrk: str, url: str, connections: int, seconds: float) -> dict:
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse(output)


def parse(output: str) -> dict:
    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")

    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": int(done.group(1)) if done else 0,
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sockets.group(1) if sockets else "",
    }


def line(name: str, connections: int, result: dict) -> str:
    text = (
        f"{name:<7} c={connections:<4} {result['requests']:>7} req  "
        f"{result['rps']:>9.0f} req/s  p50 {result['p50']:>7.2f} ms  p99 {result['p99']:>7.2f} ms"
    )
    if result["errors"] or result["socket_errors"]:
        text += f"  (non-2xx: {result['errors']}, socket errors: {result['socket_errors']})"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="50,200")
    args = parser.parse_args()
    levels = [int(c) for c in args.connections.split(",")]

    wrk = ensure_wrk()
    port = free_port()
    box = open_sandbox("load")
    server = None
    try:
        size = prepare(port)
        print(f"newsroom_load: {box.engine}, page {PAGE} and {STATIC} both {size} bytes")
        server = start_server(box, port)
        base = f"http://127.0.0.1:{port}"
        for url in (PAGE, STATIC):  # warm-up: page cache, WhiteNoise, connections
            run_wrk(wrk, base + url, 20, 2)
        for connections in levels:
            page = run_wrk(wrk, base + PAGE, connections, args.seconds)
            static = run_wrk(wrk, base + STATIC, connections, args.seconds)
            print(line("page", connections, page))
            print(line("static", connections, static))
            ratio = page["rps"] / static["rps"] if static["rps"] else 0.0
            verdict = "met" if ratio >= 0.5 else "MISSED"
            print(
                f"        c={connections:<4} ratio page/static {ratio:.2f} (goal ≥ 0.5: {verdict})"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        box.close()


if __name__ == "__main__":
    main()
