"""The loopback inbox servers of ``bench.federation_fanout``: one process (raw asyncio, no
Django) listening on many ports of 127.0.0.1, one port per "server" ``127.0.0.1:<port>``.
Every request is checked as a Mastodon inbox would (``rathaus.lib.httpsig.verify`` with the
account's public key, Digest and Date included, Host and key id as expected), answered 202
(after ``--latency`` ms) and counted per (inbox, activity), so duplicates and losses are
exact. ``InboxServer`` is the benchmark's handle on that process.

    .venv/bin/python -m bench.inbox_server HOSTS --public-key FILE --key-id ID [--latency MS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from pathlib import Path

from bench.sandbox import ROOT

# --- the inbox server (its own process; no Django) ---------------------------------------------

ANSWERS = {
    202: b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n",
    400: b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    401: b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
}
MAX_REQUEST = 1024 * 1024


class InboxState:
    def __init__(self, public_pem: str, key_id: str, latency: float = 0.0) -> None:
        self.public_pem = public_pem
        self.latency = latency  # seconds before each answer, as a network far away would take
        self.key_id = key_id
        self.receipts: Counter[tuple[str, str]] = Counter()  # (inbox URL, activity id) → n
        self.rejected: Counter[str] = Counter()  # reason → n
        self.plain = 0  # unsigned requests to /_plain/…, for the cost split

    def key_for(self, key_id: str, refresh: bool = False) -> str | None:
        return self.public_pem if key_id == self.key_id else None


class InboxProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, Content-Length bodies only: what aiohttp's client sends."""

    def __init__(self, state: InboxState, port: int, address: str = "127.0.0.1") -> None:
        self.state, self.port, self.host = state, port, f"{address}:{port}"
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_REQUEST:
                    self._close(400)
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                method, target, _version = lines[0].split(" ", 2)
                length = int(headers.get("content-length", "0"))
            except ValueError:
                self._close(400)
                return
            if length > MAX_REQUEST or "chunked" in headers.get("transfer-encoding", ""):
                self._close(400)
                return
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            answer = ANSWERS[self.handle(method, target, headers, body)]
            if self.state.latency:
                asyncio.get_running_loop().call_later(self.state.latency, self._answer, answer)
            else:
                self.transport.write(answer)

    def _answer(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)

    def _close(self, status: int) -> None:
        self.transport.write(ANSWERS[status])
        self.transport.close()
        self.transport = None

    def handle(self, method: str, target: str, headers: dict, body: bytes) -> int:
        from rathaus.lib import httpsig

        state = self.state
        if method != "POST":
            state.rejected["not a POST"] += 1
            return 400
        if target.startswith("/_plain/") and "signature" not in headers:
            state.plain += 1
            return 202
        if headers.get("host") != self.host:
            state.rejected["wrong Host"] += 1
            return 401
        try:
            signed = httpsig.verify(method, target, headers, body, public_key_for=state.key_for)
            activity_id = json.loads(body)["id"]
        except httpsig.SignatureError as error:
            state.rejected[type(error).__name__] += 1
            return 401
        except (ValueError, KeyError, TypeError):
            state.rejected["not an activity"] += 1
            return 400
        if signed.key_id != state.key_id:
            state.rejected["other key"] += 1
            return 401
        state.receipts[(f"http://{self.host}{target}", activity_id)] += 1
        return 202


def serve(
    hosts: int, public_key_file: str, key_id: str, latency: float, address: str = "127.0.0.1"
) -> None:
    """Listen on ``hosts`` ports of ``address`` (bench.cluster: an address on its bridge);
    print them as one JSON line; answer commands on stdin: ``report`` prints the counts as
    one JSON line; end of input ends the server."""
    state = InboxState(Path(public_key_file).read_text(), key_id, latency)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers, ports = [], []
        for _ in range(hosts):
            holder: dict[str, int] = {}
            server = await loop.create_server(
                lambda h=holder: InboxProtocol(state, h["port"], address), address, 0, backlog=512
            )
            holder["port"] = server.sockets[0].getsockname()[1]
            servers.append(server)
            ports.append(holder["port"])
        print(json.dumps({"ports": ports}), flush=True)
        commands: asyncio.Queue[str] = asyncio.Queue()

        def read_commands() -> None:  # a thread: stdin is a pipe from the benchmark
            for line in sys.stdin:
                loop.call_soon_threadsafe(commands.put_nowait, line.strip())
            loop.call_soon_threadsafe(commands.put_nowait, "")

        threading.Thread(target=read_commands, daemon=True).start()
        while command := await commands.get():
            if command == "report":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                receipts = defaultdict(dict)
                for (inbox, activity), count in state.receipts.items():
                    receipts[activity][inbox] = count
                report = {
                    "receipts": receipts,
                    "rejected": dict(state.rejected),
                    "plain": state.plain,
                    "cpu": usage.ru_utime + usage.ru_stime,
                }
                print(json.dumps(report), flush=True)
        for server in servers:
            server.close()

    asyncio.run(main())


class InboxServer:
    """The benchmark's handle on the inbox server process."""

    def __init__(
        self,
        hosts: int,
        public_pem: str,
        key_id: str,
        data_dir: Path,
        latency_ms: float = 0.0,
        *,
        address: str = "127.0.0.1",
        prefix: tuple[str, ...] = (),  # bench.cluster: ``ip netns exec <namespace>``
    ) -> None:
        key_file = data_dir / "inbox-public-key.pem"
        key_file.write_text(public_pem)
        command = [*prefix, sys.executable, "-m", "bench.inbox_server", str(hosts)]
        command += ["--public-key", str(key_file), "--key-id", key_id]
        command += ["--latency", str(latency_ms), "--address", address]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.ports: list[int] = json.loads(self._line(timeout=60))["ports"]

    def _line(self, timeout: float) -> str:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()))
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            raise RuntimeError("the inbox server did not answer")
        return result[0]

    def report(self) -> dict:
        self.process.stdin.write("report\n")
        self.process.stdin.flush()
        return json.loads(self._line(timeout=30))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hosts", type=int)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--latency", type=float, default=0.0, help="ms before answering")
    parser.add_argument("--address", default="127.0.0.1", help="where to listen")
    args = parser.parse_args()
    serve(args.hosts, args.public_key, args.key_id, args.latency / 1000, args.address)


if __name__ == "__main__":
    main()
