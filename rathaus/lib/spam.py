"""Spam defence for the public forms, without third parties and without tracking.

- **Form nonce.** Every form page carries a fresh random id, signed by us. It becomes the
  message's remote id, so the same form sent twice (a double click, a reload of the answer)
  is stored once, and a bot must fetch a page before each message.
- **Honeypot.** A field people do not see (hidden by CSS, ``aria-hidden``, out of the tab
  order, and labelled "leave empty" for the rare person who sees it anyway). A filled-in
  honeypot is answered ``400`` with the form and the text kept, and a clear message: a
  person whose browser filled it by mistake loses nothing, and nothing is stored.
- **Rate limit.** Per client address, kept only as an HMAC of the address with the secret
  key and the day, for a few minutes, in the cache every web worker shares (granian runs
  two; the default cache is per process in the embedded set-up). The address itself is
  never stored.
- **Proof of work** (optional, ``CONTACT_PROOF_OF_WORK_BITS`` > 0): the browser finds a
  number whose SHA-256 together with the form nonce starts with that many zero bits
  (``static/contact/pow.js``). Off by default, because it needs JavaScript.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

NONCE_SALT = "rathaus.contact.form"
# Long enough for someone who leaves the form open over lunch, short enough that a stock
# of nonces a bot collects goes stale.
NONCE_MAX_AGE = 24 * 3600
HONEYPOT = "website"


# Submissions one client address may send, and in how many seconds.
RATE_LIMIT = (5, 600)
# The cache all processes see alike: a database table in the embedded default, else Redis.
SHARED_CACHE = "shared"


def rate_limit() -> tuple[int, int]:
    return RATE_LIMIT


def proof_of_work_bits() -> int:
    return settings.CONTACT_PROOF_OF_WORK_BITS


class FormExpired(Exception):
    """The form's nonce is missing, forged or too old."""


def new_nonce() -> str:
    return signing.TimestampSigner(salt=NONCE_SALT).sign(uuid.uuid4().hex)


def nonce_id(nonce: str) -> str:
    """The random id inside a nonce this server issued; raises FormExpired otherwise."""
    try:
        value = signing.TimestampSigner(salt=NONCE_SALT).unsign(nonce, max_age=NONCE_MAX_AGE)
    except signing.BadSignature as error:
        raise FormExpired from error
    try:
        return uuid.UUID(hex=value).hex
    except ValueError as error:
        raise FormExpired from error


def work_is_done(nonce: str, answer: str, bits: int) -> bool:
    """SHA-256 of ``nonce:answer`` starts with ``bits`` zero bits."""
    if bits <= 0:
        return True
    if not answer or len(answer) > 20 or not answer.isdigit():
        return False
    digest = hashlib.sha256(f"{nonce}:{answer}".encode()).digest()
    return int.from_bytes(digest, "big") >> (256 - bits) == 0


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a reverse proxy, the header the proxy sets
    (``CONTACT_CLIENT_ADDRESS_HEADER``, e.g. ``HTTP_X_REAL_IP``), else every citizen would
    share the proxy's limit. Only the last entry counts: the one our proxy appended."""
    header = settings.CONTACT_CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_key_for(address: str, slot: int = 1) -> str:
    """The cache key of one of the address's submissions today (``slot`` 1 to the limit):
    a keyed hash, so the address cannot be read back from the cache, and a new day gives
    new keys."""
    day = timezone.now().date().isoformat()
    message = f"{day}|{address}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"contact:rate:{slot}:{digest}"


def _slots(request: HttpRequest) -> list[str]:
    limit, _window = rate_limit()
    address = client_address(request)
    return [rate_key_for(address, slot) for slot in range(1, limit + 1)]


def over_limit(request: HttpRequest) -> bool:
    limit, _window = rate_limit()
    return len(caches[SHARED_CACHE].get_many(_slots(request))) >= limit


def count(request: HttpRequest) -> None:
    """One more submission from this client: it takes the first free slot, for the window
    from now. Taking a slot is an ``add``, which both shared caches do at once (a database
    insert, Redis' SET NX): two web workers counting at the same moment take two slots,
    where a read-and-write counter could lose one."""
    _limit, window = rate_limit()
    shared = caches[SHARED_CACHE]
    for key in _slots(request):
        if shared.add(key, 1, window):
            return
