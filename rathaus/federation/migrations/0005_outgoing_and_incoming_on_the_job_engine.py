"""Outgoing deliveries and stored inbox requests become rows of the job engine, with the
columns every kind has. Nothing in flight is lost:

- Outgoing: "sending" is called "running"; the claim token stays the lease token, and the
  claim time becomes a lease (claim + the 10 minutes after which a row counted as left by
  a dead worker), so the engine's sweep takes back what a worker held before the upgrade
  exactly when ``requeue_stale`` would have.
- IncomingRequest had no status: a row whose lease still runs is "running" (its worker
  may finish it), every other row is "queued" with its next attempt time as it was.
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

OUTGOING_LEASE = timedelta(minutes=10)


def forwards(apps, schema_editor):
    Outgoing = apps.get_model("federation", "Outgoing")
    now = timezone.now()
    Outgoing.objects.filter(status="sending").update(
        status="running",
        # A claim time was always written with the claim; should one be missing, the row is
        # taken back by the next sweep.
        lease_until=Coalesce(F("claimed_at") + OUTGOING_LEASE, now),
    )
    IncomingRequest = apps.get_model("federation", "IncomingRequest")
    IncomingRequest.objects.filter(lease_until__gt=now).update(status="running")
    IncomingRequest.objects.exclude(lease_until__gt=now).update(lease_until=None, lease_token="")


def backwards(apps, schema_editor):
    Outgoing = apps.get_model("federation", "Outgoing")
    Outgoing.objects.filter(status="running").update(
        status="sending", claimed_at=F("lease_until") - OUTGOING_LEASE
    )


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0004_incoming_requests_and_key_fetches"),
    ]

    operations = [
        # --- Outgoing ---
        migrations.RemoveIndex(model_name="outgoing", name="federation__claim_76729c_idx"),
        migrations.RenameField(model_name="outgoing", old_name="claim", new_name="lease_token"),
        migrations.AlterField(
            model_name="outgoing",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="outgoing",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="outgoing",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Sending"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=20,
            ),
        ),
        # --- IncomingRequest ---
        migrations.RenameField(
            model_name="incomingrequest", old_name="claim", new_name="lease_token"
        ),
        migrations.AlterField(
            model_name="incomingrequest",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RenameField(
            model_name="incomingrequest", old_name="leased_until", new_name="lease_until"
        ),
        migrations.AlterField(
            model_name="incomingrequest",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="incomingrequest",
            name="next_attempt_at",
            field=models.DateTimeField(default=timezone.now),
        ),
        migrations.AddField(
            model_name="incomingrequest",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("failed", "Failed")],
                default="queued",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="incomingrequest",
            name="last_error",
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name="incomingrequest",
            index=models.Index(
                fields=["status", "next_attempt_at"], name="federation__status_200841_idx"
            ),
        ),
        # --- the rows in flight ---
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="outgoing", name="claimed_at"),
    ]
