"""Deliveries become rows of the job engine: "sending" is called "running" as in every kind,
and the claim time becomes a lease (claim + the 10 minutes after which a row counted as
left by a dead worker), so the sweep treats rows claimed before the upgrade as before."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F

LEASE = timedelta(minutes=10)


def forwards(apps, schema_editor):
    Delivery = apps.get_model("delivery", "Delivery")
    Delivery.objects.filter(status="sending").update(
        status="running", lease_until=F("claimed_at") + LEASE, lease_token="before-upgrade"
    )


def backwards(apps, schema_editor):
    Delivery = apps.get_model("delivery", "Delivery")
    Delivery.objects.filter(status="running").update(
        status="sending", claimed_at=F("lease_until") - LEASE
    )


class Migration(migrations.Migration):

    dependencies = [
        ("delivery", "0003_delivery_remote_parts_alter_delivery_status_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Sending"),
                    ("published", "Published"),
                    ("failed", "Failed"),
                    ("needs_reauth", "Needs re-authorisation"),
                    ("manual", "Waiting to be posted by hand"),
                ],
                default="queued",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="delivery", name="claimed_at"),
    ]
