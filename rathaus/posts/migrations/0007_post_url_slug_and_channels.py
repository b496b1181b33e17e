# The address words are stored from now on (cut where a word ends); posts that exist keep
# the words their address had (the first 60 characters of the slugified title), so links
# that went out stay canonical. A post's own channels start as "the category's defaults".

from django.db import migrations, models
from django.utils.text import slugify


def keep_existing_addresses(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    batch = []
    for post in Post.objects.only("pk", "title").iterator(chunk_size=500):
        post.url_slug = slugify(post.title)[:60] or "meldung"
        batch.append(post)
        if len(batch) == 500:
            Post.objects.bulk_update(batch, ["url_slug"])
            batch = []
    Post.objects.bulk_update(batch, ["url_slug"])


class Migration(migrations.Migration):

    dependencies = [
        ("posts", "0006_fixed_slots"),
    ]

    operations = [
        # ADD COLUMN by hand: Django's SQLite backend would rebuild posts_post for a column
        # that is NOT NULL, and a rebuilt table loses the newsroom's search triggers.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE posts_post ADD COLUMN url_slug varchar(60) DEFAULT '' NOT NULL",
                    "ALTER TABLE posts_post DROP COLUMN url_slug",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name="url_slug",
                    field=models.CharField(blank=True, editable=False, max_length=60),
                ),
            ],
        ),
        migrations.AddField(
            model_name="post",
            name="channels",
            field=models.JSONField(blank=True, default=None, null=True, verbose_name="channels"),
        ),
        migrations.RunPython(keep_existing_addresses, migrations.RunPython.noop),
    ]
