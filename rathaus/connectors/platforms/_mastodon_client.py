"""Talking to a Mastodon server through Mastodon.py: a client held to public addresses that
never sleeps through a rate limit, and its errors sorted into temporary / re-authorise /
permanent, with the waits the server's headers ask for."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonVersionError,
)

from rathaus.connectors import errors
from rathaus.delivery.channels import (
    DeliveryError,
    NeedsReauthorisation,
    PermanentError,
    TemporaryError,
)
from rathaus.lib import netguard

# A worker must never hang on one server, nor sleep through a rate limit: both are retried.
REQUEST_TIMEOUT = 15


class LastAnswer:
    """A requests response hook keeping the last answer's status and headers: Mastodon.py's
    exceptions carry the status but not Retry-After or X-RateLimit-Reset."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: Any = {}

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.status, self.headers = response.status_code, response.headers


def client(api_base: str, token: str, last: LastAnswer) -> Mastodon:
    # Connects only to public addresses (or allowed hosts), redirects included: the
    # instance is an address an office admin typed.
    session = netguard.requests_session()
    session.hooks["response"].append(last)
    client = Mastodon(
        api_base_url=api_base,
        ratelimit_method="throw",
        request_timeout=REQUEST_TIMEOUT,
        version_check_mode="none",
        session=session,
        user_agent="Rathaus/0.1 (Mastodon.py)",
    )
    # Set afterwards: given to the constructor, a token naming a file would be read from disk.
    client.access_token = token
    return client


def sorted_error(error: Exception, last: LastAnswer) -> DeliveryError | None:
    if isinstance(error, MastodonVersionError) and isinstance(error.__cause__, MastodonError):
        error = error.__cause__  # a failed version lookup: what made it fail counts
    if isinstance(error, MastodonRatelimitError):
        return TemporaryError("Mastodon: rate limit reached", retry_after=_wait(last.headers))
    if isinstance(error, MastodonNetworkError):
        return TemporaryError(f"Mastodon: network: {error}")
    if isinstance(error, MastodonAPIError):
        return _api_error(error, last)
    if isinstance(error, MastodonIllegalArgumentError | MastodonVersionError):
        return PermanentError(f"Mastodon: {error}")
    return None


def _api_error(error: MastodonAPIError, last: LastAnswer) -> DeliveryError:
    # Raised as (text, status, reason, the server's "error"); unparseable answers differ.
    args = error.args
    status = args[1] if len(args) > 3 and isinstance(args[1], int) else None
    if status is None:  # not JSON: a proxy's error page, or no Mastodon server at all
        return TemporaryError(f"Mastodon: the server's answer is unreadable: {args[0][:200]}")
    message = f"Mastodon: {args[3] or args[2]}"
    headers = last.headers if last.status == status else {}
    if status == 429:
        return TemporaryError(message, retry_after=_wait(headers))
    if status == 403 and "scope" in message:
        return NeedsReauthorisation(message)  # a token without write access: make a new one
    return errors.status_error(status, headers, message)


def _wait(headers: Any) -> float | None:
    """Seconds until Mastodon lets us in again: Retry-After if sent, else the rate limit's
    reset, an ISO date, measured against the server's own Date to ignore clock skew."""
    seconds = errors.retry_after(headers)
    if seconds is not None or not headers:
        return seconds
    try:
        reset = datetime.fromisoformat(headers["X-RateLimit-Reset"])
        now = parsedate_to_datetime(headers["Date"]) if headers.get("Date") else None
    except (KeyError, TypeError, ValueError):
        return None
    now = now or datetime.now(reset.tzinfo)
    return max(0.0, (reset - now).total_seconds())
