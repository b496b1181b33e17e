"""Why connecting an account failed, in words a press officer understands.

The office admin who connects an account reads the outcome on the channels page. A client
library's own words ("httpx.ConnectError: [Errno -2] Name or service not known") say
nothing to them; what they can act on is whether the address is wrong, the server is
down, or the platform did not take what they typed. The library's words go to the log for
whoever runs the installation; the platform's own explanation of a refusal ("The access
token is invalid") is kept, as it names what to fix.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

from django.utils.translation import gettext as _

from rathaus.delivery.channels import NeedsReauthorisation, PermanentError, TemporaryError
from rathaus.lib import netguard

# What of a platform's answer is shown at most: its explanation, not a page it sent.
MAX_WORDS = 160


def connect_failure(error: BaseException, *, label: str, host: str) -> str:
    """The reason connecting to ``label`` (on the server ``host``) failed with ``error``."""
    if netguard.refusal(error):
        return not_public(host)
    causes = list(_chain(error))
    if any(_is_tls(cause) for cause in causes):
        return _(
            "Rathaus could not set up a secure connection to %(host)s: the server's "
            "certificate was not accepted. Check the address; if it is right, the server's "
            "operator must renew the certificate."
        ) % {"host": host}
    if any(_is_timeout(cause) for cause in causes):
        return _(
            "%(host)s did not answer in time. Try again later; if it keeps happening, check "
            "the address."
        ) % {"host": host}
    if any(_is_unreachable(cause) for cause in causes):
        return _("Rathaus could not reach %(host)s. Is the address right?") % {"host": host}
    words = _platform_words(error, label)
    if isinstance(error, NeedsReauthorisation):
        return _(
            "%(platform)s did not accept the access data. Check them and try again. "
            "%(platform)s says: %(words)s"
        ) % {"platform": label, "words": words}
    if isinstance(error, PermanentError):
        return _("%(platform)s refused the connection: %(words)s") % {
            "platform": label,
            "words": words,
        }
    if isinstance(error, TemporaryError):
        return _(
            "Connecting to %(platform)s did not work this time. Try again later. "
            "%(platform)s says: %(words)s"
        ) % {"platform": label, "words": words}
    return _("Connecting to %(platform)s failed unexpectedly. Try again later.") % {
        "platform": label
    }


def not_public(host: str) -> str:
    """The refusal of an address in the operator's own network (the same words for every
    such address, so that the admin learns nothing about what listens there)."""
    return _(
        "%(host)s is not a public address: Rathaus connects only to servers on the internet."
    ) % {"host": host}


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """``error`` and what it was raised from: client libraries wrap their transport's
    errors into their own (Mastodon.py's network error, atproto's, the connectors')."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _is_tls(error: BaseException) -> bool:
    return isinstance(error, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(error)


def _is_timeout(error: BaseException) -> bool:
    import httpx
    import requests

    return isinstance(error, TimeoutError | httpx.TimeoutException | requests.Timeout)


def _is_unreachable(error: BaseException) -> bool:
    """No answer at all: the name is unknown, nobody listens, or the network is down."""
    import httpx
    import requests

    kinds = (socket.gaierror, ConnectionError, httpx.TransportError, requests.ConnectionError)
    return isinstance(error, kinds)


def _platform_words(error: BaseException, label: str) -> str:
    """What the platform said, without the prefixes the connectors put before it."""
    words = " ".join(str(error).split())
    for prefix in (f"{label}: ", "network: "):
        if words.startswith(prefix):
            words = words[len(prefix) :]
    if len(words) > MAX_WORDS:  # a server that answers with a whole web page
        words = words[:MAX_WORDS].rsplit(" ", 1)[0] + " …"
    return words or type(error).__name__
