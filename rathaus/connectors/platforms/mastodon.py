"""Mastodon, and servers that speak its API, through the Mastodon.py client library.

An office connects an account with its server's address and an access token made in the
server's Preferences → Development (scopes read and write). The server's own limits
(characters per post, characters a link counts, images per post) are read when it is
connected and kept in the account's details: posts are counted and split as that server
counts them.

Citizens reach the office by mentioning it, publicly or in a direct message; fetching reads
the "mention" notifications. A message's ``remote_id`` is the status id on the office's
server (not its ActivityPub uri): ``in_reply_to_id``, our answers and the posts we published
are all named by these ids, so a reply to any of them finds its conversation or post.

The client and the sorting of its errors (rate limits, Retry-After) are in
``_mastodon_client``.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from datetime import datetime
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import nh3
from django.utils.translation import gettext_lazy as _
from mastodon import Mastodon, MastodonError, MastodonNotFoundError
from mastodon._url_regex import url_regex  # the URL pattern Mastodon counts links with

from rathaus.connectors import base
from rathaus.connectors.base import Connection, Credential, Fetched, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Editing, Posting
from rathaus.connectors.platforms import _mastodon_client as mastodon_client
from rathaus.connectors.platforms._mastodon_client import LastAnswer
from rathaus.delivery.channels import (
    DIRECT,
    PUBLIC,
    Attempt,
    DeliveryError,
    Limits,
    PermanentError,
    Sent,
    TemporaryError,
)
from rathaus.lib.graphemes import graphemes

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message

# How long an uploaded image may stay "processing" before the attempt is given up.
MEDIA_WAIT = 30.0
PAGE = 40  # the most Mastodon returns per page
PAGES = 5  # pages of mentions read per fetch; the rest comes with the next fetch
TOKEN = re.compile(r"[\x21-\x7e]{1,500}")
# A remote handle counts only its user part: "@anna@example.org" counts as "@anna".
HANDLE = re.compile(r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)", re.IGNORECASE)


class MastodonLimits(Limits):
    """Counts as Mastodon does: every link as ``link_chars`` (23), remote handles without
    their domain, characters as graphemes."""

    def count(self, text: str) -> int:
        reserved = "x" * (self.link_chars or 23)
        text = url_regex.sub(lambda m: m.group(2) + reserved, text)
        return graphemes(HANDLE.sub(r"\1@\3", text))


class MastodonConnector(Posting, Answering, Editing, Deleting):
    platform = "mastodon"
    label = "Mastodon"
    server_example = "https://social.bund.de"
    stores = _(
        "Rathaus stores the account's name and id, its server's limits (characters, images) "
        "and the access token, encrypted."
    )
    default_limits = MastodonLimits(
        max_chars=500, max_images=4, alt_text_max_chars=1500, threads=True, link_chars=23
    )
    asks_api_base = True
    answers = frozenset({PUBLIC, DIRECT})  # unlisted in the thread, or visibility "direct"
    connect_help = _(
        "On your Mastodon server, open Preferences → Development → New application, give it "
        "the scopes read and write, save it and copy „Your access token“."
    )
    credentials = (
        Credential(
            "access_token",
            _("Access token"),
            help=_("From Preferences → Development on your Mastodon server (scopes read write)."),
        ),
    )

    @classmethod
    def limits_for(cls, account: Any) -> Limits:
        # The server's own limits, read when the account was connected.
        details = account.details or {}
        return MastodonLimits(
            max_chars=_positive(details.get("max_characters"), 500),
            max_images=_positive(details.get("max_media"), 4),
            alt_text_max_chars=_positive(details.get("description_limit"), 1500),
            threads=True,
            link_chars=_positive(details.get("characters_reserved_per_url"), 23),
        )

    @cached_property
    def client(self) -> Mastodon:
        return mastodon_client.client(self.api_base, self.account.access_token, self._last)

    @cached_property
    def _last(self) -> LastAnswer:
        """The client's last answer: its exceptions carry no headers (Retry-After)."""
        return LastAnswer()

    # ----- connecting -----------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        token = (values.get("access_token") or "").strip()
        if not api_base.startswith(("https://", "http://")):
            raise PermanentError(_("Enter the address of your Mastodon server."))
        if not TOKEN.fullmatch(token):
            raise PermanentError(_("Paste the access token from Preferences → Development."))
        last = LastAnswer()
        client = mastodon_client.client(api_base, token, last)
        try:
            me = client.account_verify_credentials()
            try:
                instance = client.instance_v2()
            except MastodonNotFoundError:  # before Mastodon 4.0: its defaults hold
                instance = {}
        except MastodonError as error:
            raise mastodon_client.sorted_error(error, last) from error
        details = _details(instance, urlsplit(api_base).hostname or "")
        return Connection(
            remote_id=str(me["id"]),
            name=f"@{me['acct']}@{details['domain']}",
            access_token=token,
            details=details,
        )

    # ----- posting ----------------------------------------------------------------------

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        media = [self._upload(image) for image in part.images]
        status = self.client.status_post(
            part.text,
            in_reply_to_id=reply_to,
            media_ids=media or None,
            visibility="public",
            language=part.language or None,
            # Mastodon keeps the key an hour: a repeated call returns the first status.
            idempotency_key=_idempotency_key(attempt, f"part:{part.index}"),
        )
        return _sent(status)

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        statuses = self.client.account_statuses(
            self.account.remote_id, limit=PAGE, exclude_reblogs=True
        )
        return [
            Seen(
                remote_id=str(status["id"]),
                url=_sent(status).url,
                text=_words(status["content"]),
                reply_to=str(status.get("in_reply_to_id") or ""),
                created_at=_aware(status.get("created_at")),
            )
            for status in statuses
        ]

    def edit(self, remote_id: str, part: Part) -> Sent:
        try:
            # Mastodon drops the attachments of an edit that names none: name them again.
            media = self._media_for_edit(remote_id, part) if part.images else None
            status = self.client.status_update(remote_id, part.text, media_ids=media)
        except MastodonNotFoundError as error:
            raise PermanentError(_("Mastodon: the post is no longer there.")) from error
        return _sent(status)

    def delete(self, remote_id: str) -> None:
        try:
            self.client.status_delete(remote_id)
        except MastodonNotFoundError:
            return  # gone already, e.g. deleted by hand or by an attempt whose answer got lost

    # ----- citizens -----------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        # With a cursor, min_id pages upwards from it, so a burst of more mentions than a
        # page holds is read in order (over several fetches if need be), without a gap.
        # Without one (a new account), max_id pages down through the recent mentions.
        upwards = bool(cursor)
        found: list[Any] = []
        edge = cursor or None
        for _page in range(PAGES):
            page = self.client.notifications(
                types=["mention"], limit=PAGE, **{"min_id" if upwards else "max_id": edge}
            )
            found.extend(page)
            if len(page) < PAGE:
                break
            ids = [str(n["id"]) for n in page]
            edge = max(ids, key=_id_order) if upwards else min(ids, key=_id_order)
        newest = max((str(n["id"]) for n in found), key=_id_order, default=cursor)
        messages = [m for m in map(self._inbound, found) if m is not None]
        return Fetched(messages=messages, cursor=newest)

    def answer_parts(self, message: Message, parent: Message) -> list[Part]:
        # One status, mentioning the citizen: only a mentioned person sees a direct answer,
        # so a second part without the mention would reach nobody.
        from rathaus.inbox.inbound import plain_text

        body = plain_text(message.text_html)
        handle = parent.author_handle.lstrip("@")
        return [Part(text=f"@{handle} {body}" if handle else body)]

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        status = self.client.status_post(
            part.text,
            in_reply_to_id=reply_to,
            # Only mentioned people see a direct answer; a public one stays off timelines.
            visibility="unlisted" if attempt.message.is_public else "direct",
            idempotency_key=_idempotency_key(attempt, f"reply:{part.index}"),
        )
        return _sent(status)

    def same_text(self, seen: Seen, part: Part) -> bool:
        # A mention is given back shortened (@anna for @anna@example.org): the words after
        # the mentions in front are compared.
        return _after_mentions(seen.text) == _after_mentions(part.text)

    def classify(self, error: Exception) -> DeliveryError | None:
        return mastodon_client.sorted_error(error, self._last)

    # ----- helpers --------------------------------------------------------------------------

    def _upload(self, image: base.Image) -> str:
        # The first upload asks the server's version (Mastodon.py picks /api/v2/media by it);
        # asked here so that a failure is retried instead of falling back to the old API.
        self.client.retrieve_mastodon_version(fail_hard=True)
        attachment = self.client.media_post(
            image.data,
            mime_type=image.mime,
            description=image.alt or None,
            file_name=PurePosixPath(image.name).name,
        )
        return str(self._processed(attachment)["id"])

    def _processed(self, attachment: Any) -> Any:
        # Large files are answered 202 with no url yet: the status would be refused.
        waited, pause = 0.0, 0.2
        while attachment.get("url") is None:
            if waited >= MEDIA_WAIT:
                raise TemporaryError("Mastodon is still processing an image")
            time.sleep(pause)
            waited, pause = waited + pause, min(pause * 2, 2.0)
            attachment = self.client.media(attachment["id"])
        return attachment

    def _media_for_edit(self, remote_id: str, part: Part) -> list[str]:
        attached = self.client.status(remote_id).get("media_attachments") or []
        if [m.get("description") or "" for m in attached] == [i.alt for i in part.images]:
            return [str(m["id"]) for m in attached]
        return [self._upload(image) for image in part.images]

    def _inbound(self, notification: Any) -> InboundMessage | None:
        status, author = notification.get("status"), notification.get("account") or {}
        if not status or str(author.get("id")) == self.account.remote_id:
            return None
        reply_to = str(status.get("in_reply_to_id") or "")
        return self.inbound(
            remote_id=str(status["id"]),
            text_html=_html(status),
            author_name=author.get("display_name") or author.get("username") or "",
            author_handle=self._handle(author.get("acct") or ""),
            author_url=author.get("url") or "",
            in_reply_to=reply_to,
            post=self.post_for(reply_to) if reply_to else None,
            # A direct message is a private question; "private" reaches followers only.
            is_public=status.get("visibility") in ("public", "unlisted"),
            url=status.get("url") or status.get("uri") or "",
        )

    def _handle(self, acct: str) -> str:
        if not acct or "@" in acct:
            return f"@{acct}" if acct else ""
        domain = (self.account.details or {}).get("domain") or urlsplit(self.api_base).hostname
        return f"@{acct}@{domain}"


def _idempotency_key(attempt: Attempt, what: str) -> str:
    # The delivery's own key (post, channel, action, content version): every attempt at
    # one part sends the same, no other delivery's part does. Mastodon keeps it an hour.
    origin = attempt.delivery.idempotency_key
    return "rathaus-" + hashlib.sha256(f"{origin}:{what}".encode()).hexdigest()[:40]


def _details(instance: Any, host: str) -> dict[str, Any]:
    configuration = instance.get("configuration") or {}
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}
    return {
        "max_characters": _positive(statuses.get("max_characters"), 500),
        "characters_reserved_per_url": _positive(statuses.get("characters_reserved_per_url"), 23),
        "max_media": _positive(statuses.get("max_media_attachments"), 4),
        "description_limit": _positive(media.get("description_limit"), 1500),
        "domain": instance.get("domain") or host,
        "version": str(instance.get("version") or ""),
    }


def _positive(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _sent(status: Any) -> Sent:
    return Sent(remote_id=str(status["id"]), url=status.get("url") or status.get("uri") or "")


def _after_mentions(text: str) -> str:
    return re.sub(r"^(?:@\S+\s+)+", "", " ".join(text.split()))


def _aware(moment: Any) -> datetime | None:
    """Mastodon.py's created_at (a datetime, UTC) where it is one."""
    return moment if isinstance(moment, datetime) and moment.tzinfo else None


def _words(content: str) -> str:
    """A status's HTML as the words it was written with, links whole again (Mastodon hides
    parts of them in invisible spans), to compare with the text we sent."""
    spaced = re.sub(r"<br\s*/?>|</p>", " ", content or "", flags=re.IGNORECASE)
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def _html(status: Any) -> str:
    found = status.get("content") or ""
    if status.get("spoiler_text"):
        found = f"<p>{html.escape(status['spoiler_text'])}</p>{found}"
    for media in status.get("media_attachments") or []:
        url = media.get("url") or media.get("remote_url")
        if url:
            label = html.escape(media.get("description") or str(_("attachment")))
            found += f'<p><a href="{html.escape(url)}">{label}</a></p>'
    return found


def _id_order(remote_id: str) -> tuple[int, str]:
    # Mastodon's ids are numbers as strings, other servers' fixed-length sortable strings.
    return len(remote_id), remote_id


CONNECTOR = MastodonConnector
