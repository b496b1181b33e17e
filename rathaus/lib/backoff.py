"""Exponential backoff with jitter, so that many failed deliveries don't retry in lockstep."""

from __future__ import annotations

import random


def delay(
    attempt: int,
    *,
    base: float = 30.0,
    factor: float = 2.0,
    cap: float = 6 * 3600,
    jitter: float = 0.1,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1).

    A server's ``Retry-After`` is a floor: we never come back earlier than it asked.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    seconds = min(cap, base * factor ** (attempt - 1))
    seconds *= 1 + random.uniform(-jitter, jitter)
    if retry_after is not None:
        seconds = max(seconds, retry_after)
    return seconds
