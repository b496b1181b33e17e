"""Posts keep what the search index holds of their title and body (Post.search_title and
search_body, lib.german_words.tokens), and the posts written before get theirs here.

The columns are added with plain ALTER TABLE instead of Django's AddField: on SQLite,
AddField of a NOT NULL column rebuilds the table, which drops the triggers other apps keep
on it (the newsroom's search index, newsroom 0001 and 0002).

The fill calls the normaliser itself, unlike other migrations, which copy what they need:
the index must hold exactly what Post.save writes, and a later change of the normaliser
needs a migration that fills the columns again anyway.
"""

from django.db import migrations, models

from rathaus.lib import german_words

COLUMNS = ["search_title", "search_body"]
ADD = [f"ALTER TABLE posts_post ADD COLUMN {column} text DEFAULT '' NOT NULL" for column in COLUMNS]
DROP = [f"ALTER TABLE posts_post DROP COLUMN {column}" for column in COLUMNS]
BATCH = 500


def fill(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    posts = Post.objects.only("pk", "title", "body").order_by("pk")
    batch = []
    for post in posts.iterator(chunk_size=BATCH):
        post.search_title = german_words.tokens(post.title)
        post.search_body = german_words.tokens(post.body)
        batch.append(post)
        if len(batch) == BATCH:
            Post.objects.bulk_update(batch, COLUMNS)
            batch = []
    Post.objects.bulk_update(batch, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0004_scheduled_posts_on_the_job_engine"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(add, drop) for add, drop in zip(ADD, DROP, strict=True)
            ],
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name=column,
                    field=models.TextField(default="", editable=False),
                )
                for column in COLUMNS
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
