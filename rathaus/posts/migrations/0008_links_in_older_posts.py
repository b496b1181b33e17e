"""Posts saved before plain web addresses became links (lib.richtext, rule plain_links) keep
the HTML they were saved with, so their addresses show as plain text on the newsroom, in the
feeds and the newsletter. Their HTML is rendered again here from the text the editors wrote.

Only the stored rendering changes, never what was written or approved (the approval's hash
covers the text, not its HTML). The renderer is called itself, unlike other migrations,
which copy what they need: the HTML must be exactly what Post.save writes. Offices whose
posts changed get a new content version, so cached newsroom pages are rendered afresh.
"""

from django.db import migrations
from django.db.models import F

from rathaus.lib import richtext

BATCH = 500


def render_again(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    Office = apps.get_model("offices", "Office")
    offices = set()
    batch = []
    posts = Post.objects.only("pk", "office_id", "body", "body_html").order_by("pk")
    for post in posts.iterator(chunk_size=BATCH):
        html = richtext.render(post.body)
        if html == post.body_html:
            continue
        post.body_html = html
        batch.append(post)
        offices.add(post.office_id)
        if len(batch) == BATCH:
            Post.objects.bulk_update(batch, ["body_html"])
            batch = []
    Post.objects.bulk_update(batch, ["body_html"])
    Office.objects.filter(pk__in=offices).update(content_version=F("content_version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("posts", "0007_post_url_slug_and_channels"),
    ]

    operations = [
        migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True),
    ]
