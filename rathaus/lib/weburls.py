"""Links that came from outside: only http and https, checked where they enter and again
where they are rendered, so a ``javascript:`` or ``data:`` URL never becomes a link."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 2000
SCHEMES = frozenset({"http", "https"})


def is_web_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host and no control characters or spaces."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return False
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return False  # browsers strip tabs and newlines from a URL: "java\tscript:" runs
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def web_url(value: object) -> str:
    """``value`` if it is a web URL (see :func:`is_web_url`), else an empty string: for
    fields that may simply stay empty."""
    return value if is_web_url(value) else ""  # type: ignore[return-value]
