"""Talking to a Bluesky PDS through the ``atproto`` client: a client held to public
addresses, the session's two JWTs as the account's tokens, and the PDS's errors sorted into
temporary / re-authorise / permanent."""

from __future__ import annotations

import ssl
from contextlib import suppress
from datetime import UTC, datetime
from functools import cache
from typing import Any

import httpx
from atproto import Client
from atproto_client.exceptions import LoginRequiredError, RequestErrorBase
from atproto_client.request import Request
from atproto_server.auth.jwt import get_jwt_payload
from atproto_server.exceptions import TokenDecodeError
from django.utils.translation import gettext

from rathaus.connectors.base import Connection
from rathaus.connectors.errors import status_error
from rathaus.delivery.channels import DeliveryError, NeedsReauthorisation, TemporaryError
from rathaus.lib import netguard

APP = "https://bsky.app"
PAGE = 50
# Errors after which only connecting again helps (the access token got one refresh first).
REAUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown"}


def client(api_base: str) -> Client:
    # Connects only to public addresses (or allowed hosts), redirects included: the
    # server is an address an office admin typed, and the library follows redirects.
    transport = netguard.HTTPTransport(verify=_tls())
    return Client(base_url=api_base, request=Request(timeout=30.0, transport=transport))


@cache
def _tls() -> ssl.SSLContext:
    # Made once: building the certificate store costs more than the request it serves.
    return httpx.create_ssl_context()


def end_session(client: Client, refresh_jwt: str) -> None:
    with suppress(RequestErrorBase, httpx.HTTPError):
        bearer = {"Authorization": f"Bearer {refresh_jwt}"}
        client.com.atproto.server.delete_session(headers=bearer)


def connection(session: Any) -> Connection:
    """A session (createSession, refreshSession, or the library's Session) as tokens."""
    access = getattr(session, "access_jwt", "")
    refresh = getattr(session, "refresh_jwt", "")
    return Connection(
        remote_id=session.did,
        name=session.handle,
        access_token=access,
        refresh_token=refresh,
        expires_at=_expiry(refresh) or _expiry(access),
        details={"handle": session.handle},
    )


def _expiry(jwt: str) -> datetime | None:
    """The ``exp`` claim, read without checking the signature (only the PDS can)."""
    with suppress(TokenDecodeError):
        exp = get_jwt_payload(jwt).exp
        return datetime.fromtimestamp(exp, UTC) if exp else None
    return None


def error_name(error: RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    return getattr(content, "error", "") or ""


def sorted_error(error: Exception) -> DeliveryError | None:
    if isinstance(error, TokenDecodeError | LoginRequiredError):
        return NeedsReauthorisation(gettext("Bluesky: the stored session is unusable."))
    if not isinstance(error, RequestErrorBase):
        return None  # httpx's own errors: the shared rules know them
    response = error.response
    if response is None:
        return TemporaryError(f"Bluesky: network: {error.__cause__ or type(error).__name__}")
    content = response.content
    name = getattr(content, "error", "") or ""
    words = getattr(content, "message", "") or ""
    message = f"Bluesky: {': '.join(w for w in (name, words) if w) or response.status_code}"
    if name in REAUTH_ERRORS or response.status_code == 401:
        return NeedsReauthorisation(message)
    return status_error(response.status_code, response.headers, message)
