"""LinkedIn organisation pages, over LinkedIn's versioned REST API (Community Management API),
called as ``_linkedin_api`` does.

Access tokens last 60 days and only some apps get refresh tokens: ``expires_at`` is always
set, so that admins are warned a week before the page must be connected again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape as html_escape
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.connectors.base import Connection, Credential, Fetched, OAuth, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Editing, Posting
from rathaus.connectors.platforms import _linkedin_api as api
from rathaus.connectors.platforms._linkedin_api import (
    TIMEOUT,
    Api,
    EscapedLimits,
    classify_response,
    enc,
    escape,
    post_url,
    unescape,
)
from rathaus.delivery.channels import (
    PUBLIC,
    Attempt,
    DeliveryError,
    NeedsReauthorisation,
    PermanentError,
    Sent,
    TemporaryError,
)

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message
    from rathaus.posts.models import Post

log = logging.getLogger(__name__)

# The first fetch of a newly connected page looks back this far, not at every old comment.
FIRST_FETCH = timedelta(days=7)
# Comments may show up in the API a little after their time: each fetch looks back this far
# behind the cursor (the inbox stores each comment once).
OVERLAP = timedelta(minutes=10)
RECENT_POSTS = 20
COMMENT_PAGE, MAX_COMMENT_PAGES = 100, 5
_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[^,]+),(?P<id>[^)]+)\)$")
_FEED = {
    "feedDistribution": "MAIN_FEED",
    "targetEntities": [],
    "thirdPartyDistributionChannels": [],
}


class LinkedInConnector(Posting, Answering, Editing, Deleting):
    platform = "linkedin"
    label = "LinkedIn"
    oauth_app_setting = "RATHAUS_LINKEDIN"
    stores = gettext_lazy(
        "Rathaus stores the organisation page's name, id and address name and the access and "
        "refresh tokens with their expiry dates, encrypted."
    )
    default_api_base = api.DEFAULT_API_BASE
    default_limits = EscapedLimits(max_chars=3000, max_images=20, alt_text_max_chars=4086)
    answers = frozenset({PUBLIC})  # a comment, as the organisation
    oauth = OAuth(
        authorize_url="https://www.linkedin.com/oauth/v2/authorization",
        token_url="https://www.linkedin.com/oauth/v2/accessToken",  # noqa: S106
        scopes=("w_organization_social", "r_organization_social", "rw_organization_admin"),
        pkce=False,
        client_auth="body",
    )
    connect_help = gettext_lazy(
        "Posts go to a LinkedIn organisation page you administer. Connect with LinkedIn, or "
        "paste an access token with the scopes w_organization_social, r_organization_social "
        "and rw_organization_admin, made just now: LinkedIn tokens last 60 days, and you are "
        "told a week before the page must be connected again."
    )
    credentials = (
        Credential("access_token", gettext_lazy("Access token")),
        Credential(
            "organization",
            gettext_lazy("Organisation"),
            secret=False,
            required=False,
            help=gettext_lazy(
                "e.g. urn:li:organization:2414183 or 2414183; empty: the first page you administer."
            ),
        ),
    )

    # ----- connecting -------------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        token = (values.get("access_token") or "").strip()
        if not token:
            raise PermanentError(_("Paste the access token."))
        # LinkedIn tells an app a token's age only for tokens it issued to that app: a
        # pasted token is taken as new (the connect help asks for a fresh one).
        return api.connect(
            api_base or cls.default_api_base,
            token,
            (values.get("organization") or "").strip(),
            expires_at=api.expiry(None),
        )

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        if not tokens.get("access_token"):
            raise PermanentError(_("LinkedIn sent no access token."))
        try:
            connection = api.connect(
                api_base or cls.default_api_base,
                tokens["access_token"],
                str(tokens.get("organization") or ""),
                refresh_token=tokens.get("refresh_token") or "",
                expires_at=api.expiry(tokens.get("expires_in")),
            )
        except DeliveryError as error:
            # The OAuth view shows a PermanentError's words to the admin.
            raise PermanentError(str(error)) from error
        refresh_until = tokens.get("refresh_token_expires_in")
        if refresh_until:
            until = {"refresh_token_expires_at": api.expiry(refresh_until).isoformat()}
            connection = replace(connection, details=connection.details | until)
        return connection

    def refresh(self) -> Connection:
        client_id, secret = settings.CONNECTOR_OAUTH_APPS.get("linkedin") or ("", "")
        if not self.account.refresh_token or not client_id:
            raise NeedsReauthorisation(_("LinkedIn: the access token has expired."))
        form = {"grant_type": "refresh_token", "refresh_token": self.account.refresh_token}
        form |= {"client_id": client_id, "client_secret": secret}
        url = api.moved(self.api_base, self.oauth.token_url)
        response = httpx.post(url, data=form, timeout=TIMEOUT)
        if response.status_code in (400, 401):
            # A refused refresh token will not work later either.
            raise NeedsReauthorisation(str(classify_response(response)))
        tokens = response.raise_for_status().json()
        return Connection(
            remote_id=self.account.remote_id,
            name=self.account.name,
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token") or "",
            expires_at=api.expiry(tokens.get("expires_in")),
        )

    def classify(self, error: Exception) -> DeliveryError | None:
        if isinstance(error, httpx.HTTPStatusError):
            return classify_response(error.response)
        return None

    # ----- posts ----------------------------------------------------------------------

    @property
    def organization(self) -> str:
        return self.account.remote_id

    def _api(self) -> Api:
        return Api(self.api_base, self.account.access_token)

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        api = self._api()
        body: dict[str, Any] = {
            "author": self.organization,
            "commentary": escape(part.text),
            "visibility": "PUBLIC",
            "distribution": _FEED,
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self._upload(api, i.data, i.mime), "altText": i.alt} for i in part.images]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        urn = unquote(api.call("POST", "/rest/posts", json=body).headers.get("x-restli-id", ""))
        if not urn:
            # Created, but we cannot tell which post it is: the retry finds it.
            raise TemporaryError("LinkedIn: the new post's id was missing from the answer")
        return Sent(remote_id=urn, url=post_url(urn))

    def _upload(self, api: Api, data: bytes, mime: str) -> str:
        request = {"initializeUploadRequest": {"owner": self.organization}}
        started = api.call(
            "POST", "/rest/images", params={"action": "initializeUpload"}, json=request
        ).json()["value"]
        headers = {"Content-Type": mime}
        if api.trusts(started["uploadUrl"]):
            headers["Authorization"] = f"Bearer {api.token}"
        response = httpx.put(started["uploadUrl"], content=data, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()
        return started["image"]

    def edit(self, remote_id: str, part: Part) -> Sent:
        patch = {"patch": {"$set": {"commentary": escape(part.text)}}}
        path = f"/rest/posts/{enc(remote_id)}"
        self._api().call("POST", path, json=patch, restli="PARTIAL_UPDATE")
        return Sent(remote_id=remote_id, url=post_url(remote_id))

    def delete(self, remote_id: str) -> None:
        path = f"/rest/posts/{enc(remote_id)}"
        self._api().call("DELETE", path, restli="DELETE", gone_ok=True)

    def _recent_posts(self) -> list[dict[str, Any]]:
        params = {"author": self.organization, "q": "author", "count": RECENT_POSTS}
        return (
            self._api()
            .call("GET", "/rest/posts", params=params, restli="FINDER")
            .json()
            .get("elements", [])
        )

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        thread = self.thread_of(attempt)
        if thread:
            return self._replies(thread)
        return [
            Seen(
                remote_id=post["id"],
                url=post_url(post["id"]),
                text=unescape(post.get("commentary") or ""),
                created_at=_from_ms(post.get("createdAt")),
            )
            for post in self._recent_posts()
        ]

    # ----- comments ---------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        since = int(cursor) if cursor.isdigit() else _ms(timezone.now() - FIRST_FETCH)
        newest, messages = since, []
        for post in self._recent_posts():
            ours = self.post_for(post["id"])
            for comment, in_reply_to in self._comments(post["id"]):
                created = int((comment.get("created") or {}).get("time") or 0)
                newest = max(newest, created)
                if created >= since - _ms(OVERLAP) and comment.get("actor") != self.organization:
                    messages.append(self._inbound(comment, post["id"], in_reply_to, ours))
        return Fetched(messages=messages, cursor=str(newest))

    def _comments(self, post: str) -> list[tuple[dict[str, Any], str]]:
        """The comments on ``post`` with what each answers: the post for a comment, the
        comment for a reply (LinkedIn nests one level deep)."""
        found = []
        for comment in self._comment_pages(post):
            found.append((comment, post))
            urn = _urn_of(comment)
            if urn and (comment.get("commentsSummary") or {}).get("totalFirstLevelComments"):
                found.extend((reply, urn) for reply in self._comment_pages(urn))
        return found

    def _comment_pages(self, target: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        path = f"/rest/socialActions/{enc(target)}/comments"
        for page in range(MAX_COMMENT_PAGES):
            elements = self._api().get(path, start=page * COMMENT_PAGE, count=COMMENT_PAGE)
            found.extend(elements.get("elements", []))
            if len(elements.get("elements", [])) < COMMENT_PAGE:
                break
        return found

    def _replies(self, thread: str) -> list[Seen]:
        """The replies under the comment ``thread``, newest first, each marked ours if the
        page wrote it. LinkedIn documents no order for them: the first page is read, and
        where ``paging.total`` says there are more, the last one too, so that the newest
        are among them whichever way LinkedIn orders. All of a delivery's attempts lie
        within about two hours; more replies below one comment in that time than a page
        holds would be a first (if ever, our answer would go out a second time)."""
        path = f"/rest/socialActions/{enc(thread)}/comments"
        first = self._api().get(path, start=0, count=COMMENT_PAGE)
        found = list(first.get("elements") or [])
        total = int((first.get("paging") or {}).get("total") or 0)
        if total > COMMENT_PAGE:
            last = self._api().get(path, start=total - COMMENT_PAGE, count=COMMENT_PAGE)
            found += [c for c in last.get("elements") or [] if c not in found]
        found.sort(key=lambda c: int((c.get("created") or {}).get("time") or 0), reverse=True)
        return [self._seen_reply(comment, thread) for comment in found]

    def _seen_reply(self, comment: dict[str, Any], thread: str) -> Seen:
        urn = _urn_of(comment)
        on = _COMMENT_URN.match(urn)
        return Seen(
            remote_id=urn,
            url=post_url(on.group("object"), urn) if on else "",
            text=(comment.get("message") or {}).get("text", ""),
            reply_to=comment.get("parentComment") or thread,
            created_at=_from_ms((comment.get("created") or {}).get("time")),
            ours=comment.get("actor") == self.organization,
        )

    def _inbound(
        self, comment: dict[str, Any], post: str, in_reply_to: str, ours: Post | None
    ) -> InboundMessage:
        urn, actor = _urn_of(comment), comment.get("actor", "")
        page = api.ORGANIZATION.match(actor)
        return self.inbound(
            remote_id=urn,
            text_html=linebreaks(html_escape((comment.get("message") or {}).get("text", ""))),
            # LinkedIn tells apps no member's name, only the URN.
            author_handle=actor,
            author_url=f"https://www.linkedin.com/company/{page.group(1)}/" if page else "",
            in_reply_to=in_reply_to,
            post=ours,
            is_public=True,
            url=post_url(post, urn),
        )

    def answered_under(self, parent: Message) -> str:
        # Replies nest one level deep: answering a reply answers its thread's comment.
        return parent.in_reply_to if _COMMENT_URN.match(parent.in_reply_to) else parent.remote_id

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        found = _COMMENT_URN.match(parent.remote_id)
        if not found:
            raise PermanentError(_("LinkedIn: only comments can be answered."))
        thread = self.answered_under(parent)
        body = {
            "actor": self.organization,
            "object": found.group("object"),
            "message": {"text": part.text},
            "parentComment": thread,
        }
        path = f"/rest/socialActions/{enc(thread)}/comments"
        response = self._api().call("POST", path, json=body)
        created = response.json() if response.content else {}
        header = unquote(response.headers.get("x-restli-id", ""))
        urn = _urn_of(created) or header
        if header and not urn.startswith("urn:"):  # the header may name the id alone
            urn = f"urn:li:comment:({found.group('object')},{header})"
        return Sent(remote_id=urn, url=post_url(found.group("object"), urn))

    def moderate(self, message: Message, action: str) -> None:
        # LinkedIn lets a page delete comments on its posts but not hide them: hiding is
        # recorded in the inbox only.
        found = _COMMENT_URN.match(message.remote_id)
        if action != "delete" or not found:
            return None
        path = f"/rest/socialActions/{enc(found.group('object'))}/comments/{found.group('id')}"
        try:
            with self.calling():
                self._api().call("DELETE", path, params={"actor": self.organization}, gone_ok=True)
        except TemporaryError:
            raise  # the moderation job tries again later
        except DeliveryError as error:
            # The decision stands in the inbox; the comment stays on LinkedIn for now.
            log.warning("deleting LinkedIn comment %s failed: %s", message.remote_id, error)
        return None


def _urn_of(comment: dict[str, Any]) -> str:
    return comment.get("$URN") or comment.get("commentUrn") or ""


def _from_ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, UTC) if isinstance(value, int) else None


def _ms(moment: datetime | timedelta) -> int:
    seconds = moment.total_seconds() if isinstance(moment, timedelta) else moment.timestamp()
    return int(seconds * 1000)


CONNECTOR = LinkedInConnector
