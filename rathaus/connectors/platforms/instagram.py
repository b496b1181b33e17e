"""Instagram business accounts, over Meta's Graph API (``_graph``), with the token of the
Facebook page the account is linked to.

Instagram takes image posts only: a post without an image is refused, and the editor is
told so before submitting (:class:`InstagramLimits`). Instagram fetches the images itself
from a public address, so they are handed over as their address on the office's newsroom;
one image is a photo post, several are a carousel. The caption is the post's text with
the link to the original (Instagram shows links but does not make them clickable).

The Graph API cannot change a caption or delete a post: corrections and withdrawals are
done by hand in the Instagram app, and a delivery that tries fails with a message that
says so. Citizens are heard through the comments on our posts of the last 30 days.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import escape, linebreaks
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Credential, Fetched, Image, Part, Seen
from rathaus.connectors.capabilities import Answering, Posting
from rathaus.connectors.platforms import _graph
from rathaus.connectors.platforms.facebook import OAUTH
from rathaus.delivery.channels import (
    PUBLIC,
    Attempt,
    DeliveryError,
    Limits,
    PermanentError,
    Sent,
    TemporaryError,
)

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message
    from rathaus.posts.models import Post


HASHTAG = re.compile(r"(?<![\w&])#\w+")
COMMENT = "id,text,username,timestamp,from,parent_id"
COMMENT_FIELDS = f"{COMMENT},replies{{{COMMENT}}}"
# The replies under a comment read when an answer's attempt may have gone out. Instagram
# names no order for them and pages by cursor only, so the pages are followed, at most
# _graph.MAX_PAGES of them: far more than one comment's thread gathers in the two hours
# all of a delivery's attempts lie within.
REPLY_PAGE = 50
NO_IMAGE = gettext_noop("Instagram needs at least one image.")
# Seconds between looks at a media container: images are usually ready at once.
POLL_WAITS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


@dataclass(frozen=True)
class InstagramLimits(Limits):
    max_hashtags: int = 30

    def problems(self, *, text: str, title: str, alt_texts: list[str]) -> list[str]:
        found = super().problems(text=text, title=title, alt_texts=alt_texts)
        if not alt_texts:
            found.append(gettext(NO_IMAGE))
        hashtags = len(HASHTAG.findall(text))
        if hashtags > self.max_hashtags:
            found.append(
                gettext("The text has %(n)d hashtags, Instagram takes at most %(max)d.")
                % {"n": hashtags, "max": self.max_hashtags}
            )
        return found


class InstagramConnector(Posting, Answering):
    platform = "instagram"
    label = "Instagram"
    oauth_app_setting = "RATHAUS_FACEBOOK"
    stores = _(
        "Rathaus stores the account's user name and id, the name and id of the Facebook page it "
        "belongs to, and the token, encrypted."
    )
    default_api_base = _graph.DEFAULT_API_BASE
    # A caption takes 2,200 characters and 30 hashtags; a carousel 10 images.
    default_limits = InstagramLimits(max_chars=2200, max_images=10, threads=False)
    # Neither Editing nor Deleting: the Graph API can do neither for Instagram (below).
    answers = frozenset({PUBLIC})  # a reply under the comment

    def takes(self, post: Post) -> bool:
        """Instagram shows images: a post without one goes everywhere else, not here."""
        return post.images.exists()

    oauth = OAUTH  # the same Meta login as Facebook
    credentials = (
        Credential(
            "instagram_account_id",
            _("Instagram business account ID"),
            secret=False,
            help=_("The number Meta shows for the Instagram account linked to the page."),
        ),
        Credential(
            "access_token",
            _("Page access token"),
            help=_("The access token of the Facebook page the Instagram account is linked to."),
        ),
    )
    connect_help = _(
        "An Instagram business account is connected through the Facebook page it is linked "
        "to: sign in with Facebook, or paste the account's ID and the page's access token. "
        "Instagram takes posts with images only; corrections and withdrawals are made by "
        "hand in the Instagram app."
    )

    # ----- connecting -------------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        account_id = (values.get("instagram_account_id") or "").strip()
        token = (values.get("access_token") or "").strip()
        if not account_id.isdigit() or not token:
            raise PermanentError(
                gettext("Instagram: enter the account's numeric ID and the page's token.")
            )
        graph = _graph.Graph(_graph.api_base_for(cls.platform, api_base), token)
        with _graph.translated(cls.label):
            account = graph.get(account_id, fields="id,username")
        username = account.get("username") or account_id
        return Connection(
            remote_id=str(account.get("id") or account_id),
            name=username,
            access_token=token,
            details={"username": username},
        )

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        api_base = _graph.api_base_for(cls.platform, api_base)
        fields = "id,name,access_token,instagram_business_account{id,username}"
        with _graph.translated(cls.label):
            user_token = _graph.long_lived_user_token(api_base, tokens, cls.label)
            pages = _graph.managed_pages(api_base, user_token, fields)
        linked = [p for p in pages if p.get("instagram_business_account") and p.get("access_token")]
        wanted = {str(tokens.get("instagram_account_id") or ""), str(tokens.get("page_id") or "")}
        page = next((p for p in linked if _ids(p) & wanted), linked[0] if linked else None)
        if page is None:
            raise PermanentError(
                gettext("Instagram: none of the pages is linked to an Instagram business account.")
            )
        account = page["instagram_business_account"]
        username = account.get("username") or str(account["id"])
        return Connection(
            remote_id=str(account["id"]),
            name=username,
            access_token=page["access_token"],
            details={"username": username, "page_id": str(page["id"]), "page": page.get("name")},
        )

    # ----- posting ----------------------------------------------------------------------

    @property
    def graph(self) -> _graph.Graph:
        return _graph.Graph(self.api_base, self.account.access_token)

    @property
    def user_id(self) -> str:
        return self.account.remote_id

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        if not part.images:
            raise PermanentError(gettext(NO_IMAGE))
        graph = self.graph
        container = self._prepare(graph, part)
        self._wait_until_ready(graph, container)
        published = graph.post(f"{self.user_id}/media_publish", {"creation_id": container})
        media_id = str(published["id"])
        permalink = graph.get(media_id, fields="permalink").get("permalink") or ""
        return Sent(remote_id=media_id, url=permalink)

    def _prepare(self, graph: _graph.Graph, part: Part) -> str:
        """The container to publish: a photo post, or a carousel of the images."""
        images = [(self._public_url(image), image.alt) for image in part.images]
        if len(images) == 1:
            url, alt = images[0]
            return self._container(graph, image_url=url, alt_text=alt, caption=part.text)
        children = [
            self._container(graph, image_url=url, alt_text=alt, is_carousel_item="true")
            for url, alt in images
        ]
        return self._container(
            graph, media_type="CAROUSEL", children=",".join(children), caption=part.text
        )

    def _public_url(self, image: Image) -> str:
        # Meta downloads the image from here while it makes the container, and takes JPEG
        # only: the newsroom serves every post image as JPEG.
        url = image.jpeg_url
        if not url.startswith(("https://", "http://")):
            raise PermanentError(
                gettext(
                    "Instagram fetches images from the newsroom: the office needs its public "
                    "address in its settings."
                )
            )
        return url

    def _container(self, graph: _graph.Graph, **fields: str) -> str:
        # A container that is never published expires after a day: making one again after
        # a lost answer leaves nothing behind.
        return str(graph.post(f"{self.user_id}/media", fields, safe=True)["id"])

    def _wait_until_ready(self, graph: _graph.Graph, container: str) -> None:
        for wait in POLL_WAITS:
            time.sleep(wait)
            answer = graph.get(container, fields="status_code,status")
            status = answer.get("status_code")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                said = answer.get("status") or status
                raise PermanentError(f"{self.label}: the image was not accepted: {said}")
        raise TemporaryError(f"{self.label}: the images are still being processed", retry_after=60)

    def edit(self, remote_id: str, part: Part) -> Sent:
        raise PermanentError(
            gettext("Instagram's API cannot change a caption: correct it in the Instagram app.")
        )

    def delete(self, remote_id: str) -> None:
        raise PermanentError(
            gettext("Instagram's API cannot delete a post: remove it by hand in the Instagram app.")
        )

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        thread = self.thread_of(attempt)
        if thread:
            return self._replies(thread)
        fields = "id,caption,permalink,timestamp"
        answer = self.graph.get(f"{self.user_id}/media", fields=fields, limit=25)
        return [
            Seen(
                remote_id=str(media["id"]),
                url=media.get("permalink") or "",
                text=media.get("caption") or "",
                created_at=_graph.moment(media.get("timestamp", "")),
            )
            for media in answer.get("data") or []
        ]

    # ----- comments ---------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        since = _graph.cursor_epoch(cursor)
        newest, found = since, []
        for part in _graph.recent_parts(self.key):
            post = self.post_for(part["id"])
            for item, top in self._comments_on(part["id"]):
                created = _graph.epoch(item.get("timestamp", ""))
                if created < since:
                    continue  # older than the cursor: stored already
                newest = max(newest, created)
                if not self._ours(item):
                    found.append((created, self._inbound(item, top, post, part.get("url", ""))))
        # Oldest first, so that a reply comes after the comment it answers.
        messages = [inbound for _created, inbound in sorted(found, key=lambda f: f[0])]
        return Fetched(messages=messages, cursor=str(newest) if newest else cursor)

    def _comments_on(self, media_id: str) -> Iterator[tuple[dict, dict]]:
        """Each comment with the top-level comment it belongs to (Instagram nests the
        replies in their comment; it has no "since" for comments, so all are read)."""
        for comment in self.graph.pages(f"{media_id}/comments", fields=COMMENT_FIELDS, limit=50):
            yield comment, comment
            for reply in (comment.get("replies") or {}).get("data") or []:
                yield reply, comment

    def _ours(self, comment: dict) -> bool:
        username = self.account.details.get("username")
        author = comment.get("from") or {}
        return str(author.get("id") or "") == self.user_id or (
            bool(username) and comment.get("username") == username
        )

    def _inbound(self, item: dict, top: dict, post: Any, url: str) -> InboundMessage:
        username = item.get("username") or (item.get("from") or {}).get("username") or ""
        parent = item.get("parent_id") or (top["id"] if item is not top else "")
        return self.inbound(
            remote_id=str(item["id"]),
            text_html=linebreaks(escape(item.get("text") or "")),
            author_name=username,
            author_handle=f"@{username}" if username else "",
            author_url=f"https://www.instagram.com/{username}/" if username else "",
            in_reply_to=str(parent),
            post=post,
            is_public=True,
            url=url,
        )

    def answered_under(self, parent: Message) -> str:
        # Replies on Instagram go below a top-level comment, never below a reply.
        return parent.in_reply_to or parent.remote_id

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        target = self.answered_under(parent)
        answer = self.graph.post(f"{target}/replies", {"message": part.text})
        return Sent(remote_id=str(answer["id"]))

    def _replies(self, thread: str) -> list[Seen]:
        """The replies under the comment ``thread``, newest first, each marked ours if the
        account wrote it."""
        replies = self.graph.pages(f"{thread}/replies", fields=COMMENT, limit=REPLY_PAGE)
        # Graph's times are all UTC in one format: as text they sort as times do.
        replies.sort(key=lambda reply: reply.get("timestamp") or "", reverse=True)
        return [
            Seen(
                remote_id=str(reply["id"]),
                text=reply.get("text") or "",
                reply_to=str(reply.get("parent_id") or thread),
                created_at=_graph.moment(reply.get("timestamp", "")),
                ours=self._ours(reply),
            )
            for reply in replies
        ]

    def moderate(self, message: Message, action: str) -> None:
        _graph.moderate(self, message, action, hide_field="hide")

    def classify(self, error: Exception) -> DeliveryError | None:
        return _graph.classify(error, self.label)


def _ids(page: dict) -> set[str]:
    return {str(page.get("id")), str(page["instagram_business_account"].get("id"))}


CONNECTOR = InstagramConnector
