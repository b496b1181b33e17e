"""The production nginx site (deploy/nginx/rathaus.conf) with its placeholders filled:
the admin's paths and names from the options, the rest from the settings, so that a page
nginx serves from the rendered directory carries the headers Django gives the same page.

    manage.py nginx_config --rendered /srv/rathaus/rendered --server-name presse.example.de \\
        --cert /etc/ssl/presse.pem --key /etc/ssl/presse.key > /etc/nginx/sites-enabled/rathaus

The output goes into nginx's configuration, so every value is checked to be one word that
cannot end a directive or open a block: a name with a ";" in it must not add directives.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpResponse
from django.test import RequestFactory

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "rathaus.conf"
# The largest body of a public form: the contact form's own limit (contact.views
# MAX_REQUEST_BYTES, which answers anything below it with the form and a kind message).
# Not imported: the offices app sits below contact. tests/rendering/test_nginx.py checks
# that the two agree.
FORM_BODY_MAX_MB = 20
# Nothing that ends a directive, opens a block, starts a variable or quotes.
SAFE_WORD = re.compile(r"[^\s;{}$\"'\\#]+")
# What a header value may hold inside nginx's double quotes.
SAFE_VALUE = re.compile(r"[^\"$\\\r\n]*")
PLACEHOLDER = re.compile(r"@[A-Z_]+@")


def _word(name: str, value: str) -> str:
    if not SAFE_WORD.fullmatch(value):
        raise CommandError(f"{name}: {value!r} cannot go into nginx's configuration")
    return value


def _path(name: str, value: str) -> str:
    if not Path(value).is_absolute():
        raise CommandError(f"{name}: {value!r} must be an absolute path")
    return _word(name, value.rstrip("/") or "/")


def security_headers() -> list[tuple[str, str]]:
    """The headers Django's security middlewares add to a public page over https, asked of
    the middlewares themselves (innermost first, as in settings.MIDDLEWARE)."""
    from csp.middleware import CSPMiddleware
    from django.middleware.clickjacking import XFrameOptionsMiddleware
    from django.middleware.security import SecurityMiddleware

    page = HttpResponse()
    before = set(page.headers)
    handler = lambda request: page  # noqa: E731
    for middleware in (XFrameOptionsMiddleware, CSPMiddleware, SecurityMiddleware):
        handler = middleware(handler)
    request = RequestFactory().get("/", secure=True, headers={"X-Forwarded-Proto": "https"})
    response = handler(request)
    return [(name, value) for name, value in response.items() if name not in before]


def body_max_mb() -> int:
    """An image as large as the desk takes, and the form fields around it."""
    fields_mb = -(-settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
    return settings.UPLOAD_MAX_MB + fields_mb


def render(
    *,
    rendered: str,
    static: str,
    server_name: str,
    cert: str,
    key: str,
    upstream: str,
    https_listen: str = "443",
    http_listen: str = "80",
) -> str:
    lines = []
    for name, value in security_headers():
        if not SAFE_VALUE.fullmatch(value):
            raise CommandError(f"the {name} header {value!r} cannot go into nginx's configuration")
        lines.append(f'        add_header {_word("header", name)} "{value}";')
    values = {
        "RENDERED_ROOT": _path("--rendered", rendered),
        "STATIC_ROOT": _path("--static", static),
        "SERVER_NAME": _word("--server-name", server_name),
        "CERT": _path("--cert", cert),
        "KEY": _path("--key", key),
        "UPSTREAM": _word("--upstream", upstream),
        "HTTPS_LISTEN": _word("--https-listen", https_listen),
        "HTTP_LISTEN": _word("--http-listen", http_listen),
        "PAGE_CACHE_SECONDS": str(settings.PAGE_CACHE_SECONDS),
        "BODY_MAX": f"{body_max_mb()}m",
        "FORM_BODY_MAX": f"{FORM_BODY_MAX_MB}m",
        "SECURITY_HEADERS": "\n".join(lines),
    }
    return "".join(
        line if line.lstrip().startswith("#") else _fill(line, values)
        for line in TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
    )


def _fill(line: str, values: dict[str, str]) -> str:
    """One line of the template; comments keep their placeholders as documentation."""
    for name, value in values.items():
        line = line.replace(f"@{name}@", value)
    if PLACEHOLDER.search(line):
        raise CommandError(f"a placeholder without a value in {line.strip()!r}")
    return line


class Command(BaseCommand):
    help = "Print the nginx site configuration for this installation (deploy/nginx)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rendered",
            default=str(getattr(settings, "RENDERED_ROOT", "")),
            help="what mirror_pages --into writes (default: RENDERED_ROOT)",
        )
        parser.add_argument("--static", default=str(settings.STATIC_ROOT))
        parser.add_argument("--server-name", required=True)
        parser.add_argument("--cert", required=True, help="certificate chain, PEM")
        parser.add_argument("--key", required=True, help="the certificate's key, PEM")
        parser.add_argument(
            "--upstream", default="127.0.0.1:8000", help="granian: host:port or unix:/path"
        )
        parser.add_argument("--https-listen", default="443")
        parser.add_argument("--http-listen", default="80")

    def handle(self, *args, **options) -> None:
        names = ("rendered", "static", "server_name", "cert", "key", "upstream")
        names += ("https_listen", "http_listen")
        self.stdout.write(render(**{name: options[name] for name in names}), ending="")
