"""Kinds made for the engine's own tests, on the engine's ``Job`` rows."""

from __future__ import annotations

import pytest

from rathaus.jobs import engine, registry
from rathaus.jobs.policy import Policy


class Script:
    """A handler whose answer per call the test sets: ``answer(row) -> Outcome``."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.answer = lambda row: engine.done(row, result=row.payload.get("n"))

    def __call__(self, rows):
        self.calls.append([row.pk for row in rows])
        return [self.answer(row) for row in rows]


@pytest.fixture
def make_kind(db):
    """A factory: a registered test kind (unregistered after the test) and its script."""
    made = []

    def make(name: str = "test.work", **policy) -> tuple[engine.Kind, Script]:
        script = Script()
        kind = registry.register(engine.Kind(name, policy=Policy(**policy), handle=script))
        made.append(name)
        return kind, script

    yield make
    for name in made:
        registry.unregister(name)


@pytest.fixture
def kind(make_kind):
    return make_kind()[0]


@pytest.fixture
def script(kind):
    return kind.handle
