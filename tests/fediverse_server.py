"""A stand-in for other Fediverse servers: a small aiohttp app on 127.0.0.1 and a free port,
run in a background thread, answering what the test registers and recording every request.

    with FediverseServer() as server:
        server.json("/users/alice", {...})
        server.redirect("/old", "/users/alice")
        ... server.url("/users/alice") ...
        assert server.requests[0].headers["Signature"]

Tests that fetch from it must allow loopback: ``settings.FEDERATION_PRIVATE_HOSTS =
["127.0.0.1", "localhost"]`` and ``settings.FEDERATION_ALLOW_HTTP = True``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str  # without the query
    path_qs: str  # with the query, as it was requested (what a signature covers)
    query: dict[str, str]
    headers: CIMultiDict[str]  # case-insensitive: headers["signature"] works
    body: bytes
    raw: web.Request | None = field(default=None, repr=False)  # for streaming answers


Handler = Callable[[Recorded], "web.StreamResponse | Awaitable[web.StreamResponse]"]


class FediverseServer:
    """Start with ``with FediverseServer() as server`` (or start()/stop())."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # --- addresses ------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        """host:port, as in a handle's domain part or a Host header."""
        return f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str, method: str | None = None) -> list[Recorded]:
        return [
            r for r in self.requests if r.path == path and (method is None or r.method == method)
        ]

    # --- registering answers --------------------------------------------------------------

    def route(self, path: str, handler: Handler, method: str = "GET") -> None:
        """Any answer: ``handler(recorded)`` returns (or awaits to) an aiohttp response."""
        self._routes[(method.upper(), path)] = handler

    def json(
        self,
        path: str,
        document: Any,
        *,
        status: int = 200,
        content_type: str = "application/activity+json",
        headers: dict[str, str] | None = None,
        method: str = "GET",
    ) -> None:
        body = json.dumps(document).encode()
        self.text(
            path, body, status=status, content_type=content_type, headers=headers, method=method
        )

    def text(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
        method: str = "GET",
    ) -> None:
        data = body.encode() if isinstance(body, str) else body

        def answer(_request: Recorded) -> web.Response:
            return web.Response(
                body=data, status=status, content_type=content_type, headers=headers
            )

        self.route(path, answer, method)

    def status(
        self, path: str, status: int, *, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> None:
        self.text(path, f"status {status}", status=status, headers=headers, method=method)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        def answer(_request: Recorded) -> web.Response:
            return web.Response(status=status, headers={"Location": location})

        self.route(path, answer, "GET")

    def slow(self, path: str, seconds: float, document: Any = None) -> None:
        """Answers only after ``seconds`` (to test timeouts)."""

        async def answer(_request: Recorded) -> web.Response:
            await asyncio.sleep(seconds)
            return web.json_response(document or {})

        self.route(path, answer, "GET")

    def huge(self, path: str, size: int, *, content_length: bool = True) -> None:
        """``size`` bytes of a JSON string, with Content-Length or chunked without it."""
        chunk = b"x" * 65536

        async def answer(request: Recorded) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/activity+json"})
            if content_length:
                response.content_length = size
            else:
                response.enable_chunked_encoding()
            await response.prepare(request.raw)
            sent = 0
            try:
                while sent < size:
                    piece = chunk[: size - sent]
                    await response.write(piece)
                    sent += len(piece)
                await response.write_eof()
            except (ConnectionError, RuntimeError):
                pass  # the client gave up, as it should
            return response

        self.route(path, answer, "GET")

    # --- running --------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        recorded = Recorded(
            method=request.method,
            path=request.path,
            path_qs=request.raw_path,
            query=dict(request.query),
            headers=CIMultiDict(request.headers),
            body=await request.read(),
            raw=request,
        )
        self.requests.append(recorded)
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            return web.Response(status=404, text="not found")
        answer = handler(recorded)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer

    def start(self) -> FediverseServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def serve() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._dispatch)
            # Short grace period: a slow handler must not hold up the end of a test.
            self._runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, 0)
            await site.start()
            self.port = self._runner.addresses[0][1]  # the free port the system gave

        def main() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=main, name="fediverse-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test server did not start")
        return self

    async def _shutdown(self) -> None:
        await self._runner.cleanup()
        # Handlers still sleeping (slow answers) end here, not as "Task was destroyed".
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> FediverseServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def mastodon_actor(base: str, public_pem: str, username: str = "alice") -> dict:
    """An actor document as Mastodon 4.3 serves it at /users/<name>."""
    uri = f"{base}/users/{username}"
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            {
                "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                "toot": "http://joinmastodon.org/ns#",
                "featured": {"@id": "toot:featured", "@type": "@id"},
                "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
                "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
                "movedTo": {"@id": "as:movedTo", "@type": "@id"},
                "schema": "http://schema.org#",
                "PropertyValue": "schema:PropertyValue",
                "value": "schema:value",
                "discoverable": "toot:discoverable",
                "suspended": "toot:suspended",
                "memorial": "toot:memorial",
                "indexable": "toot:indexable",
                "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
            },
        ],
        "id": uri,
        "type": "Person",
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "featured": f"{uri}/collections/featured",
        "featuredTags": f"{uri}/collections/tags",
        "preferredUsername": username,
        "name": "Alice Beispiel",
        "summary": "<p>Wohnt in Mitte, fragt nach Baumfällungen.</p>",
        "url": f"{base}/@{username}",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": False,
        "published": "2022-11-05T00:00:00Z",
        "memorial": False,
        "attributionDomains": [],
        "devices": f"{uri}/collections/devices",
        "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": public_pem},
        "tag": [],
        "attachment": [
            {"type": "PropertyValue", "name": "Ort", "value": "Musterstadt"},
        ],
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "icon": {
            "type": "Image",
            "mediaType": "image/png",
            "url": f"{base}/system/accounts/avatars/000/000/001/original/a.png",
        },
    }
