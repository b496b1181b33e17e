"""Fetching a mailbox by IMAP: every message after the last UID taken over is stored, and
only then marked \\Seen and counted as taken over. A crash in between loses nothing: the
message is fetched again next time and recognised by its Message-ID. (When, and by which
worker alone, is the job engine's part: ``background``.)"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator

from django.utils.translation import gettext as _

from rathaus.lib import netguard
from rathaus.mail.models import Mailbox
from rathaus.mail.receiving import MAX_BYTES, ingest

log = logging.getLogger(__name__)
TIMEOUT = 30  # seconds for connecting and for each answer
# Messages per run; a full mailbox is worked off over the next minutes.
BATCH = 500
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class FetchError(Exception):
    pass


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def folder_name(name: str) -> str:
    """A folder name as IMAP writes it: modified UTF-7 (RFC 3501 5.1.3), so that
    "Bürgeranfragen" becomes "B&APw-rgeranfragen"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


class _IMAP4(imaplib.IMAP4):
    """IMAP to the host an office admin typed: connected only if it is a public address
    (or one the operator allowed), checked on the very addresses connected to."""

    def _create_socket(self, timeout):
        return netguard.create_connection((self.host, self.port), timeout)


class _IMAP4_SSL(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout):
        sock = netguard.create_connection((self.host, self.port), timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.unencrypted_refused:
        raise FetchError("unencrypted connections are only allowed to this machine")
    context = ssl.create_default_context()
    if mailbox.imap_security == Mailbox.Security.SSL:
        return _IMAP4_SSL(mailbox.imap_host, mailbox.port, ssl_context=context, timeout=TIMEOUT)
    imap = _IMAP4(mailbox.imap_host, mailbox.port, timeout=TIMEOUT)
    if mailbox.imap_security == Mailbox.Security.STARTTLS:
        try:
            # Raises if the server does not offer it: never fall back to clear text.
            imap.starttls(ssl_context=context)
        except Exception:
            imap.shutdown()
            raise
    return imap


def _select(imap: imaplib.IMAP4, mailbox: Mailbox) -> int:
    imap.login(_quote(mailbox.imap_username), mailbox.imap_password)
    typ, data = imap.select(_quote(folder_name(mailbox.imap_folder)))
    if typ != "OK":
        raise FetchError(f"cannot open folder {mailbox.imap_folder!r}: {data!r}")
    _name, validity = imap.response("UIDVALIDITY")
    try:
        return int(validity[0]) if validity and validity[0] else 0
    except ValueError:
        return 0


def _sizes(imap: imaplib.IMAP4, last_uid: int) -> list[tuple[int, int]]:
    """(UID, size) of the messages after ``last_uid``, oldest first."""
    typ, data = imap.uid("SEARCH", f"UID {last_uid + 1}:*")
    if typ != "OK":
        raise FetchError(f"search failed: {data!r}")
    # "n:*" also matches the newest message when n is beyond it (RFC 3501): filter.
    uids = sorted(int(u) for u in b" ".join(d for d in data if d).split() if int(u) > last_uid)
    uids = uids[:BATCH]
    if not uids:
        return []
    typ, data = imap.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)")
    if typ != "OK":
        raise FetchError(f"fetch of sizes failed: {data!r}")
    sizes = {}
    for line in data:
        line = line[0] if isinstance(line, tuple) else line
        uid, size = _UID.search(line or b""), _SIZE.search(line or b"")
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return [(uid, sizes.get(uid, 0)) for uid in uids]


def _message(imap: imaplib.IMAP4, uid: int, *, headers_only: bool) -> bytes | None:
    # PEEK: reading must not mark the message \Seen before it is stored.
    item = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
    typ, data = imap.uid("FETCH", str(uid), f"({item})")
    if typ != "OK":
        raise FetchError(f"fetch of message {uid} failed: {data!r}")
    literals = [part for part in data if isinstance(part, tuple)]
    for head, body in literals:
        found = _UID.search(head)
        if found and int(found[1]) == uid:
            return body
    # Some servers leave out the UID they were asked for; none at all: deleted meanwhile.
    return literals[0][1] if literals else None


def _take_over(imap: imaplib.IMAP4, mailbox: Mailbox) -> Iterator[int]:
    """Yields each UID once its message is stored and counted as taken over."""
    validity = _select(imap, mailbox)
    if validity != mailbox.uid_validity:
        # The folder was rebuilt and its UIDs start afresh; Message-IDs catch what we hold.
        mailbox.last_uid, mailbox.uid_validity = 0, validity
        Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=0, uid_validity=validity)
    for uid, size in _sizes(imap, mailbox.last_uid):
        too_large = size if size > MAX_BYTES else None
        raw = _message(imap, uid, headers_only=bool(too_large))
        if raw is not None:
            ingest(mailbox, raw, too_large=too_large)
            typ, data = imap.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
            if typ != "OK":  # e.g. a read-only folder: stored is what counts
                log.warning("mailbox %s: cannot mark %s as seen: %r", mailbox.pk, uid, data)
        Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uid).update(last_uid=uid)
        mailbox.last_uid = uid
        if raw is not None:
            yield uid


def poll(mailbox: Mailbox) -> tuple[int, str]:
    """Take over the new messages of one mailbox, whose lease the caller holds; returns
    how many and the problem, if any (also logged), which is never raised: the next run
    tries again."""
    taken, error = 0, ""
    imap = None
    try:
        try:
            imap = _connect(mailbox)
        except netguard.Refused as refused:
            # The same words for every refused address, whatever is listening there: the
            # admin learns nothing about the operator's network.
            log.warning("mailbox %s: %s", mailbox.pk, refused)
            raise FetchError(
                _("The IMAP server %(host)s is not a public address.") % {"host": mailbox.imap_host}
            ) from None
        except ssl.SSLError:
            raise  # the server answered: what was wrong with its certificate helps the admin
        except OSError as failed:
            log.warning("mailbox %s: cannot connect: %s", mailbox.pk, failed)
            raise FetchError(
                _("Could not connect to the IMAP server %(host)s.") % {"host": mailbox.imap_host}
            ) from None
        for _uid in _take_over(imap, mailbox):
            taken += 1
    except FetchError as problem:
        error = str(problem)
        log.warning("mailbox %s (%s): %s", mailbox.pk, mailbox.address, error)
    except (imaplib.IMAP4.error, OSError, UnicodeError) as problem:
        error = f"{type(problem).__name__}: {problem}"
        log.warning("mailbox %s (%s): %s", mailbox.pk, mailbox.address, error)
    except Exception as problem:  # a database outage or a bug: say what it was
        error = f"{type(problem).__name__}: {problem}"
        log.exception("mailbox %s (%s) failed", mailbox.pk, mailbox.address)
    finally:
        if imap is not None:
            with contextlib.suppress(Exception):
                imap.logout()
    return taken, error
