"""The bounce push token and the subscribers' tokens were stored in plain (issue 10). From
now on the bounce token is kept only as its SHA-256; a subscriber's token is sealed (later
mails must carry it) and found by its SHA-256. Tokens given out before keep working."""

from django.db import migrations, models

import rathaus.newsletter.models
import rathaus.offices.sealed
from rathaus.lib import sealing


def hash_tokens(apps, schema_editor):
    NewsletterSettings = apps.get_model("newsletter", "NewsletterSettings")
    for pk, value in NewsletterSettings.objects.values_list("pk", "bounce_token_hash"):
        if not sealing.is_digest(value):
            NewsletterSettings.objects.filter(pk=pk).update(bounce_token_hash=sealing.digest(value))
    Subscriber = apps.get_model("newsletter", "Subscriber")
    for pk, value in Subscriber.objects.values_list("pk", "token_hash"):
        if not sealing.is_digest(value):
            # The update seals the token on its way into the sealed field.
            Subscriber.objects.filter(pk=pk).update(
                sealed_token=value, token_hash=sealing.digest(value)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="newslettersettings", old_name="bounce_token", new_name="bounce_token_hash"
        ),
        migrations.RenameField(model_name="subscriber", old_name="token", new_name="token_hash"),
        migrations.AddField(
            model_name="subscriber",
            name="sealed_token",
            field=rathaus.offices.sealed.SealedTextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="newslettersettings",
            name="bounce_token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="subscriber",
            name="token_hash",
            field=rathaus.newsletter.models.TokenHashField(
                editable=False, max_length=64, unique=True
            ),
        ),
    ]
