"""The servers bench.newsroom_load compares, and wrk to load them.

granian as `manage.py run` starts it, Debian's nginx with the repository's site
configuration (deploy/nginx, filled by `manage.py nginx_config`) and a reference nginx
that serves the same folder of files with nothing else in the way: plain http, or the
very TLS lines of the production configuration, so that like is compared with like.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.sandbox import ROOT

NGINX = "/usr/sbin/nginx"
HOST = "127.0.0.1"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def ensure_tools() -> str:
    """wrk and nginx from Debian (installed with apt if missing); returns wrk's path."""
    missing = [p for p, b in (("wrk", "wrk"), ("nginx", NGINX)) if not shutil.which(b)]
    if missing:
        print(f"missing {missing}: installing Debian's packages")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)
    return shutil.which("wrk") or "wrk"


def wait_for(url: str, process: subprocess.Popen, what: str, timeout: float = 90) -> None:
    context = ssl._create_unverified_context()  # our own self-signed certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} stopped (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"{what} did not answer {url} within {timeout:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(url: str) -> bytes:
    context = ssl._create_unverified_context()
    with urllib.request.urlopen(url, timeout=5, context=context) as answer:
        return answer.read()


def start_granian(env: dict, port: int) -> subprocess.Popen:
    """As `manage.py run` starts it (offices/management/commands/run.py)."""
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", HOST]
    command += ["--port", str(port), "--workers", "2", "--blocking-threads", "2", "--no-ws"]
    command += ["--log-level", "warning", "rathaus.wsgi:application"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for HOST, as the nginx test makes it."""
    from tests.loopback import self_signed_certificate

    return self_signed_certificate(directory, HOST)


def production_site(env: dict, work: Path, *, rendered: Path, static: Path, upstream: int) -> str:
    """The repository's site configuration, filled by `manage.py nginx_config` in a process
    with the production settings (RATHAUS_HTTPS on: HSTS and the proxy header)."""
    cert, key = certificate(work)
    https, http = free_port(), free_port()
    command = [sys.executable, "manage.py", "nginx_config", "--rendered", str(rendered)]
    command += ["--static", str(static), "--server-name", HOST, "--cert", str(cert)]
    command += ["--key", str(key), "--upstream", f"{HOST}:{upstream}"]
    command += ["--https-listen", f"{HOST}:{https}", "--http-listen", f"{HOST}:{http}"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def tls_lines(site: str) -> str:
    """The production configuration's TLS directives, word for word."""
    lines = re.findall(r"^\s*ssl_[a-z_]+ .*;$", site, re.M)
    return "\n".join(line.strip() for line in lines)


def https_port(site: str) -> int:
    return int(re.search(r"listen 127\.0\.0\.1:(\d+) ssl", site).group(1))


def reference_site(rendered: Path, port: int, tls: str = "") -> str:
    """nginx serving the folder and nothing else: /mitte/ is mitte/index.html."""
    listen = f"{HOST}:{port}" + (" ssl http2" if tls else "")
    return (
        f"server {{ listen {listen}; server_name {HOST};\n{tls}\n"
        f"  root {rendered}; index index.html; charset utf-8;\n"
        "  location / { try_files $uri $uri/index.html =404; } }\n"
    )


def start_nginx(work: Path, site: str) -> subprocess.Popen:
    """Debian's nginx with ``site`` inside a minimal http block.

    worker_processes 2: as many as granian's workers and as the machine's cores, so each
    side gets the same processes; access_log off on both sides (granian logs no accesses
    either). keepalive_requests is raised from 1,000: granian keeps a connection for as
    long as wrk wants, and nginx must not pay for reconnecting where granian does not.
    """
    work.mkdir(parents=True, exist_ok=True)
    (work / "site.conf").write_text(site)
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = " ".join(f"{k}_temp_path {work / k};" for k in ("client_body", "proxy", "fastcgi"))
    temp += f" uwsgi_temp_path {work / 'uwsgi'}; scgi_temp_path {work / 'scgi'};"
    (work / "nginx.conf").write_text(
        f"daemon off; {user} worker_processes 2; pid {work / 'nginx.pid'};\n"
        "events { worker_connections 4096; }\n"
        "http { include /etc/nginx/mime.types; default_type application/octet-stream;\n"
        "  sendfile on; tcp_nopush on; keepalive_requests 1000000; access_log off;\n"
        f"  {temp}\n  include {work / 'site.conf'}; }}\n"
    )
    command = [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "err")]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
        "socket_errors": sockets.group(1).strip() if sockets else "",
    }


def merge(first: dict, second: dict) -> dict:
    """Two runs of the same length as one: requests added, the worse p50 and p99."""
    return {
        "requests": first["requests"] + second["requests"],
        "rps": (first["rps"] + second["rps"]) / 2,
        "p50": max(first["p50"], second["p50"]),
        "p99": max(first["p99"], second["p99"]),
        "errors": first["errors"] + second["errors"],
        "socket_errors": "; ".join(
            e for e in (first["socket_errors"], second["socket_errors"]) if e
        ),
    }


def line(name: str, connections: int, result: dict) -> str:
    text = (
        f"  {name:<22} c={connections:<4} {result['requests']:>8} req "
        f"{result['rps']:>8.0f} req/s  p50 {result['p50']:>6.2f} ms  p99 {result['p99']:>6.2f} ms"
    )
    if result["errors"] or result["socket_errors"]:
        text += f"  (non-2xx: {result['errors']}, socket errors: {result['socket_errors']})"
    return text
