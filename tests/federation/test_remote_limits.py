"""A remote server may answer slowly, hugely, wrongly or not at all: the client stops in
time and says which of these it was, so the caller can retry or give up."""

import time

import pytest

from rathaus.federation import remote

MIB = 1024 * 1024


def fetch(url: str) -> dict:
    async def get() -> dict:
        async with remote.session() as client:
            return await remote.get_json(client, url)

    return remote.run(get())


def test_it_reads_an_answer_of_just_under_the_limit(server):
    padding = "x" * (MIB - 100)
    server.json("/big", {"padding": padding})
    assert len(fetch(server.url("/big"))["padding"]) == len(padding)


def test_it_refuses_an_answer_announced_as_too_large(server):
    server.huge("/huge", 2 * MIB, content_length=True)
    with pytest.raises(remote.TooLarge, match="announces"):
        fetch(server.url("/huge"))


def test_it_stops_reading_an_endless_answer(server):
    server.huge("/huge", 50 * MIB, content_length=False)
    with pytest.raises(remote.TooLarge, match="more than"):
        fetch(server.url("/huge"))


def test_it_gives_up_on_a_slow_server(server, monkeypatch):
    monkeypatch.setattr(remote, "TOTAL_TIMEOUT", 0.5)
    server.slow("/slow", 3)
    started = time.monotonic()
    with pytest.raises(remote.Unreachable, match="in time"):
        fetch(server.url("/slow"))
    assert time.monotonic() - started < 2


def test_a_closed_port_is_unreachable(server):
    port = server.port
    server.stop()
    with pytest.raises(remote.Unreachable):
        fetch(f"http://127.0.0.1:{port}/doc")


def test_html_is_not_a_document(server):
    server.text("/page", "<html><body>Hello</body></html>", content_type="text/html")
    with pytest.raises(remote.RemoteError, match="JSON"):
        fetch(server.url("/page"))


def test_a_json_list_is_not_a_document(server):
    server.json("/list", [1, 2, 3])
    with pytest.raises(remote.NotJson):
        fetch(server.url("/list"))


def test_not_found_is_a_bad_status(server):
    with pytest.raises(remote.BadStatus) as raised:
        fetch(server.url("/nobody"))
    assert raised.value.status == 404
    assert raised.value.retry_after is None


def test_too_many_requests_says_when_to_retry(server):
    server.status("/busy", 429, headers={"Retry-After": "120"})
    with pytest.raises(remote.BadStatus) as raised:
        fetch(server.url("/busy"))
    assert raised.value.status == 429
    assert raised.value.retry_after == 120


def test_retry_after_may_be_a_date():
    from datetime import UTC, datetime

    now = datetime(2025, 3, 30, 12, 0, tzinfo=UTC)
    assert remote.parse_retry_after("Sun, 30 Mar 2025 12:02:30 GMT", now) == 150
    assert remote.parse_retry_after("Sun, 30 Mar 2025 11:00:00 GMT", now) == 0
    assert remote.parse_retry_after("soon", now) is None
    assert remote.parse_retry_after(None, now) is None


def test_a_post_returns_any_status_without_raising(server, signing_keys):
    server.status("/inbox", 503, headers={"Retry-After": "30"}, method="POST")

    async def post() -> remote.Response:
        async with remote.session() as client:
            return await remote.post_signed(
                client,
                server.url("/inbox"),
                b'{"type": "Create"}',
                key_id="https://rathaus.example/ap/presse#main-key",
                private_pem=signing_keys[0],
            )

    answer = remote.run(post())
    assert answer == remote.Response(status=503, retry_after=30, text="status 503")


def test_a_post_keeps_only_the_start_of_a_long_answer(server, signing_keys):
    server.text("/inbox", "Fehler " * 1000, status=400, method="POST")

    async def post() -> remote.Response:
        async with remote.session() as client:
            return await remote.post_signed(
                client, server.url("/inbox"), b"{}", key_id="k", private_pem=signing_keys[0]
            )

    answer = remote.run(post())
    assert answer.status == 400
    assert len(answer.text) == 500


def test_a_post_to_a_closed_port_raises_unreachable(server, signing_keys):
    port = server.port
    server.stop()

    async def post() -> remote.Response:
        async with remote.session() as client:
            return await remote.post_signed(
                client,
                f"http://127.0.0.1:{port}/inbox",
                b"{}",
                key_id="k",
                private_pem=signing_keys[0],
            )

    with pytest.raises(remote.Unreachable):
        remote.run(post())


def test_run_works_while_the_calling_thread_runs_a_loop(server):
    """As under Playwright in pytest, or in an ASGI worker: run() must not need this loop."""
    import asyncio

    server.json("/doc", {"id": "x"})

    async def inside_a_running_loop() -> dict:
        return remote.fetch_json(server.url("/doc"), signed=False)

    # On a thread of its own: after the browser tests Playwright's loop runs in this one,
    # and asyncio.run() refuses to start there.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(asyncio.run, inside_a_running_loop()).result()
    assert found == {"id": "x"}
