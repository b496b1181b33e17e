"""Periodic work that must happen once per period, whichever worker host's clock starts it.

Every worker host may run Huey's scheduler (``run_huey`` without ``--no-periodic``): if the
only host with a clock died, nothing would sweep the leases of a dead worker's rows or
wake work whose wake-up was lost, until it came back. With several clocks each periodic
task runs once per host; ``turn`` lets the first of them do the work of a period and the
others skip it. The turns are kept in the shared cache (Redis on several machines, the
database on one), whose ``add`` only one caller wins.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches

log = logging.getLogger(__name__)


def turn(name: str, period_seconds: int) -> bool:
    """True for the first caller of this period (UTC-aligned), False for the others. If
    the shared cache cannot be reached, True: better twice than never."""
    slot = int(time.time() // period_seconds)
    try:
        return caches["shared"].add(f"clock:{name}:{slot}", True, timeout=2 * period_seconds)
    except Exception:
        log.warning("clock: no turn for %s (shared cache unreachable); running it", name)
        return True
