"""The newsroom search ranks by recency with a bonus for posts that have every word in
their title: such a post counts as TITLE_BONUS newer, so it beats a recent passing
mention, but not news from much later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.newsroom import search
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


@pytest.mark.parametrize("walk", [False, True])
def test_every_slice_is_a_slice_of_the_whole_ranking(
    office, editor, approver, django_capture_on_commit_callbacks, monkeypatch, walk
):
    """The page asks for slices: ranked by ids first, and (after a walk of the date
    index, which PostgreSQL takes for a common word) only among the matches that can be
    in the slice. Either way the slice is that of the whole ranking."""
    monkeypatch.setattr(search, "_walk", lambda *args: walk)
    capture = django_capture_on_commit_callbacks
    for n, days_ago in enumerate([0, 5, 40, 100, 130, 200, 260, 400]):
        title = f"Laubsammlung {n}" if n % 3 else f"Herbst {n}"
        _post(office, editor, approver, capture, title, "Die Laubsammlung.", days_ago=days_ago)
    results = search_posts(office, "Laubsammlung")
    whole = list(results)
    assert len(whole) == 8
    for start, stop in [(0, 1), (0, 3), (1, 4), (2, 8), (5, 20)]:
        assert list(results[start:stop]) == whole[start:stop], (start, stop)
        ids = results.values_list("pk", flat=True)[start:stop]
        assert list(ids) == [post.pk for post in whole[start:stop]], (start, stop)
