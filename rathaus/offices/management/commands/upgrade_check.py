"""Before ``migrate``: which pending migrations may run while the old version serves."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rathaus.lib import migration_safety


class Command(BaseCommand):
    help = "List pending migrations and whether they need the old version stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="exit with an error if any needs downtime"
        )

    def handle(self, *args, strict: bool, **options) -> None:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            self.stdout.write("No pending migrations.")
            return
        downtime = 0
        for migration, _backwards in plan:
            found = migration_safety.reasons(migration)
            downtime += bool(found)
            verdict = "needs downtime: " + "; ".join(found) if found else "online"
            self.stdout.write(f"{migration.app_label}.{migration.name}: {verdict}")
        if downtime:
            self.stdout.write(
                f"{downtime} migration(s) need the old version stopped before migrate "
                "(README, Upgrades)."
            )
            if strict:
                raise CommandError("pending migrations need downtime")
        else:
            self.stdout.write("All pending migrations can run while the old version serves.")
