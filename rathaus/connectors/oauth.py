"""Connecting an account by OAuth 2 (authorisation code, with PKCE where the platform wants
it): the admin is sent to the platform, agrees there, and comes back with a code that is
exchanged for tokens. One callback address serves every platform and office, so each
platform app is registered with one redirect URI; the state in the session says whose
flow it is, and is used once."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings

from rathaus.connectors import family
from rathaus.connectors.base import Connection, OAuth
from rathaus.delivery.channels import DeliveryError

SESSION_KEY = "rathaus_oauth"
TIMEOUT = 15.0


class OAuthError(Exception):
    """The flow cannot go on; the message says why in words for the admin."""


def offers_oauth(platform: str) -> bool:
    connector = family.connectors().get(platform)
    client_id, _secret = settings.CONNECTOR_OAUTH_APPS.get(platform, ("", ""))
    return bool(connector and connector.oauth and client_id)


def _moved(url: str, platform: str) -> str:
    """``url`` on the configured API host of ``platform`` (tests, proxies), path kept."""
    base = settings.CONNECTOR_API_BASES.get(platform)
    if not base:
        return url
    target, original = urlsplit(base), urlsplit(url)
    return urlunsplit(
        (target.scheme, target.netloc, original.path, original.query, original.fragment)
    )


def _app(platform: str) -> tuple[OAuth, str, str]:
    connector = family.connectors()[platform]
    client_id, client_secret = settings.CONNECTOR_OAUTH_APPS.get(platform, ("", ""))
    if connector.oauth is None or not client_id:
        raise OAuthError(f"{connector.label}: no OAuth app is configured")
    return connector.oauth, client_id, client_secret


def authorize_origin(platform: str) -> str:
    """Where ``start`` sends the admin (scheme, host, port): the connect page's CSP must
    allow its sign-in form to be redirected there (form-action)."""
    oauth, _client_id, _secret = _app(platform)
    parts = urlsplit(_moved(oauth.authorize_url, platform))
    return f"{parts.scheme}://{parts.netloc}"


def start(session: Any, *, office_id: int, platform: str, redirect_uri: str) -> str:
    """Remember the flow in the session; the platform's address to send the admin to."""
    oauth, client_id, _secret = _app(platform)
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48) if oauth.pkce else ""
    session[SESSION_KEY] = {
        "state": state,
        "office": office_id,
        "platform": platform,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(oauth.scopes),
        "state": state,
    }
    if verifier:
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        query |= {
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    return f"{_moved(oauth.authorize_url, platform)}?{urlencode(query)}"


def pending(session: Any, state: str) -> dict[str, Any]:
    """The flow ``state`` belongs to, taken out of the session (a state works once)."""
    flow = session.pop(SESSION_KEY, None)
    if not flow or not state or not secrets.compare_digest(flow["state"], state):
        raise OAuthError("This sign-in link is unknown or was used already. Start again.")
    return flow


def finish(flow: dict[str, Any], code: str) -> Connection:
    """Exchange ``code`` for tokens and let the platform describe the account."""
    platform = flow["platform"]
    oauth, client_id, client_secret = _app(platform)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow["redirect_uri"],
    }
    if flow["verifier"]:
        form["code_verifier"] = flow["verifier"]
    auth = None
    if oauth.client_auth == "basic":
        auth = (client_id, client_secret)
        form["client_id"] = client_id  # X wants it in the body as well
    else:
        form |= {"client_id": client_id, "client_secret": client_secret}
    try:
        response = httpx.post(
            _moved(oauth.token_url, platform), data=form, auth=auth, timeout=TIMEOUT
        )
    except httpx.HTTPError as error:
        raise OAuthError(f"The platform could not be reached: {error}") from error
    if response.status_code != 200:
        raise OAuthError(f"The platform refused the sign-in: {_said(response)}")
    connector = family.connectors()[platform]
    try:
        return connector.from_oauth(settings.CONNECTOR_API_BASES.get(platform, ""), response.json())
    except DeliveryError as error:
        raise OAuthError(str(error)) from error


def _said(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        if isinstance(body.get("error"), dict):  # the Graph API nests its error
            body = body["error"]
        for key in ("error_description", "message", "error"):
            if isinstance(body.get(key), str):
                return body[key]
    return f"HTTP {response.status_code}"
