"""The words of a post's address: cut where a word ends, following the title until the post
is first published, and for posts that existed before, what their address always was."""

import importlib

from django.apps import apps
from django.test import Client
from django.utils.text import slugify

from rathaus.posts import lifecycle
from rathaus.posts.models import SLUG_MAX, Post, slug_for

LONG = "Vollsperrung der Lindenallee zwischen Marktplatz und Bahnhofstraße wegen Kanalarbeiten"


def test_a_long_title_is_cut_where_a_word_ends():
    slug = slug_for(LONG)

    assert slug == "vollsperrung-der-lindenallee-zwischen-marktplatz-und"
    assert len(slug) <= SLUG_MAX
    assert set(slug.split("-")) <= set(slugify(LONG).split("-"))  # no half words
    assert slugify(LONG)[:SLUG_MAX] != slug  # the old cut ended in "bahnhofs"


def test_a_cut_right_after_a_word_keeps_that_word():
    title = ("a" * 29) + " " + ("b" * 30) + " c"  # 29 + 1 + 30 = exactly 60

    assert slug_for(title) == ("a" * 29) + "-" + ("b" * 30)


def test_a_single_word_longer_than_the_limit_is_cut_inside_and_short_ones_stay():
    assert slug_for("x" * 80) == "x" * SLUG_MAX
    assert slug_for("Neue Bänke im Stadtpark") == "neue-banke-im-stadtpark"
    assert slug_for("!!!") == "meldung"


def test_a_draft_follows_its_title_and_a_published_post_keeps_its_address(
    office, editor, approver, draft, django_capture_on_commit_callbacks
):
    lifecycle.edit(draft, by=editor, title=LONG)
    assert draft.slug == slug_for(LONG)
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(draft, by=approver)
    address = draft.get_absolute_url()

    lifecycle.correct(draft, by=approver, note="Tippfehler", title="Sperrung der Lindenallee")
    draft.refresh_from_db()

    assert draft.get_absolute_url() == address
    assert Client().get(address).status_code == 200


def test_posts_that_existed_keep_the_address_they_had(draft):
    old = slugify(LONG)[:60]  # how addresses were made before: cut inside "bahnhofstrasse"
    Post.objects.filter(pk=draft.pk).update(title=LONG, url_slug="")
    migration = importlib.import_module("rathaus.posts.migrations.0007_post_url_slug_and_channels")

    migration.keep_existing_addresses(apps, None)
    draft.refresh_from_db()

    assert draft.slug == old
    assert draft.get_absolute_url().endswith(f"-{old}/")


def test_a_row_made_without_save_takes_its_title_words(office, editor, draft):
    Post.objects.filter(pk=draft.pk).update(url_slug="")
    draft.refresh_from_db()

    assert draft.slug == slug_for(draft.title)


def test_the_link_counted_before_saving_has_the_id_the_post_gets(office, editor):
    from rathaus.posts import content

    for n in range(3):
        lifecycle.create_draft(office, by=editor, title=f"Alt {n}", body="b")
    Post.objects.order_by("-pk").first().delete()  # the newest is gone: its id is not reused

    counted = content.link_after_save(office, None, LONG)
    post = lifecycle.create_draft(office, by=editor, title=LONG, body="b")

    assert counted == office.public_url(post.get_absolute_url())
