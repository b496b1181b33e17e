"""LinkedIn's versioned REST API as the connector calls it (``linkedin``): the client, its
errors, the page's text format, and connecting an organisation page.

The client is plain ``httpx``: LinkedIn's own Python client (``linkedin-api-client``) is
marked beta and has not been maintained for a long time, while the few calls needed here
are small and documented. Every call carries ``LinkedIn-Version`` (LinkedIn refuses calls
without it) and ``X-Restli-Protocol-Version: 2.0.0``, so URNs in paths and query strings
are percent-encoded as Rest.li 2.0 wants. A private module (no ``CONNECTOR``), so it is
not a platform of its own.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.connectors.base import Connection
from rathaus.connectors.errors import status_error
from rathaus.delivery.channels import (
    DeliveryError,
    Limits,
    NeedsReauthorisation,
    PermanentError,
    TemporaryError,
)
from rathaus.lib.graphemes import code_points

DEFAULT_API_BASE = "https://api.linkedin.com"
# LinkedIn supports each monthly version for at least a year; move on before it is sunset.
API_VERSION = "202609"
TIMEOUT = 30.0
TOKEN_LIFETIME = timedelta(days=60)
REAUTH_CODES = {"EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"}
# Characters of LinkedIn's "little" text format that are plain text only when escaped.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
ORGANIZATION = re.compile(r"^(?:urn:li:organization:|.*linkedin\.com/company/)?(\d+)/?$")


def escape(text: str) -> str:
    """Plain text as a post's ``commentary``: unescaped, ``(`` or ``#`` would be read as
    mentions and hashtags, and LinkedIn cuts the text short where they don't parse."""
    return _RESERVED.sub(r"\\\1", text)


def unescape(commentary: str) -> str:
    return _ESCAPED.sub(r"\1", commentary)


def enc(urn: str) -> str:
    return quote(urn, safe="")


def post_url(urn: str, comment: str = "") -> str:
    link = f"https://www.linkedin.com/feed/update/{urn}/"
    return f"{link}?commentUrn={enc(comment)}" if comment else link


class EscapedLimits(Limits):
    """LinkedIn counts its 3,000 characters on the commentary as sent, escapes included:
    counting them here keeps a text with many brackets from being refused."""

    def count(self, text: str) -> int:
        return code_points(escape(text))


class Api:
    """Calls with one access token against one API base, with LinkedIn's headers."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, *, gone_ok: bool = False, **kw: Any) -> httpx.Response:
        """``gone_ok``: a 404 is fine (deleting what someone removed by hand already);
        ``restli``: the X-RestLi-Method LinkedIn wants for finders, updates, deletes."""
        headers = {"Authorization": f"Bearer {self.token}", "LinkedIn-Version": API_VERSION}
        headers |= {"X-Restli-Protocol-Version": "2.0.0"}
        restli = kw.pop("restli", "")
        if restli:
            headers["X-RestLi-Method"] = restli
        response = httpx.request(method, self.base + path, headers=headers, timeout=TIMEOUT, **kw)
        if not (gone_ok and response.status_code == 404):
            response.raise_for_status()
        return response

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, params=params).json()

    def trusts(self, url: str) -> bool:
        """Whether an upload address LinkedIn gave may see the token: only LinkedIn's own
        hosts (or the configured API host), never a third party's."""
        host = urlsplit(url).hostname or ""
        return host == urlsplit(self.base).hostname or host.endswith(".linkedin.com")


def classify_response(response: httpx.Response) -> DeliveryError:
    """A LinkedIn error answer ({"status", "serviceErrorCode", "code", "message"}, or an
    OAuth error) as a delivery error carrying LinkedIn's own words."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    message = body.get("message") or body.get("error_description") or response.reason_phrase
    # A 422 names its reason inside errorDetails (e.g. DUPLICATE_POST).
    inputs = (body.get("errorDetails") or {}).get("inputErrors") or [{}]
    code = body.get("code") or body.get("error") or inputs[0].get("code", "")
    text = f"LinkedIn: {message}" + (f" ({code})" if code else "")
    if code in REAUTH_CODES:  # a 401 without one of them is sorted by status_error
        return NeedsReauthorisation(text)
    return status_error(response.status_code, response.headers, text)


def organization_urn(value: str) -> str:
    match = ORGANIZATION.match(value.strip())
    if not match:
        raise PermanentError(
            _("Name the organisation as urn:li:organization:<number> or by its number.")
        )
    return f"urn:li:organization:{match.group(1)}"


def lookup(api: Api, wanted: str) -> tuple[str, str, dict[str, Any]]:
    """The organisation page the token's member administers: ``wanted``, else the first."""
    query = {"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"}
    acls = api.get("/rest/organizationAcls", **query).get("elements", [])
    pages = [a.get("organization") or a.get("organizationalTarget") for a in acls]
    urn = organization_urn(wanted) if wanted else next(filter(None, pages), "")
    if not urn:
        raise PermanentError(_("LinkedIn: this account administers no organisation page."))
    if urn not in pages:
        raise PermanentError(
            _("LinkedIn: this account is no administrator of %(page)s.") % {"page": urn}
        )
    page = api.get(f"/rest/organizations/{urn.rsplit(':', 1)[-1]}")
    return urn, page.get("localizedName") or urn, {"vanity_name": page.get("vanityName", "")}


def connect(api_base: str, token: str, wanted: str, **fields: Any) -> Connection:
    try:
        urn, name, details = lookup(Api(api_base, token), wanted)
    except httpx.HTTPStatusError as error:
        raise classify_response(error.response) from error
    except httpx.TransportError as error:
        raise TemporaryError(f"LinkedIn cannot be reached: {error}") from error
    return Connection(remote_id=urn, name=name, access_token=token, details=details, **fields)


def expiry(seconds: Any) -> datetime:
    """When a token LinkedIn says lasts ``seconds`` expires (60 days where it says none)."""
    return timezone.now() + (timedelta(seconds=int(seconds)) if seconds else TOKEN_LIFETIME)


def moved(api_base: str, url: str) -> str:
    """LinkedIn's OAuth address on the configured API host (tests, proxies), path kept."""
    if not api_base or api_base == DEFAULT_API_BASE:
        return url
    target = urlsplit(api_base)
    return urlunsplit((target.scheme, target.netloc, urlsplit(url).path, "", ""))
