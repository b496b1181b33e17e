"""The kinds of background work, registered by the app that owns each one (in its
``background`` module), so that one tick can sweep and wake them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rathaus.jobs.policy import Policy


@dataclass(frozen=True)
class Kind:
    """One kind of work. ``handle(rows) -> outcomes`` for a plain kind (the engine claims,
    calls, settles); or ``stream(ids=None, budget=None)`` for a kind that drives its own loop
    with ``engine.claim`` and ``engine.settle`` (the Fediverse fan-out)."""

    name: str
    policy: Policy = field(default_factory=Policy)
    # A WorkRow subclass; None means the engine's own ``Job`` rows of this kind.
    model: Any = None
    handle: Callable[[list[Any]], Iterable[Any]] | None = None
    stream: Callable[..., Any] | None = None
    # Record each outcome as the handler yields it (work that must not be done twice if
    # the worker dies: a post to a platform), instead of the whole batch at its end.
    settle_each: bool = False
    # What a claim loads with the rows: related rows, and only these columns (the engine's
    # own columns are always loaded).
    select_related: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    # Called with the rows the sweep failed because their worker died on the last attempt
    # (or the policy fails on expiry), once the sweep's transaction is over: no handler sees
    # that end, so a kind that tells someone about a failure does it here too. Rows of
    # ``model`` or ``Job``s, as written (deleted already under ``delete_failed``).
    on_given_up: Callable[[list[Any]], None] | None = None

    def __post_init__(self) -> None:
        if (self.handle is None) == (self.stream is None):
            raise ValueError(f"kind {self.name}: give either handle or stream")

    @property
    def row_model(self) -> Any:
        if self.model is not None:
            return self.model
        from rathaus.jobs.models import Job

        return Job

    @property
    def on_jobs(self) -> bool:
        return self.model is None

    def rows(self) -> Any:
        """Every row of this kind (claimed or not)."""
        manager = self.row_model._default_manager
        return manager.filter(kind=self.name) if self.on_jobs else manager.all()


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    known = _kinds.get(kind.name)
    if known is not None and known is not kind:
        raise ValueError(f"a kind named {kind.name} is registered already")
    _kinds[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def get(name: str) -> Kind:
    return _kinds[name]


def kinds() -> list[Kind]:
    return list(_kinds.values())


def urgent() -> list[Kind]:
    return [kind for kind in _kinds.values() if kind.policy.urgent]
