"""Which migrations can run while the previous version keeps serving (README, "Upgrades").

The old code keeps reading and writing while ``migrate`` runs and until every host has the
new code. It breaks on what it expects and no longer finds (a removed or renamed column or
table) and on a new column it does not fill (NOT NULL without a default in the database:
Django's ``default`` is applied by Python only, so the old code's INSERT fails). Everything
else (new tables, new nullable columns or columns with ``db_default``, new indexes) is
invisible to it.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations import operations
from django.db.models import NOT_PROVIDED

REMOVING = (
    operations.RemoveField,
    operations.DeleteModel,
    operations.RenameField,
    operations.RenameModel,
)


def reasons(migration: Any) -> list[str]:
    """Why ``migration`` cannot run under the old version; empty if it can. A migration
    whose author knows better says ``online = True``: a data change the old code does not
    mind, or the removal of a column the previous release no longer used (the contract
    step of expand-then-contract, README "Upgrades")."""
    if getattr(migration, "online", False):
        return []
    found = []
    for operation in migration.operations:
        if isinstance(operation, REMOVING):
            found.append(f"{type(operation).__name__} {operation.describe()}")
        elif isinstance(operation, operations.AddField) and _unfilled(operation.field):
            found.append(f"new column {operation.model_name}.{operation.name} is NOT NULL")
        elif isinstance(operation, operations.RunPython | operations.RunSQL):
            # Data changes may be fine or not; the migration says so (``online = True``).
            found.append(f"{type(operation).__name__} not marked online")
    return found


def _unfilled(field: Any) -> bool:
    if field.null or field.many_to_many:
        return False
    return field.db_default is NOT_PROVIDED
