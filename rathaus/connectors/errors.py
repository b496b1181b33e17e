"""The delivery error a platform call's exception means: temporary (5xx, timeouts, 429 —
never retried before Retry-After or the rate-limit reset), needs re-authorisation (401,
expired or revoked tokens) or permanent (the platform's own message). ``Connector.calling``
sorts every exception a platform call raises with :func:`sort`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from rathaus.delivery.channels import (
    DeliveryError,
    NeedsReauthorisation,
    PermanentError,
    TemporaryError,
)
from rathaus.lib.retry_after import parse_retry_after


def sort(error: Exception, classify: Callable[[Exception], DeliveryError | None]) -> Exception:
    """``error`` as a delivery error: as it is if it is one, else refused by the SSRF
    guard, else as the platform's ``classify`` knows it, else by the shared rules."""
    if isinstance(error, DeliveryError):
        return error
    return _refused(error) or classify(error) or _shared_rules(error)


def _refused(error: Exception) -> DeliveryError | None:
    """A connection the SSRF guard refused (lib.netguard), however the library wrapped
    it: permanent, as trying again reaches the same address."""
    from rathaus.lib import netguard

    return PermanentError("not a public address") if netguard.refusal(error) else None


def _shared_rules(error: Exception) -> DeliveryError:
    """What holds on every platform when the library raised something plain."""
    import httpx
    import requests

    if isinstance(error, httpx.HTTPStatusError):
        return status_error(error.response.status_code, error.response.headers, str(error))
    if isinstance(error, httpx.TransportError | requests.ConnectionError | requests.Timeout):
        return TemporaryError(f"network: {error}")
    if isinstance(error, ConnectionError | TimeoutError | OSError):
        return TemporaryError(f"network: {error}")
    return TemporaryError(f"{type(error).__name__}: {error}")


def status_error(status: int, headers: Any, message: str) -> DeliveryError:
    """An HTTP status as a delivery error, honouring Retry-After and rate-limit resets."""
    if status == 429:
        return TemporaryError(message, retry_after=retry_after(headers))
    if status >= 500:
        # Rate-limit resets come with every answer on some platforms; only a 5xx's own
        # Retry-After says how long this failure lasts.
        own = headers and (headers.get("Retry-After") or headers.get("retry-after"))
        seconds = retry_after({"Retry-After": own}) if own else None
        return TemporaryError(message, retry_after=seconds)
    if status == 401:
        return NeedsReauthorisation(message)
    return PermanentError(message)


def retry_after(headers: Any) -> float | None:
    """Seconds to wait, from Retry-After (seconds or a date) or an x-rate-limit-reset /
    ratelimit-reset epoch; None when the server said nothing."""
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            return parse_retry_after(value)  # an HTTP date
    for name in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        reset = headers.get(name) or headers.get(name.title())
        if reset and reset.isdigit():
            now = timezone.now().timestamp()
            # An epoch (X, Bluesky) or seconds from now (Mastodon's is an ISO date).
            return max(0.0, int(reset) - now) if int(reset) > 10**9 else float(reset)
    return None
