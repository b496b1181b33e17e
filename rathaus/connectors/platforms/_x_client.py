"""Talking to X through tweepy: a ``tweepy.Client`` whose requests go to the account's API
address (tweepy fixes https://api.twitter.com inside ``Client.request``), with a timeout
tweepy does not set, and tweepy's errors sorted into temporary / re-authorise / permanent."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from rathaus.connectors.errors import status_error
from rathaus.delivery.channels import DeliveryError, TemporaryError

if TYPE_CHECKING:
    from collections.abc import Iterator

TWEEPY_HOST = "https://api.twitter.com"
# tweepy sets no timeout: a server that never answers must not hold a worker forever.
TIMEOUT = (10, 60)


class _ToApiBase(HTTPAdapter):
    """Sends what tweepy addresses to api.twitter.com to ``api_base``."""

    def __init__(self, api_base: str) -> None:
        super().__init__()
        self.api_base = api_base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = self.api_base + (request.url or "")[len(TWEEPY_HOST) :]
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT
        return super().send(request, **kwargs)


def client_for(api_base: str, access_token: str) -> tweepy.Client:
    client = tweepy.Client(bearer_token=access_token, return_type=dict)
    client.session.mount(TWEEPY_HOST, _ToApiBase(api_base))
    return client


def sort_error(error: Exception) -> DeliveryError | None:
    """tweepy's HTTP errors with X's own words: 429/5xx temporary (retry after the
    rate-limit reset), 401 re-authorise, other 4xx permanent."""
    if not isinstance(error, tweepy.HTTPException):
        return None
    words = "; ".join(str(m) for m in error.api_messages) or error.response.reason
    message = f"X: {error.response.status_code} {words}"
    if "duplicate content" in words:
        message += " (X already has a post with this text)"
    headers = error.response.headers
    if error.response.status_code != 429:
        # X sends its rate-limit window on every answer: only a 429 means to wait for it.
        headers = {"Retry-After": headers.get("Retry-After", "")}
    return status_error(error.response.status_code, headers, message)


@contextmanager
def sorted_errors() -> Iterator[None]:
    """For calls outside ``Connector.calling`` (connecting an account)."""
    try:
        yield
    except tweepy.HTTPException as error:
        raise sort_error(error) from error
    except requests.RequestException as error:
        raise TemporaryError(f"X: network: {error}") from error
