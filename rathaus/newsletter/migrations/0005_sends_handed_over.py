"""A Send row records when its mail was handed to the mail server, so that rows a dead
worker had claimed but not reached go out after all (the sweep requeues them), while the
one it had handed over fails. Rows claimed before the upgrade (0004: lease token
"before-upgrade") count as handed over: nobody knows how far their worker got."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F

LEASE = timedelta(minutes=15)


def forwards(apps, schema_editor):
    Send = apps.get_model("newsletter", "Send")
    Send.objects.filter(status="running", lease_token="before-upgrade").update(
        handed_over_at=F("lease_until") - LEASE
    )


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0004_sends_on_the_job_engine"),
    ]

    operations = [
        migrations.AddField(
            model_name="send",
            name="handed_over_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
