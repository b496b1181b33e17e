"""The newsroom's public pages under load, against nginx serving the same bytes as files.

Prepares a fresh sandbox (migrate, load_demo, collectstatic), renders every public page
synchronously as the job engine's worker would (rendering.refresh) and writes them into a
folder with `manage.py mirror_pages --into DIR --once`. Then, in one run, with Debian's wrk
(`-t2 --latency`) at 50 and 200 connections, each side twice for half of `--seconds`, in the
order ours, nginx, nginx, ours (a machine getting busier or quieter weighs on both alike):

a. Embedded default: granian as `manage.py run` starts it (2 workers × 2 threads,
   rathaus.wsgi:application, which answers rendered pages in front of Django) on plain http,
   against a reference nginx serving the folder (the same bytes: checked) on plain http.
   The front page /mitte/ and one post's page. Goal ≥ 0.25 of nginx, p99 < 30 ms at 200.
b. Production set-up: Debian's nginx with the repository's configuration (`manage.py
   nginx_config`, TLS with a self-signed certificate) in front of granian, against the
   reference nginx with the same certificate and the same ssl_* lines. Goal ≥ 0.9.
c. Publishing storm: 100 posts published through the lifecycle verbs while wrk loads the
   embedded server's front page and two Huey consumers (as `manage.py run`) render
   (bench.newsroom_storm); `--storm-production` repeats it behind the production nginx with
   `mirror_pages --into DIR` running. Goal: no error, none older than 2 s.

wrk runs on the same machine and takes CPU from the servers; so do other people's
processes (the load average is printed). About 4 minutes by default, 5 with
`--storm-production`; `--skip a,b` runs the storm alone.

    .venv/bin/python -m bench.newsroom_load [--seconds 10] [--connections 50,200]
"""

from __future__ import annotations

import argparse
import io
import math
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import newsroom_servers as servers
from bench import newsroom_storm as storm
from bench.sandbox import ROOT, open_sandbox

PAGE = "/mitte/"


def prepare(port: int, rendered: Path) -> str:
    """Demo data, static files, every page rendered and mirrored; returns a post's path."""
    from django.core.management import call_command

    from rathaus.offices.models import Office
    from rathaus.rendering import refresh
    from rathaus.rendering.models import RenderedPage

    quiet = io.StringIO()
    # Static files first, as `make run` does: the pages the demo's changes render link them.
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("load_demo", "--port", str(port), stdout=quiet)
    started = time.monotonic()
    written = refresh.render_site()
    for office_id in Office.objects.values_list("pk", flat=True):
        written += refresh.render_office(office_id) + refresh.render_posts(
            office_id, seconds=math.inf
        )
    print(f"rendered {written} pages in {time.monotonic() - started:.1f} s")
    call_command("mirror_pages", into=rendered, once=True, stdout=quiet)
    post = (
        RenderedPage.objects.filter(source__startswith="post:", gone=False, path__endswith="/")
        .exclude(path__startswith="/en/")
        .order_by("pk")
        .values_list("path", flat=True)
        .first()
    )
    return post


def same_bytes(a: str, b: str, path: str) -> int:
    first, second = servers.fetch(a + path), servers.fetch(b + path)
    if first != second:
        raise SystemExit(f"{path}: {a} and {b} answer different bytes")
    return len(first)


def compare(wrk: str, pairs: list, levels: list[int], seconds: int) -> dict:
    """pairs: (label, ours, reference, path); returns the results per pair and level.

    Each side runs twice for half the time, in the order ours, theirs, theirs, ours: a
    machine that gets busier or quieter during the run (other people's processes) weighs
    on both sides alike. Requests/s is the mean of the halves, p99 the worse half.
    """
    half = max(1, seconds // 2)
    results = {}
    for connections in levels:
        for label, ours, reference, path in pairs:
            a1 = servers.run_wrk(wrk, ours + path, connections, half)
            b1 = servers.run_wrk(wrk, reference + path, connections, half)
            b2 = servers.run_wrk(wrk, reference + path, connections, half)
            a2 = servers.run_wrk(wrk, ours + path, connections, half)
            results[(label, connections)] = (servers.merge(a1, a2), servers.merge(b1, b2))
    return results


def verdicts(results: dict, goal: float, p99_goal: float | None) -> bool:
    ok = True
    for (label, connections), (mine, theirs) in results.items():
        print(servers.line(f"{label}", connections, mine))
        print(servers.line("  nginx, same bytes", connections, theirs))
        ratio = mine["rps"] / theirs["rps"] if theirs["rps"] else 0.0
        met = ratio >= goal and not mine["errors"] and not mine["socket_errors"]
        text = f"  ratio {ratio:.2f} (goal ≥ {goal})"
        if p99_goal is not None and connections >= 200:
            met = met and mine["p99"] < p99_goal
            text += f", p99 {mine['p99']:.1f} ms (goal < {p99_goal:.0f} ms)"
        print(f"{text}: {'met' if met else 'MISSED'}")
        ok = ok and met
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", default="50,200")
    parser.add_argument("--posts", type=int, default=100, help="published in the storm")
    parser.add_argument("--interval", type=float, default=0.25, help="between publications")
    parser.add_argument("--storm-connections", type=int, default=50)
    parser.add_argument("--consumers", type=int, default=2, help="run_huey processes")
    parser.add_argument("--storm-production", action="store_true", help="storm behind nginx")
    parser.add_argument(
        "--worker-nice", type=int, default=0, help="niceness of the consumers (an experiment)"
    )
    parser.add_argument("--skip", default="", help="parts to leave out, e.g. b,c")
    args = parser.parse_args()
    levels = [int(c) for c in args.connections.split(",")]
    skip = set(args.skip.split(","))

    wrk = servers.ensure_tools()
    box = open_sandbox("load")
    work = box.data_dir / "bench"
    rendered = work / "rendered"
    port, plain = servers.free_port(), servers.free_port()
    children: list[subprocess.Popen] = []
    try:
        post = prepare(port, rendered)
        env = box.env(RATHAUS_ALLOWED_HOSTS=servers.HOST)
        granian = servers.start_granian(env, port)
        children.append(granian)
        reference = servers.start_nginx(
            work / "nginx-plain", servers.reference_site(rendered, plain)
        )
        children.append(reference)
        ours, theirs = f"http://{servers.HOST}:{port}", f"http://{servers.HOST}:{plain}"
        servers.wait_for(ours + PAGE, granian, "granian")
        servers.wait_for(theirs + PAGE, reference, "nginx")
        size = same_bytes(ours, theirs, PAGE)
        post_size = same_bytes(ours, theirs, post)
        print(
            f"newsroom_load: {box.engine}; {PAGE} {size} bytes, {post} {post_size} bytes, "
            f"the same bytes from granian and nginx; wrk -t2, {args.seconds} s per run; "
            f"load average {os.getloadavg()[0]:.1f} (others' processes disturb the numbers)"
        )
        for url in (ours, theirs):  # warm-up: connections, the front's memory
            servers.run_wrk(wrk, url + PAGE, 20, 2)
            servers.run_wrk(wrk, url + post, 20, 1)
        if "a" not in skip:
            print("a. embedded default: granian (manage.py run) against nginx, plain http")
            pairs = [
                ("granian " + PAGE, ours, theirs, PAGE),
                ("granian, a post", ours, theirs, post),
            ]
            verdicts(compare(wrk, pairs, levels, args.seconds), 0.25, 30.0)
        production = None
        if "b" not in skip or args.storm_production:
            production = start_production(box, work, rendered, port, children)
        if "b" not in skip:
            print(
                "b. production: nginx (deploy/nginx) in front of granian, against nginx alone, TLS"
            )
            prod, ref = production
            pairs = [
                ("production " + PAGE, prod, ref, PAGE),
                ("production, a post", prod, ref, post),
            ]
            verdicts(compare(wrk, pairs, levels, args.seconds), 0.9, None)
        if "c" not in skip:
            groups = {"granian": [granian.pid]}
            run_storms(args, box, wrk, port, production, rendered, groups, children)
    finally:
        servers.stop(children)
        box.close()


def start_production(box, work: Path, rendered: Path, upstream: int, children: list) -> tuple:
    """The production nginx (in front of granian) and the TLS reference; their base URLs."""
    site = servers.production_site(
        box.env(RATHAUS_HTTPS="true"), work, rendered=rendered,
        static=Path(box.data_dir) / "static", upstream=upstream,
    )  # fmt: skip
    production = servers.start_nginx(work / "nginx-production", site)
    children.append(production)
    port = servers.https_port(site)
    tls_port = servers.free_port()
    ref_site = servers.reference_site(rendered, tls_port, servers.tls_lines(site))
    ref_site = ref_site.replace("server_name", f"ssl_certificate {work / 'cert.pem'};\n"
                                f"ssl_certificate_key {work / 'key.pem'};\nserver_name")  # fmt: skip
    reference = servers.start_nginx(work / "nginx-tls", ref_site)
    children.append(reference)
    prod, ref = f"https://{servers.HOST}:{port}", f"https://{servers.HOST}:{tls_port}"
    servers.wait_for(prod + PAGE, production, "production nginx")
    servers.wait_for(ref + PAGE, reference, "reference nginx (TLS)")
    same_bytes(prod, ref, PAGE)
    return prod, ref


def run_storms(args, box, wrk, port, production, rendered: Path, groups, children) -> None:
    log = box.data_dir / "huey.log"
    consumers = storm.start_consumers(box.env(), args.consumers, log)
    for consumer in consumers:
        os.setpriority(os.PRIO_PROCESS, consumer.pid, args.worker_nice)
    groups = {**groups, "consumers": [c.pid for c in consumers]}
    mirror = None
    try:
        waited = storm.wait_until_rendered()
        nice = f", niceness {args.worker_nice}" if args.worker_nice else ""
        print(
            f"c. publishing storm: {args.posts} posts, one every {args.interval} s, wrk "
            f"c={args.storm_connections} on {PAGE}, {args.consumers} Huey consumer(s) "
            f"{nice} (queue drained after {waited:.1f} s)"
        )
        run_id = time.strftime("%H%M%S")
        numbers = storm.publish_storm(
            wrk=wrk, host=servers.HOST, port=port, tls=False, count=args.posts,
            interval=args.interval, connections=args.storm_connections, run_id=run_id + "e",
            groups=groups,
        )  # fmt: skip
        storm.report("embedded (granian)", numbers)
        if args.storm_production and production is not None:
            command = [sys.executable, "manage.py", "mirror_pages", "--into", str(rendered)]
            mirror = subprocess.Popen(command, cwd=ROOT, env=box.env(), stdout=subprocess.DEVNULL)
            storm.wait_until_rendered()
            time.sleep(2)
            numbers = storm.publish_storm(
                wrk=wrk, host=servers.HOST, port=int(production[0].rsplit(":", 1)[1]), tls=True,
                count=args.posts, interval=args.interval, connections=args.storm_connections,
                run_id=run_id + "p", groups={**groups, "nginx": [children[2].pid],
                "mirror": [mirror.pid]},
            )  # fmt: skip
            storm.report("production (nginx + mirror_pages)", numbers)
    finally:
        servers.stop([*consumers, *([mirror] if mirror else [])])


if __name__ == "__main__":
    main()
