"""The newsroom search ranks by recency with a bonus for posts that have every word in
their title: such a post counts as TITLE_BONUS newer, so it beats a recent passing
mention, but not news from much later."""

from datetime import timedelta

from django.utils import timezone

from rathaus.newsroom.search import TITLE_BONUS, search_posts
from rathaus.posts.models import Post
from tests.helpers import publish


def _post(office, editor, approver, capture, title, body, *, days_ago):
    post = publish(office, editor, approver, capture, title=title, body=body)
    published = timezone.now() - timedelta(days=days_ago)
    Post.objects.filter(pk=post.pk).update(published_at=published)
    return post


def test_a_title_with_every_word_beats_a_newer_mention(
    office, editor, approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    about = _post(
        office, editor, approver, capture, "Sperrung der Uferstraße", "Ab Montag.", days_ago=30
    )
    mention = _post(
        office,
        editor,
        approver,
        capture,
        "Wochenmarkt",
        "Trotz der Sperrung der Uferstraße.",
        days_ago=1,
    )
    half = _post(
        office, editor, approver, capture, "Uferstraße wird saniert", "Mit Sperrung.", days_ago=2
    )
    # "half" has only one of the two words in its title: it counts as a mention.
    assert list(search_posts(office, "Sperrung Uferstraße")) == [about, mention, half]


def test_much_newer_news_beats_an_old_title(
    office, editor, approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    days = TITLE_BONUS.days
    old = _post(
        office, editor, approver, capture, "Hochwasser", "Pegel steigt.", days_ago=days + 20
    )
    new = _post(
        office, editor, approver, capture, "Deichschau", "Nach dem Hochwasser.", days_ago=10
    )
    older = _post(
        office, editor, approver, capture, "Hochwasser vorbei", "Ende.", days_ago=days + 40
    )
    assert list(search_posts(office, "Hochwasser")) == [new, old, older]


def test_forms_of_the_words_count_for_the_title(
    office, editor, approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    titled = _post(office, editor, approver, capture, "Spielplätze geprüft", "Alle.", days_ago=20)
    mention = _post(office, editor, approver, capture, "Sommer", "Auf dem Spielplatz.", days_ago=1)
    assert list(search_posts(office, "spielplatz")) == [titled, mention]
