"""The posts' own pages are rendered in slices (``refresh.POSTS_SLICE``): a burst of new posts
does not hold a worker; every slice goes on where the one before stopped, also after a
change on every page, and a page that came out the same is not rendered again and again."""

from __future__ import annotations

import pytest

from rathaus.jobs.models import QUEUED, Job
from rathaus.rendering import refresh
from rathaus.rendering.models import RenderedPage, RenderState


@pytest.fixture
def one_post_per_slice(monkeypatch):
    monkeypatch.setattr(refresh, "POSTS_SLICE", 0.0)
    monkeypatch.setattr(refresh, "WHOLE_CHUNK", 1)


@pytest.fixture
def counted(monkeypatch):
    """The post pages each call of the renderer renders."""
    rendered: list[str] = []
    real = refresh.render

    def render(path):
        rendered.append(path)
        return real(path)

    monkeypatch.setattr(refresh, "render", render)
    return rendered


def _slices(office) -> int:
    """Run the posts' job until it stops queuing itself; returns how many runs it took."""
    runs = 0
    while True:
        Job.objects.filter(kind=refresh.KIND, key=f"posts:{office.pk}").delete()
        refresh.render_posts(office.pk)
        runs += 1
        if not Job.objects.filter(kind=refresh.KIND, key=f"posts:{office.pk}", status=QUEUED):
            return runs
        assert runs < 20, "the slices never finish"


def _rename(office, name: str) -> None:
    """A change on every page, as the settings page makes it (the office loaded afresh)."""
    office.refresh_from_db()
    office.name = name
    office.save()
    office.touch(everything=True)


def _post_paths(posts) -> set[str]:
    return {post.get_absolute_url() for post in posts}


def test_a_burst_of_new_posts_is_rendered_slice_by_slice(
    rendering, office, publish_post, settings, one_post_per_slice, counted
):
    settings.RENDER_PAGES = False  # publish without rendering, then render by hand
    posts = [publish_post(title=f"Sturmwarnung Teil {n}", body="Bitte…") for n in range(3)]
    settings.RENDER_PAGES = True
    refresh.render_office(office.pk)

    refresh.render_posts(office.pk)  # one post's pages, then it queues the rest
    assert len(_post_paths(posts) & set(counted)) == 1
    assert Job.objects.filter(kind=refresh.KIND, key=f"posts:{office.pk}", status=QUEUED)
    assert RenderState.objects.get(office_id=office.pk).posts_until is None  # not yet

    assert _slices(office) == 2
    assert _post_paths(posts) <= set(counted)
    for post in posts:
        assert RenderedPage.objects.get(path=post.get_absolute_url(), gone=False)
    assert RenderState.objects.get(office_id=office.pk).posts_until is not None


def test_a_page_that_came_out_the_same_is_not_rendered_again_and_again(
    rendering, office, publish_post, counted
):
    post = publish_post(title="Unverändert", body="Gleicher Text.")
    refresh.render_posts(office.pk)
    post.save()  # changed (updated_at), but its page comes out the same
    counted.clear()
    refresh.render_posts(office.pk)
    assert post.get_absolute_url() in counted
    counted.clear()
    refresh.render_posts(office.pk)
    assert post.get_absolute_url() not in counted


def test_a_change_on_every_page_reaches_every_post_through_the_slices(
    rendering, office, publish_post, one_post_per_slice
):
    posts = [publish_post(title=f"Meldung {n}", body="Text.") for n in range(3)]
    refresh.render_office(office.pk)
    _slices(office)
    _rename(office, "Bezirksamt Neu-Mitte")
    refresh.render_office(office.pk)  # the fingerprint changed: the lists, and a floor
    assert RenderState.objects.get(office_id=office.pk).pages_before is not None

    refresh.render_posts(office.pk)  # one slice …
    office.touch()  # … and another publication's lists between two slices
    refresh.render_office(office.pk)
    _slices(office)

    for post in posts:
        page = RenderedPage.objects.get(path=post.get_absolute_url(), gone=False)
        assert "Bezirksamt Neu-Mitte" in bytes(page.body).decode()
    assert RenderState.objects.get(office_id=office.pk).pages_before is None


def test_a_change_on_every_page_during_the_last_slice_keeps_its_floor(
    rendering, office, publish_post, one_post_per_slice, monkeypatch
):
    posts = [publish_post(title=f"Hinweis {n}", body="Text.") for n in range(2)]
    refresh.render_office(office.pk)
    _slices(office)
    _rename(office, "Bezirksamt Alt-Mitte")
    refresh.render_office(office.pk)
    refresh.render_posts(office.pk)  # the first of two posts
    real = refresh.render

    def render(path):
        # While the last slice renders, a second change on every page comes in.
        if path == posts[1].get_absolute_url() and office.name != "Bezirksamt Mitte-Nord":
            _rename(office, "Bezirksamt Mitte-Nord")
            refresh.render_office(office.pk)
        return real(path)

    monkeypatch.setattr(refresh, "render", render)
    refresh.render_posts(office.pk)
    assert RenderState.objects.get(office_id=office.pk).pages_before is not None
    _slices(office)

    for post in posts:
        page = bytes(RenderedPage.objects.get(path=post.get_absolute_url()).body).decode()
        assert "Bezirksamt Mitte-Nord" in page
