"""Fetching accounts and checking pending connections become work of the job engine:

- every account gets its ``AccountFetch`` row (due now if it is connected, stopped if not);
- a pending connection gets the engine's columns: ``error`` is ``last_error``, and a row a
  worker had taken (``started``, still "queued") is running with a lease of 5 minutes
  from then, so the sweep fails it as a worker that died."""

from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

LEASE = timedelta(minutes=5)


def forwards(apps, schema_editor):
    ConnectedAccount = apps.get_model("connectors", "ConnectedAccount")
    AccountFetch = apps.get_model("connectors", "AccountFetch")
    PendingConnection = apps.get_model("connectors", "PendingConnection")
    AccountFetch.objects.bulk_create(
        AccountFetch(account_id=pk, status="queued" if status == "active" else "stopped")
        for pk, status in ConnectedAccount.objects.values_list("pk", "status")
    )
    PendingConnection.objects.filter(status="queued").exclude(started=None).update(
        status="running", lease_until=F("started") + LEASE, lease_token="before-upgrade"
    )


def backwards(apps, schema_editor):
    PendingConnection = apps.get_model("connectors", "PendingConnection")
    PendingConnection.objects.filter(status="running").update(
        status="queued", started=F("lease_until") - LEASE
    )


class Migration(migrations.Migration):

    dependencies = [
        ("connectors", "0002_pending_connections"),
        ("offices", "0006_public_base_url_needed_by_platforms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountFetch",
            fields=[
                ("attempts", models.PositiveIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("lease_token", models.CharField(blank=True, default="", max_length=32)),
                ("last_error", models.TextField(blank=True)),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="fetch",
                        serialize=False,
                        to="connectors.connectedaccount",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting for the next fetch"),
                            ("running", "Fetching"),
                            ("failed", "Failed"),
                            ("stopped", "Stopped"),
                        ],
                        default="queued",
                        max_length=20,
                    ),
                ),
                (
                    "failed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="fetch failed"),
                ),
            ],
            options={
                "verbose_name": "fetch of an account",
                "verbose_name_plural": "fetches of accounts",
                "indexes": [
                    models.Index(
                        fields=["status", "next_attempt_at"], name="connectors__status_7446ee_idx"
                    )
                ],
            },
        ),
        migrations.RenameField(
            model_name="pendingconnection", old_name="error", new_name="last_error"
        ),
        migrations.AddField(
            model_name="pendingconnection",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="pendingconnection",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="pendingconnection",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pendingconnection",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="pendingconnection",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Being checked"),
                    ("running", "Being checked"),
                    ("failed", "Failed"),
                    ("done", "Connected"),
                ],
                default="queued",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="pendingconnection", name="started"),
        migrations.AddIndex(
            model_name="pendingconnection",
            index=models.Index(
                fields=["status", "next_attempt_at"], name="connectors__status_1abebc_idx"
            ),
        ),
    ]
