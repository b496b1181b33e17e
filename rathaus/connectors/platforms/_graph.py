"""Meta's Graph API, shared by the Facebook page and Instagram business account connectors.

A private module (no ``CONNECTOR``), so it is not a platform of its own. Meta maintains no
Python SDK any more (facebook-sdk is abandoned), so this is a small client on httpx: the
token travels in the Authorization header, never in a URL, so that it shows up in no log
and no error message. Graph errors arrive as ``{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`` and are sorted here into temporary / re-authorise /
permanent, with the wait Meta asks for in its usage headers.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from rathaus.connectors import errors
from rathaus.delivery.channels import (
    DeliveryError,
    NeedsReauthorisation,
    PermanentError,
    TemporaryError,
)
from rathaus.delivery.models import Delivery

log = logging.getLogger(__name__)

VERSION = "v21.0"
DEFAULT_API_BASE = "https://graph.facebook.com"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Expired, invalid or revoked token (190), an old-style invalid session (102).
REAUTH_CODES = {102, 190}
# App (4), user (17), page (32), custom (613) and business-use-case (80001 ff.) rate limits;
# 9 is Instagram's "too many posts in 24 hours".
RATE_CODES = {4, 9, 17, 32, 613, *range(80000, 80010)}
# Unknown (1) and service (2) errors, and Instagram's "media not ready yet" (9007).
TEMPORARY_CODES = {1, 2, 9007}
# When Meta throttles without saying for how long: its limits are counted over an hour,
# so coming back after the usual 30 seconds would only be throttled again.
RATE_LIMIT_WAIT = 300.0
# How often a safe call (a read, an unpublished upload) is tried inside one attempt.
SAFE_TRIES = 3
# Comments are fetched on our posts of this many days.
RECENT = timedelta(days=30)
MAX_PAGES = 5


class GraphError(Exception):
    """An error answer of the Graph API, as Meta described it."""

    def __init__(self, status: int, body: Any, headers: httpx.Headers | dict) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {"message": str(error or "")}
        self.status = status
        self.headers = headers
        self.code = _int(error.get("code"))
        self.subcode = _int(error.get("error_subcode"))
        self.kind = str(error.get("type") or "")
        self.fbtrace_id = str(error.get("fbtrace_id") or "")
        self.transient = bool(error.get("is_transient"))
        said = str(error.get("message") or f"HTTP {status}")
        user_message = str(error.get("error_user_msg") or "")
        self.message = f"{said} – {user_message}" if user_message else said
        super().__init__(self.message)

    def describe(self, label: str) -> str:
        codes = f"code {self.code}" + (f"/{self.subcode}" if self.subcode else "")
        trace = f", fbtrace_id {self.fbtrace_id}" if self.fbtrace_id else ""
        return f"{label}: {self.message} ({codes}{trace})" if self.code else f"{label}: {self}"

    @property
    def gone(self) -> bool:
        """The object does not exist (any more): deleting it again is done, not failed."""
        return self.code == 100 and self.subcode == 33


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class Graph:
    """Calls to one Graph API host with one access token."""

    def __init__(self, api_base: str, token: str = "") -> None:
        self.api_base = api_base.rstrip("/")
        self.token = token

    def url(self, path: str) -> str:
        return f"{self.api_base}/{VERSION}/{path.lstrip('/')}"

    def get(self, path: str, **params: Any) -> dict:
        return self.request("GET", path, params=params, safe=True)

    def post(
        self, path: str, data: dict | None = None, *, files: dict | None = None, safe: bool = False
    ) -> dict:
        """``safe``: sending it twice does no harm (an unpublished upload, a media container
        that expires unused), so a 5xx or a lost connection is tried again at once."""
        return self.request("POST", path, data=data or {}, files=files, safe=safe)

    def delete(self, path: str) -> dict:
        return self.request("DELETE", path)

    def delete_if_there(self, path: str) -> None:
        """Delete; an object that is gone already (deleted by hand, or the answer to an
        earlier attempt got lost) counts as deleted."""
        try:
            self.delete(path)
        except GraphError as error:
            if not error.gone:
                raise

    def request(self, method: str, path: str, *, safe: bool = False, **kwargs: Any) -> dict:
        tries = SAFE_TRIES if safe else 1
        for attempt in range(1, tries + 1):
            try:
                return self._once(method, path, **kwargs)
            except (httpx.TransportError, GraphError) as error:
                wait = _quick_retry(error)
                if attempt == tries or wait is None:
                    raise
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _once(self, method: str, path: str, **kwargs: Any) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = httpx.request(method, self.url(path), headers=headers, timeout=TIMEOUT, **kwargs)
        if not response.is_success:
            raise GraphError(response.status_code, _json(response), response.headers)
        return _json(response) if response.content else {}

    def pages(self, path: str, *, max_pages: int = MAX_PAGES, **params: Any) -> list[dict]:
        """The items of a list edge, following ``paging.cursors.after`` for a few pages (not
        ``paging.next``: that is a full address, and this client stays on its host)."""
        found: list[dict] = []
        for _page in range(max_pages):
            answer = self.get(path, **params)
            found.extend(answer.get("data") or [])
            after = ((answer.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (answer.get("paging") or {}).get("next"):
                break
            params = {**params, "after": after}
        return found


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"error": {"message": f"HTTP {response.status_code}: {response.text[:200]}"}}


def _quick_retry(error: Exception) -> float | None:
    """Seconds to wait before trying a safe call again at once; None: leave it to the
    delivery's retry (rate limits, anything not temporary, or a long wait)."""
    if not isinstance(error, GraphError):
        return 0.2  # the connection broke
    if error.status == 429 or error.code in RATE_CODES:
        return None
    if not (error.status >= 500 or error.code in TEMPORARY_CODES or error.transient):
        return None
    wait = errors.retry_after(error.headers)
    if wait is not None and wait > 5:
        return None
    return wait if wait is not None else 0.5


# ----- errors ---------------------------------------------------------------------------


def classify(error: Exception, label: str) -> DeliveryError | None:
    """A Graph error as temporary / re-authorise / permanent; None for other exceptions
    (network trouble: the shared rules make it temporary)."""
    if not isinstance(error, GraphError):
        return None
    message = error.describe(label)
    if error.code in REAUTH_CODES or (error.status == 401 and not error.code):
        return NeedsReauthorisation(message)
    if error.status == 429 or error.code in RATE_CODES:
        return TemporaryError(message, retry_after=rate_limit_wait(error.headers))
    if error.status >= 500 or error.code in TEMPORARY_CODES or error.transient:
        return TemporaryError(message, retry_after=errors.retry_after(error.headers))
    return PermanentError(message)


def rate_limit_wait(headers: Any) -> float:
    """Seconds until Meta lets us in again: the longest ``estimated_time_to_regain_access``
    (minutes) of the usage headers, else Retry-After, else :data:`RATE_LIMIT_WAIT`."""
    minutes = [
        entry.get("estimated_time_to_regain_access") or 0
        for name in ("x-business-use-case-usage", "x-app-usage", "x-page-usage")
        for entry in _usage_entries(headers.get(name) if headers else None)
    ]
    longest = max([m for m in minutes if isinstance(m, int | float)], default=0)
    if longest > 0:
        return float(longest) * 60
    return errors.retry_after(headers) or RATE_LIMIT_WAIT


def _usage_entries(raw: str | None) -> list[dict]:
    # X-App-Usage is one object; X-Business-Use-Case-Usage maps business ids to lists.
    try:
        usage = json.loads(raw) if raw else {}
    except ValueError:
        return []
    if not isinstance(usage, dict):
        return []
    if any(isinstance(value, list) for value in usage.values()):
        return [e for value in usage.values() if isinstance(value, list) for e in value]
    return [usage]


@contextmanager
def translated(label: str) -> Iterator[None]:
    """Around a classmethod call (``verify``, ``from_oauth``), which runs outside
    ``Connector.calling``: Graph and network errors become delivery errors."""
    try:
        yield
    except GraphError as error:
        raise classify(error, label) from error  # type: ignore[misc]
    except httpx.HTTPError as error:
        raise TemporaryError(f"{label}: network: {error}") from error


# ----- connecting -----------------------------------------------------------------------


def api_base_for(platform: str, api_base: str) -> str:
    """What a classmethod talks to: the address given, the configured one, else Meta's."""
    configured = settings.CONNECTOR_API_BASES.get(platform, "")
    return (api_base or configured or DEFAULT_API_BASE).rstrip("/")


def app_credentials(label: str) -> tuple[str, str]:
    """The office's Meta app (client id, secret): Facebook and Instagram share one."""
    apps = settings.CONNECTOR_OAUTH_APPS
    for platform in ("instagram", "facebook"):
        client_id, secret = apps.get(platform, ("", ""))
        if client_id and secret:
            return client_id, secret
    raise PermanentError(f"{label}: no Meta app is configured (RATHAUS_FACEBOOK_CLIENT_ID)")


def long_lived_user_token(api_base: str, tokens: dict, label: str) -> str:
    """The OAuth flow's short-lived user token (an hour) exchanged for a long-lived one
    (60 days); page tokens made from it never expire."""
    short = tokens.get("access_token") or ""
    if not short:
        raise PermanentError(f"{label}: the sign-in returned no access token")
    client_id, secret = app_credentials(label)
    # Posted, not asked in the address: the secret and the token stay out of every log.
    form = {"grant_type": "fb_exchange_token", "fb_exchange_token": short}
    form |= {"client_id": client_id, "client_secret": secret}
    answer = Graph(api_base).post("oauth/access_token", form, safe=True)
    return answer.get("access_token") or short


def managed_pages(api_base: str, user_token: str, fields: str) -> list[dict]:
    return Graph(api_base, user_token).pages("me/accounts", fields=fields, limit=100)


# ----- comments -------------------------------------------------------------------------


def moderate(connector: Any, message: Any, action: str, *, hide_field: str) -> None:
    """Hide, show again or delete a citizen's comment on the platform. Meta offers no API
    to report a comment. The inbox keeps the decision either way: a temporary failure is
    raised, so the moderation job tries again later; a refusal is logged only, and the
    comment stays as it was on the platform."""
    if message.channel != connector.key or action not in ("hide", "unhide", "delete"):
        return
    try:
        with connector.calling():
            graph = Graph(connector.api_base, connector.account.access_token)
            if action == "delete":
                graph.delete_if_there(message.remote_id)
            else:
                graph.post(message.remote_id, {hide_field: str(action == "hide").lower()})
    except TemporaryError:
        raise
    except DeliveryError as error:
        log.warning("%s: %s of message %s failed: %s", connector.label, action, message.pk, error)


def recent_parts(channel_key: str, now: datetime | None = None) -> list[dict]:
    """Our posts on this account of the last 30 days whose comments are fetched, as
    ``{"id", "url"}`` (``Delivery.remote_parts``)."""
    since = (now or timezone.now()) - RECENT
    deliveries = Delivery.objects.filter(
        channel=channel_key,
        action=Delivery.Action.PUBLISH,
        status=Delivery.Status.PUBLISHED,
        sent_at__gte=since,
    ).exclude(remote_parts=[])
    return [part for delivery in deliveries for part in delivery.remote_parts]


def epoch(timestamp: str) -> int:
    """Graph's times ("2024-05-01T12:00:00+0000") as seconds since 1970; 0 if unreadable."""
    try:
        return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S%z").timestamp())
    except (TypeError, ValueError):
        return 0


def moment(timestamp: str) -> datetime | None:
    """Graph's time as an aware datetime; None if unreadable."""
    seconds = epoch(timestamp)
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


def cursor_epoch(cursor: str) -> int:
    return int(cursor) if cursor.isdigit() else 0
