"""X (formerly Twitter): posts, threads and images through API v2 with an OAuth 2.0 user
token (authorization code with PKCE); mentions come into the inbox and are answered with
replies. X offers no editing through the API, so a correction can only withdraw the post.

The client library is tweepy (``tweepy.Client``, the user token passed as its bearer token).
tweepy fixes the host inside ``Client.request`` to https://api.twitter.com, so each client
gets a transport adapter that sends those requests to the account's API address instead
(api.x.com, a proxy, a test server): ``_x_client``, with the sorting of tweepy's errors.
tweepy has no v2 media upload, and v1.1's upload.twitter.com does not take OAuth 2 user
tokens, so images go to /2/media/upload and /2/media/metadata through ``Client.request``:
tweepy's own request, errors and all. Counting and comparing texts as X does is ``_x_text``.
"""

from __future__ import annotations

import base64
import io
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import tweepy
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Credential, Fetched, Image, OAuth, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Posting
from rathaus.connectors.errors import status_error
from rathaus.connectors.platforms import _x_text as xtext
from rathaus.connectors.platforms._x_client import TIMEOUT, client_for, sort_error, sorted_errors
from rathaus.delivery.channels import (
    PUBLIC,
    Attempt,
    DeliveryError,
    Limits,
    NeedsReauthorisation,
    PermanentError,
    Sent,
)

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message

log = logging.getLogger(__name__)
WEB = "https://x.com"
# How many of the account's latest posts check-before-retry looks through.
RECENT_POSTS = 50
# Pages of 100 mentions one fetch reads at most (the first fetch reads one: no backlog).
MENTION_PAGES = 5
MENTION_FIELDS = ["conversation_id", "in_reply_to_user_id", "referenced_tweets", "entities"]
ALT_TEXT_MAX = 1000
ONE_SHOT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff"}


@dataclass(frozen=True)
class XLimits(Limits):
    def count(self, text: str) -> int:
        return xtext.weighted_length(text, self.link_chars or 23)


# ----- connecting: tokens --------------------------------------------------------------


def _base(api_base: str) -> str:
    configured = settings.CONNECTOR_API_BASES.get("x", "")
    return (api_base or configured or XConnector.default_api_base).rstrip("/")


def _token_request(api_base: str, form: dict[str, str]) -> dict[str, Any]:
    """A call to X's OAuth 2 token endpoint with the office's X app (HTTP Basic)."""
    client_id, secret = settings.CONNECTOR_OAUTH_APPS.get("x", ("", ""))
    if not client_id:
        raise NeedsReauthorisation("X: no X app is configured (RATHAUS_X_CLIENT_ID)")
    token_path = urlsplit(XConnector.oauth.token_url).path
    with sorted_errors():
        response = requests.post(
            api_base + token_path,
            data={**form, "client_id": client_id},
            auth=(client_id, secret) if secret else None,
            timeout=TIMEOUT,
        )
    if response.status_code in (400, 401):
        try:
            words = response.json().get("error_description") or response.json()["error"]
        except (ValueError, KeyError, AttributeError):
            words = response.reason
        raise NeedsReauthorisation(f"X refused to renew the access: {words}")
    if not response.ok:
        raise status_error(response.status_code, response.headers, f"X: {response.status_code}")
    return response.json()


def _connection(api_base: str, tokens: dict[str, Any]) -> Connection:
    """The account behind ``tokens`` (GET /2/users/me)."""
    with sorted_errors():
        me = client_for(api_base, tokens["access_token"]).get_me(user_auth=False)["data"]
    name = me.get("name") or me["username"]
    return _with_tokens(str(me["id"]), name, {"username": me["username"]}, tokens)


def _with_tokens(remote_id: str, name: str, details: dict, tokens: dict[str, Any]) -> Connection:
    expires_in = tokens.get("expires_in")
    return Connection(
        remote_id=remote_id,
        name=name,
        access_token=tokens["access_token"],
        refresh_token=tokens.get("refresh_token") or "",
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        details=details,
    )


# ----- the connector -------------------------------------------------------------------


class XConnector(Posting, Answering, Deleting):
    platform = "x"
    label = "X"
    oauth_app_setting = "RATHAUS_X"
    stores = _(
        "Rathaus stores the account's name, user name and id and the access and refresh tokens X "
        "gives, encrypted."
    )
    default_limits = XLimits(
        max_chars=280, max_images=4, alt_text_max_chars=ALT_TEXT_MAX, threads=True, link_chars=23
    )
    default_api_base = "https://api.x.com"
    # Not Editing: X lets only some paid accounts edit, and not through the API.
    answers = frozenset({PUBLIC})  # a reply post; this connector sends no direct messages
    oauth = OAuth(
        authorize_url="https://x.com/i/oauth2/authorize",
        token_url="https://api.x.com/2/oauth2/token",  # noqa: S106 (an address)
        scopes=("tweet.read", "tweet.write", "users.read", "offline.access", "media.write"),
        pkce=True,
        client_auth="basic",
    )
    credentials = (
        Credential(
            "access_token",
            _("OAuth 2.0 user access token"),
            help=_(
                "A user token of the office's X account with the scopes tweet.read, "
                "tweet.write, users.read and media.write."
            ),
        ),
        Credential(
            "refresh_token",
            _("Refresh token"),
            required=False,
            help=_(
                "X lets an access token expire after two hours; with the refresh token "
                "(scope offline.access) Rathaus renews it through the office's X app."
            ),
        ),
    )

    def __init__(self, account: Any) -> None:
        super().__init__(account)
        self._client: tweepy.Client | None = None

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        base = _base(api_base)
        refresh = values.get("refresh_token", "").strip()
        if refresh:
            # Renewing at once gives tokens whose expiry is known (and X rotates them).
            tokens = _token_request(base, {"grant_type": "refresh_token", "refresh_token": refresh})
            return _connection(base, tokens)
        access = values.get("access_token", "").strip()
        if not access:
            raise PermanentError(gettext("Paste an access token of the X account."))
        return _connection(base, {"access_token": access})

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        return _connection(_base(api_base), tokens)

    @property
    def client(self) -> tweepy.Client:
        token = self.account.access_token
        if self._client is None or self._client.bearer_token != token:
            self._client = client_for(self.api_base, token)
        return self._client

    def refresh(self) -> Connection:
        form = {"grant_type": "refresh_token", "refresh_token": self.account.refresh_token}
        tokens = _token_request(self.api_base, form)
        # No further call before the tokens are stored: X has already retired the old
        # refresh token, and losing the new one would mean connecting again.
        account = self.account
        return _with_tokens(account.remote_id, account.name, account.details, tokens)

    def classify(self, error: Exception) -> DeliveryError | None:
        return sort_error(error)

    # ----- posting -----------------------------------------------------------------------

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        media_ids = [self._upload(image) for image in part.images]
        created = self.client.create_tweet(
            text=part.text,
            in_reply_to_tweet_id=reply_to,
            media_ids=media_ids or None,
            user_auth=False,
        )
        return self._sent(created["data"]["id"])

    def _upload(self, image: Image) -> str:
        data, mime = _uploadable(image)
        uploaded = self.client.request(
            "POST",
            "/2/media/upload",
            json={"media": data, "media_category": "tweet_image", "media_type": mime},
        ).json()
        media_id = str(uploaded["data"]["id"])
        alt = {"alt_text": {"text": image.alt[:ALT_TEXT_MAX]}}
        self.client.request("POST", "/2/media/metadata", json={"id": media_id, "metadata": alt})
        return media_id

    def delete(self, remote_id: str) -> None:
        with suppress(tweepy.NotFound):  # gone already: withdrawing twice is no failure
            self.client.delete_tweet(remote_id, user_auth=False)

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        return [
            Seen(
                remote_id=str(tweet["id"]),
                url=self._sent(tweet["id"]).url,
                text=xtext.expanded(tweet),
                reply_to=_replied_to(tweet),
                created_at=_moment(tweet.get("created_at")),
            )
            for tweet in self._recent_tweets()
        ]

    def same_text(self, seen: Seen, part: Part) -> bool:
        return xtext.comparable(seen.text) == xtext.comparable(part.text)

    def _recent_tweets(self) -> list[dict[str, Any]]:
        recent = self.client.get_users_tweets(
            self.account.remote_id,
            max_results=RECENT_POSTS,
            tweet_fields=["entities", "referenced_tweets", "created_at"],
            user_auth=False,
        )
        return recent.get("data") or []

    def _sent(self, tweet_id: str) -> Sent:
        username = self.account.details.get("username")
        url = f"{WEB}/{username}/status/{tweet_id}" if username else f"{WEB}/i/status/{tweet_id}"
        return Sent(remote_id=str(tweet_id), url=url)

    # ----- the inbox -----------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        params: dict[str, Any] = {
            "expansions": "author_id",
            "tweet_fields": MENTION_FIELDS,
            "user_fields": ["name", "username"],
            "max_results": 100,
        }
        if cursor:
            params["since_id"] = cursor
        tweets, users, newest = [], {}, ""
        for _page in range(MENTION_PAGES if cursor else 1):
            page = self.client.get_users_mentions(self.account.remote_id, **params)
            tweets += page.get("data") or []
            users |= {u["id"]: u for u in page.get("includes", {}).get("users", [])}
            meta = page.get("meta", {})
            newest = newest or meta.get("newest_id", "")  # the first page holds the newest
            if not meta.get("next_token"):
                break
            params["pagination_token"] = meta["next_token"]
        else:
            if cursor:  # X pages from the newest back: what lies beyond stays unread
                log.warning("%s: more than %d pages of new mentions", self.account, _page + 1)
        own = self.account.remote_id
        messages = [self._inbound(t, users) for t in tweets if t.get("author_id") != own]
        return Fetched(messages=messages, cursor=newest or cursor)

    def _inbound(self, tweet: dict[str, Any], users: dict[str, dict]) -> InboundMessage:
        author = users.get(tweet.get("author_id", ""), {})
        handle = author.get("username", "")
        replied = _replied_to(tweet)
        return self.inbound(
            remote_id=str(tweet["id"]),
            text_html=xtext.as_html(tweet, self.account.details.get("username", "")),
            author_name=author.get("name") or handle,
            author_handle=f"@{handle}" if handle else "",
            author_url=f"{WEB}/{handle}" if handle else "",
            in_reply_to=replied,
            post=self._post_answered(replied, tweet.get("conversation_id", "")),
            is_public=True,
            url=f"{WEB}/{handle or 'i'}/status/{tweet['id']}",
        )

    def _post_answered(self, replied: str, thread: str) -> Any:
        # A reply to a later part of a thread, or deeper in the talk below it: the thread's
        # first post (X's conversation id) names the post too.
        for tweet_id in (replied, thread):
            post = self.post_for(tweet_id) if tweet_id else None
            if post is not None:
                return post
        return None

    def answer_parts(self, message: Message, parent: Message) -> list[Part]:
        from rathaus.inbox.inbound import plain_text

        if not message.is_public:
            raise PermanentError(
                gettext("Answers on X are public posts; this connector sends no direct messages.")
            )
        text = plain_text(message.text_html)
        if self.limits.count(text) > (self.limits.max_chars or 280):
            raise PermanentError(
                gettext("An answer on X may have at most %(max)d characters; this has %(n)d.")
                % {"max": self.limits.max_chars, "n": self.limits.count(text)}
            )
        return [Part(text=text)]

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        created = self.client.create_tweet(
            text=part.text, in_reply_to_tweet_id=reply_to, user_auth=False
        )
        return self._sent(created["data"]["id"])


def _uploadable(image: Image) -> tuple[str, str]:
    """The image base64-encoded, as a PNG where X's one-request upload does not take its
    type (GIF would need the chunked upload: the first frame is shown instead)."""
    data, mime = image.data, image.mime
    if mime not in ONE_SHOT_TYPES:
        from PIL import Image as Picture

        out = io.BytesIO()
        Picture.open(io.BytesIO(data)).save(out, format="PNG")
        data, mime = out.getvalue(), "image/png"
    return base64.b64encode(data).decode(), mime


def _replied_to(tweet: dict[str, Any]) -> str:
    """The id of the post ``tweet`` answers; "" for none."""
    refs = tweet.get("referenced_tweets") or []
    return next((str(r["id"]) for r in refs if r.get("type") == "replied_to"), "")


def _moment(stamp: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None


CONNECTOR = XConnector
