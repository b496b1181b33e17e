"""Reading an RFC 822 message as far as it can be read. Mail from the wild is often broken
(missing boundaries, unknown charsets, undecodable headers); nothing here raises on bad
input: what cannot be read is replaced and named in ``problems``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import escape, linebreaks

# Beyond this the text is cut: nobody reads more in a desk, and it keeps rows small.
MAX_TEXT_CHARS = 100_000
# Ids we make up for mail without a Message-ID; never sent back as a reference.
SYNTHETIC_DOMAIN = "rathaus.invalid"
MAX_ID_CHARS = 400
_ID = re.compile(r"<([^<>\s]+)>")
_AUTOMATIC_SENDERS = {"mailer-daemon", "postmaster"}
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Closing block tags become line breaks: an HTML mail's layout is tables and divs, which
# sanitising removes, and their text should not run together.
_BLOCK_END = re.compile(r"(?i)</(?:div|tr|table|h[1-6]|section|article|header|footer)\s*>")
_CELL_END = re.compile(r"(?i)</t[dh]\s*>")
_DROPPED_WITH_CONTENT = {"script", "style", "title", "head", "template", "noscript"}


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    author_name: str = ""
    author_email: str = ""
    date: datetime | None = None
    # HTML of the readable text parts; still to be sanitised by the inbox.
    body_html: str = ""
    body_chars: int = 0
    images: list[Attachment] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    automatic: bool = False
    # The ids of our own messages a delivery report is about.
    bounced_ids: list[str] = field(default_factory=list)
    truncated_from: int = 0
    damaged: bool = False
    unknown_charsets: set[str] = field(default_factory=set)


def clean_text(value: str) -> str:
    """Text safe for every database: undecodable bytes (kept by the email package as
    surrogates) become U+FFFD, NUL characters go."""
    value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value.replace("\x00", "")


def message_id(value: str) -> str:
    """An id as we store it: without angle brackets; over-long ones hashed so they fit."""
    value = clean_text(value).strip().strip("<>").strip()
    if len(value) > MAX_ID_CHARS:
        value = f"{hashlib.sha256(value.encode()).hexdigest()}@long.{SYNTHETIC_DOMAIN}"
    return value


def synthetic_id(raw: bytes) -> str:
    # The same bytes delivered twice give the same id, so they are stored once.
    return f"{hashlib.sha256(raw).hexdigest()[:40]}@{SYNTHETIC_DOMAIN}"


def _ids(value: str) -> list[str]:
    found = _ID.findall(value)
    if not found and value.strip():
        found = value.split()
    return [message_id(v) for v in found if v.strip()]


def _header(msg: EmailMessage, name: str) -> str:
    """The decoded header, or its raw text if the email package cannot parse it."""
    try:
        value = msg[name]
        return clean_text(str(value)) if value is not None else ""
    except Exception:  # the header parser has bugs on hostile input; read it raw
        for key, raw in msg.raw_items():
            if key.lower() == name.lower():
                return clean_text(str(raw))
        return ""


def _raw_header(msg: EmailMessage, name: str) -> str:
    for key, raw in msg.raw_items():
        if key.lower() == name.lower():
            return clean_text(str(raw))
    return ""


def _valid_email(address: str) -> str:
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address if len(address) <= 254 else ""


def _author(msg: EmailMessage) -> tuple[str, str]:
    """Name and address to answer to: Reply-To if it holds one, else From."""
    name, address = "", ""
    try:
        header = msg["From"]
        addresses: tuple[Address, ...] = header.addresses if header is not None else ()
        if addresses:
            name, address = addresses[0].display_name, addresses[0].addr_spec
    except Exception:
        name, address = parseaddr(_raw_header(msg, "From"))
    reply_to = [a for _n, a in getaddresses([_raw_header(msg, "Reply-To")]) if _valid_email(a)]
    address = reply_to[0] if reply_to else address
    return clean_text(name).strip()[:200], _valid_email(clean_text(address))


def _date(msg: EmailMessage) -> datetime | None:
    try:
        header = msg["Date"]
        return header.datetime if header is not None else None
    except Exception:
        return None


def _automatic(msg: EmailMessage, author: str, sender: str) -> bool:
    auto = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    return bool(
        (auto and auto != "no")
        or precedence in _AUTOMATIC_PRECEDENCE
        or author.partition("@")[0].lower() in _AUTOMATIC_SENDERS
        or sender.partition("@")[0].lower() in _AUTOMATIC_SENDERS
        or _header(msg, "Return-Path").strip() == "<>"
        or _header(msg, "X-Autoreply")
        or _header(msg, "X-Autorespond")
        or msg.get_content_type() == "multipart/report"
    )


def _decode(part: EmailMessage, found: ParsedMail) -> str:
    try:
        return clean_text(part.get_content())
    except Exception:
        # Unknown or wrong charset: read it as UTF-8 and mark what cannot be decoded.
        charset = part.get_content_charset()
        if charset:
            found.unknown_charsets.add(clean_text(charset)[:40])
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return clean_text(payload.decode("utf-8", "replace"))
        return clean_text(str(part.get_payload()))


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean_text(name).strip()[:100]


def _is_text_body(part: EmailMessage) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not _filename(part)
    )


def _pick_alternative(children: list[EmailMessage]) -> EmailMessage | None:
    """Of the same content in several forms, the plain text, else the HTML."""
    for wanted in ("text/plain", "text/html"):
        for child in children:
            if child.get_content_type() == wanted and _is_text_body(child):
                return child
    for child in children:
        if child.get_content_maintype() == "multipart":
            return child
    return children[-1] if children else None


def _html_of(part: EmailMessage, found: ParsedMail) -> str:
    content = _decode(part, found)
    if part.get_content_subtype() == "html":
        # The inbox sanitises it again; here the text of head, title and scripts goes,
        # which plain tag removal would leave standing.
        content = nh3.clean(content, clean_content_tags=_DROPPED_WITH_CONTENT)
        return _CELL_END.sub(" ", _BLOCK_END.sub(r"\g<0><br>", content))
    return linebreaks(escape(content))


def _bounced(part: EmailMessage, found: ParsedMail) -> None:
    """A delivery report carries the headers of the mail that failed: note its id."""
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()[0]
            found.bounced_ids += _ids(_header(inner, "Message-ID"))
        elif part.get_content_type() == "text/rfc822-headers":
            text = _decode(part, found)
            match = re.search(r"(?im)^message-id:\s*(<[^>]+>)", text)
            if match:
                found.bounced_ids += _ids(match.group(1))
    except Exception:
        return


def _walk(part: EmailMessage, found: ParsedMail, texts: list[str], only_images: bool) -> None:
    maintype = part.get_content_maintype()
    if maintype == "multipart":
        if not part.is_multipart():  # a multipart whose boundary never came
            found.damaged = True
            if not only_images:
                texts.append(linebreaks(escape(_decode(part, found))))
            return
        children = list(part.iter_parts())
        if part.get_content_subtype() == "alternative":
            chosen = _pick_alternative(children)
            for child in children:
                # The other forms repeat the text, but their inline images may be photos.
                _walk(child, found, texts, only_images or child is not chosen)
            return
        for child in children:
            _walk(child, found, texts, only_images)
        return
    if _is_text_body(part):
        if not only_images:
            texts.append(_html_of(part, found))
        return
    name = _filename(part) or part.get_content_type()
    if maintype == "image":
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
        found.images.append(Attachment(name, part.get_content_type(), data))
    elif not only_images:
        _bounced(part, found)
        found.others.append(name)


def _body(msg: EmailMessage, found: ParsedMail) -> None:
    texts: list[str] = []
    _walk(msg, found, texts, only_images=False)
    body = "\n".join(t for t in texts if t.strip())
    found.body_chars = len(body)
    if len(body) > MAX_TEXT_CHARS:
        found.truncated_from = len(body)
        body = body[:MAX_TEXT_CHARS]
    found.body_html = body


def parse(raw: bytes) -> ParsedMail:
    found = ParsedMail()
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:  # not even a message: keep its bytes as text
        found.damaged = True
        found.message_id = synthetic_id(raw)
        found.body_html = linebreaks(escape(clean_text(raw.decode("utf-8", "replace"))))
        return found
    found.message_id = next(iter(_ids(_header(msg, "Message-ID"))), "") or synthetic_id(raw)
    found.in_reply_to = _ids(_header(msg, "In-Reply-To"))
    found.references = _ids(_header(msg, "References"))
    found.subject = " ".join(_header(msg, "Subject").split())[:200]
    found.author_name, found.author_email = _author(msg)
    found.date = _date(msg)
    _sender_name, sender = parseaddr(_raw_header(msg, "Sender") or _raw_header(msg, "From"))
    found.automatic = _automatic(msg, found.author_email, sender)
    try:
        _body(msg, found)
    except Exception:  # a structure the email package chokes on: keep the raw text
        found.damaged = True
        found.body_html = linebreaks(escape(clean_text(raw.decode("utf-8", "replace"))))
        found.body_html = found.body_html[:MAX_TEXT_CHARS]
    return found
