"""One public page rendered the way a reader would get it: a GET through Django's whole
middleware stack and the page's own view, so the views stay the one source of the HTML and
its headers. Runs in the worker (the job ``rendering.render``), never in a web request.
"""

from __future__ import annotations

import io
import logging
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import set_script_prefix
from django.utils import translation

from rathaus.offices.models import installation_url

log = logging.getLogger(__name__)

# Set in the environ of a rendering request: the page cache then reads the office's
# content version afresh instead of its per-process memo (newsroom.caching), so that a page
# rendered right after a publication is never the one from before it.
RENDERING = "rathaus.rendering"


@dataclass(frozen=True)
class Page:
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def etag(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "etag"), "")


class _Handler(BaseHandler):
    def __init__(self) -> None:
        super().__init__()
        self.load_middleware()


_handler: _Handler | None = None


def _environ(path: str) -> dict:
    """A plain GET on the installation's own address (``installation_url``): absolute
    links in the page (Open Graph, feeds) are those of a reader asking there."""
    base = urlsplit(installation_url())
    https = base.scheme == "https"
    port = str(base.port or (443 if https else 80))
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.encode().decode("latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": base.hostname or "localhost",
        "SERVER_PORT": port,
        "HTTP_HOST": base.netloc,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": base.scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        RENDERING: True,
    }


def _close(response) -> None:
    """Close the response's files without ``request_finished``, as Django's test client
    does: its receiver closes the database connection when it finds a transaction open,
    and this is no request of its own but work inside the worker's (or a test's)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def render(path: str) -> Page:
    """The page at ``path`` as Django answers it now. Bodies of streamed answers (images,
    the logo) are read whole: they are small renditions."""
    global _handler
    if _handler is None:
        _handler = _Handler()
    set_script_prefix("/")
    # The language is the address's (newsroom.language); the worker's own must not leak.
    with translation.override(None):
        response = _handler.get_response(WSGIRequest(_environ(path)))
    try:
        body = b"".join(response) if response.streaming else response.content
    finally:
        _close(response)
    if response.cookies or response.has_header("Set-Cookie"):
        # A page that sets a cookie is personal: it must not be copied for everyone.
        log.warning("not rendered: %s sets a cookie", path)
        return Page(path, 500, [], b"")
    headers = [
        (name, value) for name, value in response.items() if name.lower() != "content-length"
    ]
    headers.append(("Content-Length", str(len(body))))
    return Page(path, response.status_code, headers, body)
