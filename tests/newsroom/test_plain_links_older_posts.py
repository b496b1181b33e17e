"""Posts saved before plain web addresses became links get their HTML rendered again by
posts 0008, so their addresses are links on the newsroom too; their text stays as written."""

from __future__ import annotations

import importlib

from django.apps import apps

from rathaus.newsroom import caching
from rathaus.offices.models import Office
from rathaus.posts.models import Post

migration = importlib.import_module("rathaus.posts.migrations.0008_links_in_older_posts")

ADDRESS = "https://bauamt.example/planung/lindenallee"
OLD_HTML = f"<p>Alle Unterlagen: {ADDRESS}</p>\n"  # as rendered before plain_links


def test_an_older_posts_address_becomes_a_link(client, office, publish_post):
    post = publish_post(title="Unterlagen", body=f"Alle Unterlagen: {ADDRESS}", category="notice")
    Post.objects.filter(pk=post.pk).update(body_html=OLD_HTML)
    version = Office.objects.get(pk=office.pk).content_version
    assert f'href="{ADDRESS}"' not in client.get(post.get_absolute_url()).text

    migration.render_again(apps, None)

    post.refresh_from_db()
    assert f'<a href="{ADDRESS}" rel="noopener noreferrer nofollow">{ADDRESS}</a>' in post.body_html
    assert post.body == f"Alle Unterlagen: {ADDRESS}"
    assert Office.objects.get(pk=office.pk).content_version == version + 1
    caching._versions.clear()  # a migration runs in its own process: this one's memo is gone
    assert f'href="{ADDRESS}"' in client.get(post.get_absolute_url()).text


def test_posts_already_up_to_date_are_left_alone(office, other_office, publish_post):
    publish_post(title="Aktuell", body=f"Siehe {ADDRESS}", category="notice")
    versions = dict(Office.objects.values_list("pk", "content_version"))

    migration.render_again(apps, None)

    assert dict(Office.objects.values_list("pk", "content_version")) == versions
