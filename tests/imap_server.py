"""A small IMAP4rev1 server on loopback for tests: just what a mail client fetching new
messages uses (CAPABILITY, LOGIN, SELECT, UID SEARCH, UID FETCH, UID STORE, NOOP, LOGOUT),
speaking the real protocol (RFC 3501) so that the standard library's ``imaplib`` drives it.

It keeps RFC 3501's details a client must cope with: ``n:*`` matches the newest message
even when n is beyond it; fetching ``RFC822`` or ``BODY[]`` marks a message \\Seen, only
the ``.PEEK`` forms leave it unseen. Tests can make it fail on purpose: drop the
connection instead of answering a fetch or a store of given UIDs.
"""

from __future__ import annotations

import re
import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass, field


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Folder:
    uid_validity: int = 1
    uid_next: int = 1
    messages: list[Stored] = field(default_factory=list)


class Drop(Exception):
    """Close the connection without an answer, as a crashed server or network would."""


_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\((?:[^()]|\([^()]*\))*\))|(\S+)')


def _tokens(line: bytes) -> list[str]:
    """Atoms, quoted strings (unescaped) and parenthesised lists (as they are)."""
    found = []
    for match in _TOKEN.finditer(line):
        quoted, other = match.group(1), match.group(2) or match.group(3)
        if quoted is not None:
            found.append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
        else:
            found.append(other.decode())
    return found


def _uid_set(spec: str, uids: list[int]) -> set[int]:
    """The UIDs a sequence set names; ``*`` is the highest UID in use."""
    highest = max(uids) if uids else 0
    chosen: set[int] = set()
    for part in spec.split(","):
        low, _sep, high = part.partition(":")
        a = highest if low == "*" else int(low)
        b = a if not _sep else (highest if high == "*" else int(high))
        a, b = min(a, b), max(a, b)
        chosen.update(u for u in uids if a <= u <= b)
    return chosen


def _header_of(raw: bytes) -> bytes:
    for end in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(end)
        if at >= 0:
            return raw[: at + len(end)]
    return raw


class IMAPServer:
    def __init__(
        self,
        *,
        username: str = "postfach",
        password: str = "geheim",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.username, self.password = username, password
        self.folders: dict[str, Folder] = {"INBOX": Folder()}
        self.ssl_context = ssl_context
        self.commands: list[str] = []  # every command received, passwords included
        self.logins = 0
        self.drop_fetch_of: set[int] = set()
        self.drop_store_of: set[int] = set()
        self.lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None

    # What tests call -------------------------------------------------------------------

    def add(self, raw: bytes, folder: str = "INBOX") -> int:
        with self.lock:
            box = self.folders.setdefault(folder, Folder())
            uid = box.uid_next
            box.uid_next += 1
            box.messages.append(Stored(uid, raw))
            return uid

    def flags(self, uid: int, folder: str = "INBOX") -> set[str]:
        with self.lock:
            return next(m.flags for m in self.folders[folder].messages if m.uid == uid)

    def rebuild(self, folder: str = "INBOX") -> None:
        """The server renumbered the folder: new UIDVALIDITY, UIDs from 1 again."""
        with self.lock:
            box = self.folders[folder]
            box.uid_validity += 1
            for number, message in enumerate(box.messages, start=1):
                message.uid = number
            box.uid_next = len(box.messages) + 1

    def start(self) -> IMAPServer:
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                owner._serve(self.connection, self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def get_request(self):
                sock, address = super().get_request()
                if owner.ssl_context is not None:
                    sock = owner.ssl_context.wrap_socket(
                        sock, server_side=True, do_handshake_on_connect=False
                    )
                return sock, address

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    # The protocol ----------------------------------------------------------------------

    def _serve(self, connection: socket.socket, rfile, wfile) -> None:
        if isinstance(connection, ssl.SSLSocket):
            try:
                connection.do_handshake()
            except (ssl.SSLError, OSError):
                return
        session = {"user": None, "folder": None}
        wfile.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Test IMAP ready\r\n")
        wfile.flush()
        while True:
            line = rfile.readline(65536)
            if not line:
                return
            line = line.rstrip(b"\r\n")
            with self.lock:
                self.commands.append(line.decode(errors="replace"))
            parts = line.split(b" ", 2)
            if len(parts) < 2:
                wfile.write(b"* BAD missing command\r\n")
                wfile.flush()
                continue
            tag, command = parts[0], parts[1].upper().decode()
            rest = parts[2] if len(parts) > 2 else b""
            try:
                answer, done = self._command(command, rest, session)
            except Drop:
                connection.shutdown(socket.SHUT_RDWR)
                return
            except (ValueError, IndexError, KeyError):
                answer, done = [], b"BAD invalid arguments"
            # One write per answer: many small ones meet delayed ACKs and slow every test.
            wfile.write(b"".join(answer) + tag + b" " + done + b"\r\n")
            wfile.flush()
            if command == "LOGOUT":
                return

    def _command(self, command: str, rest: bytes, session: dict) -> tuple[list[bytes], bytes]:
        if command == "CAPABILITY":
            return [b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"], b"OK CAPABILITY completed"
        if command == "NOOP":
            return [], b"OK NOOP completed"
        if command == "LOGOUT":
            return [b"* BYE logging out\r\n"], b"OK LOGOUT completed"
        if command == "LOGIN":
            user, password = _tokens(rest)[:2]
            if (user, password) != (self.username, self.password):
                return [], b"NO [AUTHENTICATIONFAILED] Invalid credentials"
            session["user"] = user
            with self.lock:
                self.logins += 1
            return [], b"OK LOGIN completed"
        if session["user"] is None:
            return [], b"BAD log in first"
        if command in ("SELECT", "EXAMINE"):
            return self._select(_tokens(rest)[0], session)
        if session["folder"] is None:
            return [], b"BAD select a folder first"
        if command == "UID":
            sub, _sep, args = rest.partition(b" ")
            return self._uid(sub.upper().decode(), args, session["folder"])
        return [], b"BAD unknown command"

    def _select(self, name: str, session: dict) -> tuple[list[bytes], bytes]:
        with self.lock:
            box = self.folders.get(name)
            if box is None:
                return [], b"NO [NONEXISTENT] Unknown folder"
            session["folder"] = name
            return [
                b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
                b"* %d EXISTS\r\n" % len(box.messages),
                b"* 0 RECENT\r\n",
                b"* OK [UIDVALIDITY %d] UIDs valid\r\n" % box.uid_validity,
                b"* OK [UIDNEXT %d] Predicted next UID\r\n" % box.uid_next,
            ], b"OK [READ-WRITE] SELECT completed"

    def _uid(self, sub: str, args: bytes, folder: str) -> tuple[list[bytes], bytes]:
        with self.lock:
            box = self.folders[folder]
            uids = [m.uid for m in box.messages]
            if sub == "SEARCH":
                words = args.decode().upper().split()
                chosen = set(uids)
                if words and words[0] == "UID":
                    chosen = _uid_set(words[1], uids)
                found = " ".join(str(u) for u in sorted(chosen))
                return [f"* SEARCH {found}".rstrip().encode() + b"\r\n"], b"OK SEARCH completed"
            spec, _sep, items = args.partition(b" ")
            chosen = _uid_set(spec.decode(), uids)
            targets = [(n, m) for n, m in enumerate(box.messages, start=1) if m.uid in chosen]
            if sub == "FETCH":
                return self._fetch(targets, items.decode().upper()), b"OK FETCH completed"
            if sub == "STORE":
                return self._store(targets, items.decode()), b"OK STORE completed"
        return [], b"BAD unknown UID command"

    def _fetch(self, targets: list[tuple[int, Stored]], items: str) -> list[bytes]:
        answer = []
        for number, message in targets:
            body_wanted = any(w in items for w in ("RFC822 ", "RFC822)", "BODY"))
            if body_wanted and "HEADER" not in items and message.uid in self.drop_fetch_of:
                raise Drop
            fields = [b"UID %d" % message.uid]
            literal = None
            if "RFC822.SIZE" in items:
                fields.append(b"RFC822.SIZE %d" % len(message.raw))
            if "BODY.PEEK[HEADER]" in items or "BODY[HEADER]" in items:
                literal = (b"BODY[HEADER]", _header_of(message.raw))
            elif "BODY.PEEK[]" in items:
                literal = (b"BODY[]", message.raw)
            elif "BODY[]" in items or re.search(r"\bRFC822\b(?!\.)", items):
                literal = (b"RFC822" if "RFC822" in items else b"BODY[]", message.raw)
                message.flags.add("\\Seen")  # reading without PEEK marks the message read
                fields.append(b"FLAGS (%s)" % " ".join(sorted(message.flags)).encode())
            if "FLAGS" in items and literal is None:
                fields.append(b"FLAGS (%s)" % " ".join(sorted(message.flags)).encode())
            head = b"* %d FETCH (" % number + b" ".join(fields)
            if literal is None:
                answer.append(head + b")\r\n")
            else:
                name, data = literal
                answer.append(head + b" %s {%d}\r\n" % (name, len(data)) + data + b")\r\n")
        return answer

    def _store(self, targets: list[tuple[int, Stored]], items: str) -> list[bytes]:
        mode, _sep, flags = items.partition(" ")
        wanted = set(flags.strip("()").split())
        answer = []
        for number, message in targets:
            if message.uid in self.drop_store_of:
                raise Drop
            if mode.upper().startswith("+FLAGS"):
                message.flags |= wanted
            elif mode.upper().startswith("-FLAGS"):
                message.flags -= wanted
            else:
                message.flags = wanted
            if not mode.upper().endswith(".SILENT"):
                flags_text = " ".join(sorted(message.flags)).encode()
                answer.append(
                    b"* %d FETCH (UID %d FLAGS (%s))\r\n" % (number, message.uid, flags_text)
                )
        return answer
