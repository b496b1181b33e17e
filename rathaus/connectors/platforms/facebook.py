"""Facebook pages, over Meta's Graph API (``_graph``).

Every page of an office is an account of its own: the OAuth sign-in connects one page (the
one asked for, else the first the person manages; the others are listed in the account's
details), and the office connects further pages by signing in again or by pasting their
page tokens. A page token made from a long-lived user token does not expire.

Posts go to the page's feed as the page; images become unpublished photos attached to the
post. Citizens are heard through the public comments on our posts of the last 30 days.
The page's Messenger conversations are not fetched: they need the pages_messaging
permission, and answers there are bound to Meta's 24-hour messaging window.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.html import escape, linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Credential, Fetched, Image, OAuth, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Editing, Posting
from rathaus.connectors.platforms import _graph
from rathaus.delivery.channels import PUBLIC, Attempt, DeliveryError, Limits, PermanentError, Sent

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message


# One Meta login serves both connectors: it asks for the Instagram permissions as well.
OAUTH = OAuth(
    authorize_url=f"https://www.facebook.com/{_graph.VERSION}/dialog/oauth",
    token_url=f"{_graph.DEFAULT_API_BASE}/{_graph.VERSION}/oauth/access_token",
    scopes=(
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_manage_engagement",
        "pages_read_user_content",
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_comments",
    ),
    pkce=False,
    client_auth="body",
)
COMMENT_FIELDS = "id,message,from,created_time,parent,permalink_url"
REPLY_FIELDS = "id,from,message,created_time,parent"
# The replies under a comment read when an answer's attempt may have gone out: the newest
# page only (Graph gives them newest first when asked). All of a delivery's attempts lie
# within about two hours, and a hundred other replies below one citizen's comment in that
# time would be a first; if ever, our answer would go out a second time, as it did before.
REPLY_PAGE = 100


class FacebookConnector(Posting, Answering, Editing, Deleting):
    platform = "facebook"
    label = "Facebook"
    oauth_app_setting = "RATHAUS_FACEBOOK"
    stores = _(
        "Rathaus stores the page's name and id, the names and ids of the other pages the "
        "token may manage, and the page token, encrypted."
    )
    default_api_base = _graph.DEFAULT_API_BASE
    # Facebook takes 63,206 characters; Meta attaches at most 10 photos to one post here
    # (more would be an album); a page post is never split into a thread.
    default_limits = Limits(max_chars=63206, max_images=10, threads=False)
    answers = frozenset({PUBLIC})  # a comment under the comment, as the page
    oauth = OAUTH
    credentials = (
        Credential(
            "page_id",
            _("Page ID"),
            secret=False,
            help=_("The number in the page's settings under “Page transparency” or “About”."),
        ),
        Credential(
            "access_token",
            _("Page access token"),
            help=_(
                "A page token made from a long-lived user token (e.g. in Meta's Graph API "
                "Explorer) does not expire."
            ),
        ),
    )
    connect_help = _(
        "Sign in with Facebook to connect a page you manage, or paste the page's ID and a "
        "page access token. Connect every page of the office on its own."
    )

    # ----- connecting -------------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        page_id = (values.get("page_id") or "").strip()
        token = (values.get("access_token") or "").strip()
        if not page_id.isdigit() or not token:
            raise PermanentError(gettext("Facebook: enter the page's numeric ID and its token."))
        graph = _graph.Graph(_graph.api_base_for(cls.platform, api_base), token)
        with _graph.translated(cls.label):
            page = graph.get(page_id, fields="id,name")
            # With a page token, "me" is the page: a user token or another page's token
            # would only fail when posting.
            me = graph.get("me", fields="id")
        if str(me.get("id")) != str(page.get("id")):
            raise PermanentError(
                gettext("Facebook: this is not the page's access token (Page ID and token differ).")
            )
        # A pasted page token is taken as never expiring (one made from a long-lived user
        # token); a short-lived one ends in "connect again" when Meta refuses it.
        return Connection(
            remote_id=str(page["id"]), name=page.get("name") or page_id, access_token=token
        )

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        api_base = _graph.api_base_for(cls.platform, api_base)
        with _graph.translated(cls.label):
            user_token = _graph.long_lived_user_token(api_base, tokens, cls.label)
            pages = _graph.managed_pages(api_base, user_token, "id,name,access_token")
        wanted = str(tokens.get("page_id") or "")
        page = next((p for p in pages if str(p.get("id")) == wanted), None)
        page = page or (pages[0] if pages else None)
        if page is None or not page.get("access_token"):
            raise PermanentError(
                gettext("Facebook: the account that signed in manages no page Rathaus may use.")
            )
        others = [{"id": p["id"], "name": p.get("name", "")} for p in pages if p is not page]
        # A page token made from a long-lived user token does not expire.
        return Connection(
            remote_id=str(page["id"]),
            name=page.get("name") or str(page["id"]),
            access_token=page["access_token"],
            details={"other_pages": others} if others else {},
        )

    # ----- posting ----------------------------------------------------------------------

    @property
    def graph(self) -> _graph.Graph:
        return _graph.Graph(self.api_base, self.account.access_token)

    @property
    def page_id(self) -> str:
        return self.account.remote_id

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        graph = self.graph
        data: dict[str, str] = {"message": part.text}
        if part.images:
            for index, image in enumerate(part.images):
                photo = self._upload(graph, image)
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo})
        elif part.link.startswith(("https://", "http://")):
            data["link"] = part.link  # a preview card of the original (not with photos)
        post_id = graph.post(f"{self.page_id}/feed", data)["id"]
        return Sent(remote_id=post_id, url=_post_url(post_id))

    def _upload(self, graph: _graph.Graph, image: Image) -> str:
        # Unpublished: the photo shows only as part of the post it is attached to, so an
        # upload repeated after a lost answer leaves nothing visible behind.
        answer = graph.post(
            f"{self.page_id}/photos",
            {"published": "false", "alt_text_custom": image.alt},
            files={"source": (image.name.rsplit("/", 1)[-1], image.data, image.mime)},
            safe=True,
        )
        return str(answer["id"])

    def edit(self, remote_id: str, part: Part) -> Sent:
        self.graph.post(remote_id, {"message": part.text})
        return Sent(remote_id=remote_id, url=_post_url(remote_id))

    def delete(self, remote_id: str) -> None:
        self.graph.delete_if_there(remote_id)

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        thread = self.thread_of(attempt)
        if thread:
            return self._replies(thread)
        fields = "id,message,permalink_url,created_time"
        answer = self.graph.get(f"{self.page_id}/posts", fields=fields, limit=25)
        return [
            Seen(
                remote_id=post["id"],
                url=post.get("permalink_url") or "",
                text=post.get("message") or "",
                created_at=_graph.moment(post.get("created_time", "")),
            )
            for post in answer.get("data") or []
        ]

    # ----- comments ---------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        since = _graph.cursor_epoch(cursor)
        newest, found = since, []
        for part in _graph.recent_parts(self.key):
            post_id, post = part["id"], self.post_for(part["id"])
            params: dict[str, Any] = {"filter": "stream", "order": "reverse_chronological"}
            params |= {"fields": COMMENT_FIELDS, "limit": 100} | ({"since": since} if since else {})
            for comment in self.graph.pages(f"{post_id}/comments", **params):
                created = _graph.epoch(comment.get("created_time", ""))
                if created < since:
                    continue  # older than the cursor: stored already
                newest = max(newest, created)
                if (comment.get("from") or {}).get("id") != self.page_id:  # not our replies
                    found.append((created, self._inbound(comment, post)))
        # Oldest first, so that a reply comes after the comment it answers.
        messages = [inbound for _created, inbound in sorted(found, key=lambda f: f[0])]
        return Fetched(messages=messages, cursor=str(newest) if newest else cursor)

    def _inbound(self, comment: dict, post: Any) -> InboundMessage:
        author = comment.get("from") or {}
        text = comment.get("message") or gettext("(a comment without text, e.g. a photo)")
        return self.inbound(
            remote_id=str(comment["id"]),
            text_html=linebreaks(escape(text)),
            author_name=author.get("name", ""),
            # The page-scoped id: what tells whether a reply comes from the same person, so
            # someone else's reply below a citizen's comment is not filed under theirs.
            author_handle=str(author.get("id") or ""),
            in_reply_to=str((comment.get("parent") or {}).get("id") or ""),
            post=post,
            is_public=True,
            url=comment.get("permalink_url", ""),
        )

    def answered_under(self, parent: Message) -> str:
        # Facebook threads comments two levels deep: an answer to a reply goes below the
        # comment the reply belongs to.
        return parent.in_reply_to or parent.remote_id

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        target = self.answered_under(parent)
        answer = self.graph.post(f"{target}/comments", {"message": part.text})
        return Sent(remote_id=str(answer["id"]))

    def _replies(self, thread: str) -> list[Seen]:
        """The replies under the comment ``thread``, newest first, each marked ours if the
        page wrote it (the ``from`` of a comment the page made is the page)."""
        params = {"fields": REPLY_FIELDS, "order": "reverse_chronological", "limit": REPLY_PAGE}
        answer = self.graph.get(f"{thread}/comments", **params)
        return [
            Seen(
                remote_id=str(reply["id"]),
                text=reply.get("message") or "",
                reply_to=str((reply.get("parent") or {}).get("id") or thread),
                created_at=_graph.moment(reply.get("created_time", "")),
                ours=str((reply.get("from") or {}).get("id") or "") == self.page_id,
            )
            for reply in answer.get("data") or []
        ]

    def moderate(self, message: Message, action: str) -> None:
        _graph.moderate(self, message, action, hide_field="is_hidden")

    def classify(self, error: Exception) -> DeliveryError | None:
        return _graph.classify(error, self.label)


def _post_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


CONNECTOR = FacebookConnector
