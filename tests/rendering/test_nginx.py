"""The production nginx site (deploy/nginx/rathaus.conf, filled by ``manage.py
nginx_config``) run by Debian's nginx on loopback, in front of the real Django app in a
live server thread, spoken to over TLS and HTTP/2 by curl.

Django runs with the production security settings (https behind a proxy, HSTS, the client
address from X-Real-IP), so a header nginx fails to pass shows as a redirect loop, a 400 or
a wrong address. nginx is not optional: `make test` installs it, and without it these tests
fail rather than skip.
"""

from __future__ import annotations

import io
import os
import pwd
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread

from rathaus.contact import views as contact_views
from rathaus.inbox.models import Conversation
from rathaus.lib import spam
from rathaus.offices.management.commands import nginx_config
from rathaus.posts import lifecycle
from tests.loopback import self_signed_certificate

NGINX = "/usr/sbin/nginx"
CURL = "/usr/bin/curl"
HOST = "presse.example"  # the installation's address in tests/rendering (conftest)
# nginx's ETag is the file's time and size in hex; Django's is a hash of the content.
NGINX_ETAG = re.compile(r'^"[0-9a-f]+-[0-9a-f]+"$')
# Headers a page must carry alike from the directory and from Django.
SAME_HEADERS = (
    "content-type",
    "cache-control",
    "content-language",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "strict-transport-security",
)


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]  # lower-case names
    body: bytes
    http_version: str

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return ", ".join(values) if values else None


@dataclass
class Site:
    """nginx with the site configuration, and the directories it serves."""

    work: Path
    rendered: Path
    static: Path
    cert: Path
    https_port: int
    http_port: int

    def file(self, path: str) -> Path:
        """Where the layout puts the page at ``path``."""
        return self.rendered / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))

    def put(self, path: str, content: bytes) -> None:
        self.file(path).parent.mkdir(parents=True, exist_ok=True)
        self.file(path).write_bytes(content)

    def mirror(self) -> None:
        """The rendered pages into the directory, as on a web host."""
        call_command("mirror_pages", into=self.rendered, once=True, stdout=io.StringIO())

    def request(
        self, path: str, *, method: str = "GET", data: bytes | None = None, headers=(), https=True
    ) -> Answer:
        port = self.https_port if https else self.http_port
        head, out = self.work / "head", self.work / "out"
        command = [CURL, "-sS", "--max-time", "10", "--resolve", f"{HOST}:{port}:127.0.0.1"]
        command += ["--cacert", str(self.cert), "-D", str(head), "-o", str(out)]
        command += ["-w", "%{http_version}"]
        if https:
            command.append("--http2")
        if method == "HEAD":
            command.append("--head")
        elif method != "GET":
            command += ["-X", method]
        if data is not None:
            (self.work / "body").write_bytes(data)
            command += ["--data-binary", f"@{self.work / 'body'}"]
        for name, value in headers:
            command += ["-H", f"{name}: {value}"]
        command.append(f"{'https' if https else 'http'}://{HOST}:{port}{path}")
        out.unlink(missing_ok=True)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"curl {path}: {done.stderr}"
        # The last block: the answer after any 100 Continue.
        block = head.read_text().replace("\r\n", "\n").strip().split("\n\n")[-1]
        status_line, *lines = block.split("\n")
        headers_found: dict[str, list[str]] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers_found.setdefault(name.strip().lower(), []).append(value.strip())
        body = out.read_bytes() if out.exists() else b""
        return Answer(int(status_line.split()[1]), headers_found, body, done.stdout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(directory: Path) -> Path:
    """A self-signed certificate for HOST; curl trusts exactly this one."""
    cert, _key = self_signed_certificate(directory, HOST)
    return cert


@pytest.fixture
def upstream(transactional_db, rendering, settings):
    """The real app standing in for granian, with the production settings that depend on
    the proxy. Started after they are set: the middlewares read them once, at start."""
    assert rendering == f"https://{HOST}"
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.CONTACT_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    # No static handler: /static/ is nginx's, and Django must not answer it here.
    thread = LiveServerThread("127.0.0.1", lambda handler: handler, shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


@pytest.fixture
def site(tmp_path, upstream):
    assert Path(NGINX).exists(), "Debian's nginx is missing: `make test` installs it"
    assert Path(CURL).exists(), "curl is missing: `make test` installs it"
    rendered, static = tmp_path / "rendered", tmp_path / "static"
    rendered.mkdir()
    static.mkdir()
    cert = _certificate(tmp_path)
    https_port, http_port = _free_port(), _free_port()
    out = io.StringIO()
    call_command(
        "nginx_config",
        rendered=str(rendered),
        static=str(static),
        server_name=HOST,
        cert=str(cert),
        key=str(tmp_path / "key.pem"),
        upstream=upstream,
        https_listen=f"127.0.0.1:{https_port}",
        http_listen=f"127.0.0.1:{http_port}",
        stdout=out,
    )
    (tmp_path / "rathaus.conf").write_text(out.getvalue())
    # What Debian's /etc/nginx/nginx.conf gives a site, with this test's own files. As root
    # (the CI container), the workers would run as nobody and not read tmp_path.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    temp += f" uwsgi_temp_path {tmp_path / 'uwsgi'}; scgi_temp_path {tmp_path / 'scgi'};"
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; {user} worker_processes 1; pid {tmp_path / 'nginx.pid'};\n"
        "events { worker_connections 64; }\n"
        "http { include /etc/nginx/mime.types; default_type application/octet-stream;\n"
        f"  access_log {tmp_path / 'access.log'}; {temp}\n"
        f"  include {tmp_path / 'rathaus.conf'}; }}\n"
    )
    log = tmp_path / "error.log"
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(log)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while True:
            assert server.poll() is None, f"nginx stopped: {log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"nginx did not start: {log.read_text()}"
                time.sleep(0.02)
        # Any warning but the one nginx ≥ 1.25.1 gives for 1.22's `listen … http2`.
        warnings = [line for line in log.read_text().splitlines() if "[warn]" in line]
        assert not [w for w in warnings if "http2" not in w], warnings
        yield Site(tmp_path, rendered, static, cert, https_port, http_port)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _dynamic(path: str):
    """The page as Django gives it, over https through a proxy."""
    return Client().get(path, headers={"host": HOST, "x-forwarded-proto": "https"})


def _policy(value: str | None) -> set[str]:
    """A Content-Security-Policy's directives: their order is django-csp's own."""
    return {part.strip() for part in (value or "").split(";") if part.strip()}


def test_rendered_pages_come_from_the_directory_with_djangos_headers(site, publish_post):
    post = publish_post(title="Sturmwarnung für Mitte", body="Bitte bleiben Sie zu Hause.")
    site.mirror()
    paths = [post.get_absolute_url(), "/mitte/", "/en/mitte/", "/mitte/feed.rss"]
    paths += ["/mitte/feed.atom", "/mitte/termine.ics", "/sitemap.xml"]
    for path in paths:
        assert site.file(path).is_file(), f"{path} not mirrored"
        dynamic = _dynamic(path)
        assert dynamic.status_code == 200, path
        answer = site.request(path)
        assert (answer.status, answer.http_version) == (200, "2"), path
        assert answer.body == site.file(path).read_bytes() == dynamic.content, path
        assert NGINX_ETAG.match(answer.header("etag") or ""), f"{path} not from the file"
        assert answer.header("last-modified"), path
        for name in SAME_HEADERS:
            assert answer.header(name) == dynamic.headers.get(name), (path, name)
        assert _policy(answer.header("content-security-policy")) == _policy(
            dynamic.headers.get("content-security-policy")
        )
        assert "set-cookie" not in answer.headers, path
        assert "vary" not in answer.headers, path
    assert site.request("/en/mitte/").header("content-language") == "en"
    assert site.request("/mitte/").header("content-type") == "text/html; charset=utf-8"
    head = site.request("/mitte/", method="HEAD")
    assert head.status == 200
    assert head.header("content-length") == str(site.file("/mitte/").stat().st_size)


def test_what_the_directory_lacks_or_must_not_answer_reaches_django(
    site, office, publish_post, django_capture_on_commit_callbacks
):
    post = publish_post(title="Baumfällung in der Lindenallee", body="Am Montag.")
    site.mirror()
    assert NGINX_ETAG.match(site.request("/mitte/").header("etag"))
    assert not site.file("/mitte/suche/").exists()  # depends on the request: not rendered
    for path in ("/mitte/?page=2", "/mitte/suche/?q=Linden", "/mitte/suche/"):
        answer = site.request(path)
        assert answer.status == 200, path
        assert b"Musterstadt-Mitte" in answer.body, path
        assert not NGINX_ETAG.match(answer.header("etag") or ""), f"{path} from a file"
        assert answer.header("strict-transport-security"), path
    # Withdrawn: the mirror removes the post's file, and Django answers 410 with the reason.
    url = post.get_absolute_url()
    assert NGINX_ETAG.match(site.request(url).header("etag"))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=post.approved_by, reason="Termin verschoben")
    site.mirror()
    assert not site.file(url).exists()
    gone = site.request(url)
    assert gone.status == 410
    assert b"Termin verschoben" in gone.body
    assert "set-cookie" not in gone.headers
    # Removed while its directory stays (it holds feed.rss): Django, not nginx's 403.
    site.file("/mitte/").unlink()
    answer = site.request("/mitte/")
    assert answer.status == 200
    assert not NGINX_ETAG.match(answer.header("etag") or "")
    assert b"Musterstadt-Mitte" in answer.body
    # No form post and no desk page is ever answered from a file.
    post = site.request("/mitte/", method="POST", data=b"")
    assert post.status == 403  # Django's CSRF refusal, in the office's layout
    assert b"Musterstadt-Mitte" in post.body
    site.put("/desk/", b"<!doctype html><title>nicht aus dem Verzeichnis</title>")
    desk = site.request("/desk/")
    assert desk.status == 302
    assert desk.header("location").startswith("/accounts/login/")


def test_a_contact_message_reaches_django_with_the_citizens_address(site, office):
    form = site.request("/mitte/kontakt/")
    assert form.status == 200
    assert "no-store" in form.header("cache-control")
    nonce = re.search(rb'name="nonce" value="([^"]+)"', form.body).group(1).decode()
    fields = {"message": "Die Ampel an der Hauptstraße ist aus.", "nonce": nonce, "website": ""}
    # A client's own X-Real-IP and X-Forwarded-Proto never get through nginx.
    spoofed = [("X-Real-IP", "203.0.113.9"), ("X-Forwarded-Proto", "http")]
    headers = [("Content-Type", "application/x-www-form-urlencoded"), *spoofed]
    sent = site.request(
        "/mitte/kontakt/", method="POST", data=urlencode(fields).encode(), headers=headers
    )
    assert sent.status == 200, sent.body[:300]
    assert Conversation.objects.filter(office=office).count() == 1
    shared = caches[spam.SHARED_CACHE]
    assert shared.get(spam.rate_key_for("127.0.0.1", 1)) is not None
    assert shared.get(spam.rate_key_for("203.0.113.9", 1)) is None


def test_public_form_posts_are_rate_limited_and_large_bodies_refused(site, office):
    assert nginx_config.FORM_BODY_MAX_MB * 1024 * 1024 == contact_views.MAX_REQUEST_BYTES
    too_large = b"x" * (nginx_config.FORM_BODY_MAX_MB * 1024 * 1024 + 1)
    for path in ("/mitte/kontakt/", "/desk/mitte/"):
        refused = site.request(path, method="POST", data=too_large)
        assert refused.status == 413, path
        assert b"Musterstadt" not in refused.body, f"{path}: Django read the body"
    form = {"Content-Type": "application/x-www-form-urlencoded"}.items()
    for _ in range(10):  # empty forms: Django's own limit counts none of them
        assert site.request("/mitte/kontakt/", method="POST", data=b"", headers=form).status == 400
    eleventh = site.request("/mitte/kontakt/", method="POST", data=b"", headers=form)
    assert eleventh.status == 429
    assert b"Musterstadt" not in eleventh.body, "not nginx's answer"
    # One zone for every public form; reading pages is not counted, nor are the logins.
    assert site.request("/en/mitte/newsletter/", method="POST", data=b"").status == 429
    assert site.request("/mitte/kontakt/").status == 200
    login = site.request("/accounts/login/", method="POST", data=b"", headers=form)
    assert login.status == 403  # Django's CSRF refusal, not the public zone
    assert b"Rathaus" in login.body


def test_plain_http_redirects_and_static_files_are_nginxs(site):
    moved = site.request("/mitte/?page=2", https=False)
    assert moved.status == 301
    assert moved.header("location") == f"https://{HOST}/mitte/?page=2"
    css = b"body { color: #123; }"
    hashed = site.static / "rathaus" / "newsroom.0123456789ab.css"
    hashed.parent.mkdir()
    hashed.write_bytes(css)
    (site.static / "rathaus" / "newsroom.css").write_bytes(css)
    answer = site.request("/static/rathaus/newsroom.0123456789ab.css")
    assert (answer.status, answer.body) == (200, css)
    assert answer.header("content-type") == "text/css; charset=utf-8"
    assert answer.header("cache-control") == "public, max-age=315360000, immutable"
    assert answer.header("x-content-type-options") == "nosniff"
    plain = site.request("/static/rathaus/newsroom.css")
    assert plain.header("cache-control") == "public, max-age=3600"
    assert site.request("/static/rathaus/missing.css").status == 404


def test_the_configuration_takes_no_value_that_would_add_directives(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    good = {
        "rendered": "/srv/rathaus/rendered",
        "static": "/srv/rathaus/static",
        "server_name": "presse.example.de",
        "cert": "/etc/ssl/presse.pem",
        "key": "/etc/ssl/presse.key",
        "upstream": "unix:/run/rathaus/granian.sock",
    }
    text = nginx_config.render(**good)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in lines if nginx_config.PLACEHOLDER.search(line)]
    assert "    server unix:/run/rathaus/granian.sock;" in lines
    assert any("Strict-Transport-Security" in line for line in lines)
    for name, bad in (
        ("server_name", "presse.example.de; include /etc/passwd"),
        ("rendered", "relative/dir"),
        ("upstream", "127.0.0.1:8000 }"),
        ("cert", "/etc/ssl/$host.pem"),
    ):
        with pytest.raises(CommandError):
            nginx_config.render(**(good | {name: bad}))
