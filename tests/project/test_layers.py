"""The house's layers hold: no two apps import each other in a circle, and the README's
house section lists exactly the layers that `lint-imports` enforces (pyproject.toml).

Imports are read the way the contract reads them (grimp, imports inside functions
included, imports for type hints only left out), so "cycles: 0" is measured, not claimed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _contract() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def app_graph() -> dict[str, set[str]]:
    """App → the apps its modules import (``rathaus.<app>`` or a top-level module)."""
    graph = grimp.build_graph(
        "rathaus",
        exclude_type_checking_imports=_contract()["exclude_type_checking_imports"],
        cache_dir=None,  # nothing left behind in the work tree
    )
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            theirs = imported.split(".")
            if len(theirs) >= 2 and theirs[1] != parts[1]:
                edges.setdefault(parts[1], set()).add(theirs[1])
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in sorted(edges.get(app, ())):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(set(edges) | {b for targets in edges.values() for b in targets}):
        if app not in index:
            visit(app)
    return found


def test_no_two_apps_import_each_other_in_a_circle():
    assert cycles(app_graph()) == []


def test_the_cycle_count_can_fail():
    # The count the test above relies on finds a circle when there is one.
    assert cycles({"offices": {"posts"}, "posts": {"delivery"}, "delivery": {"offices"}}) == [
        ["delivery", "offices", "posts"]
    ]
    assert cycles({"posts": {"offices"}, "offices": set()}) == []


def _readme_layers() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\d+\. ((?:`\w+`(?: \| )?)+) —", section, re.MULTILINE)
    return [" | ".join(re.findall(r"`(\w+)`", row)) for row in rows]


def test_the_readme_lists_the_layers_the_contract_enforces():
    (layers,) = [c for c in _contract()["contracts"] if c["type"] == "layers"]
    assert _readme_layers() == layers["layers"]


@pytest.mark.parametrize("app", ["lib", "jobs"])
def test_lib_and_the_engine_import_no_app(app):
    assert app_graph().get(app, set()) <= {"lib"}


def _layer_of() -> dict[str, int]:
    """App → its layer's position in the contract, 0 the highest."""
    (layers,) = [c for c in _contract()["contracts"] if c["type"] == "layers"]
    return {
        app.strip(): position
        for position, layer in enumerate(layers["layers"])
        for app in layer.split("|")
    }


def upward_relations(layer: dict[str, int] | None = None) -> list[str]:
    """Foreign keys, one-to-ones and many-to-manys from a table of the house to one of a
    higher layer: the schema holds the layers as the imports do (a delivery names its post
    generically, an audit entry its office by number)."""
    from django.apps import apps

    layer = layer or _layer_of()
    found = []
    for model in apps.get_models():
        app = model.__module__.split(".")[1] if model.__module__.startswith("rathaus.") else None
        if app not in layer:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            if not getattr(field, "concrete", False):
                continue  # a GenericRelation: the rows below point up by content type
            target = field.related_model.__module__.split(".")
            if target[0] == "rathaus" and layer.get(target[1], 99) < layer[app]:
                found.append(
                    f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
                )
    return sorted(found)


def test_no_table_points_at_a_higher_layer():
    assert upward_relations() == []


def test_the_schema_check_can_fail():
    # With posts moved below the offices, a post's office is a pointer upwards.
    layer = _layer_of() | {"posts": 99}
    assert "posts.Post.office → offices.Office" in upward_relations(layer)
