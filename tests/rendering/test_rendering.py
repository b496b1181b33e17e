"""What a change renders: the pages, byte for byte those of the views, and what is removed."""

from django.core.cache import cache
from django.test import Client

from rathaus.posts import lifecycle
from rathaus.rendering import refresh
from rathaus.rendering.models import RenderedPage


def _live(path: str) -> RenderedPage | None:
    return RenderedPage.objects.filter(path=path, gone=False).first()


def _dynamic(path: str):
    cache.clear()  # the view itself, not the page cache's copy
    return Client(HTTP_HOST="presse.example").get(path, secure=True)


def test_a_publication_renders_its_page_and_the_lists_in_both_languages(
    rendering, office, publish_post
):
    post = publish_post(title="Sturmwarnung für Mitte", body="Bitte bleiben Sie zu Hause.")
    url = post.get_absolute_url()
    for path in (url, f"/en{url}", "/mitte/", "/en/mitte/", "/mitte/feed.rss", "/sitemap.xml"):
        assert _live(path) is not None, path
    assert "Sturmwarnung für Mitte" in bytes(_live("/mitte/").body).decode()
    assert _live("/mitte/suche/") is None  # depends on the request: stays dynamic


def test_rendered_pages_are_the_views_bytes_and_headers(rendering, office, publish_post):
    post = publish_post(title="Baumfällungen im Park", body="Ab Montag.")
    for path in (post.get_absolute_url(), "/en/mitte/", "/mitte/feed.atom", "/mitte/termine.ics"):
        row = _live(path)
        response = _dynamic(path)
        assert response.status_code == 200
        assert bytes(row.body) == response.content, path
        headers = dict(row.headers)
        for name in ("Content-Type", "Content-Language", "Cache-Control", "X-Frame-Options"):
            assert headers[name] == response[name], (path, name)
        assert int(headers["Content-Length"]) == len(response.content)


def test_language_is_the_addresses_not_the_browsers(rendering, office, publish_post):
    publish_post(title="Sperrung der Brücke", body="Umleitung.")
    german, english = dict(_live("/mitte/").headers), dict(_live("/en/mitte/").headers)
    assert (german["Content-Language"], english["Content-Language"]) == ("de", "en")
    assert all("Accept-Language" not in value for value in (*german.values(), *english.values()))
    # A browser asking for English at the plain address gets the same (German) page.
    cache.clear()
    asked = Client(HTTP_HOST="presse.example").get("/mitte/", HTTP_ACCEPT_LANGUAGE="en")
    assert asked["Content-Language"] == "de"
    assert "Accept-Language" not in asked.get("Vary", "")


def test_no_rendered_page_carries_a_cookie(rendering, office, publish_post):
    publish_post(title="Bürgersprechstunde", body="Dienstag.")
    rows = RenderedPage.objects.filter(gone=False)
    assert rows.count() > 10
    for row in rows:
        assert all(name.lower() != "set-cookie" for name, _value in row.headers), row.path


def test_a_withdrawn_post_leaves_every_page_and_answers_410(
    rendering, office, approver, publish_post, django_capture_on_commit_callbacks
):
    post = publish_post(title="Falsche Meldung zur Wahl", body="…")
    url = post.get_absolute_url()
    assert "Falsche Meldung" in bytes(_live("/mitte/").body).decode()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Fehlerhafte Angaben")
    assert _live(url) is None and _live(f"/en{url}") is None
    assert RenderedPage.objects.get(path=url).gone
    for row in RenderedPage.objects.filter(gone=False):
        assert "Falsche Meldung" not in bytes(row.body).decode(errors="replace"), row.path
    assert _dynamic(url).status_code == 410


def test_what_a_rendering_no_longer_has_is_removed(rendering, office, publish_post):
    post = publish_post(title="Sommerfest am Rathaus", body="Samstag.")
    # A page the post had before (an address it no longer has) and one left from a tag.
    old = RenderedPage.objects.get(path=post.get_absolute_url())
    old.pk, old.path = None, "/mitte/meldungen/1-altes-fest/"
    old.save()
    post.save()  # changed (updated_at): rendered again, without the old address
    refresh.render_office(office.pk)
    assert _live("/mitte/meldungen/1-altes-fest/") is None
    assert _live(post.get_absolute_url()) is not None


def test_an_unchanged_page_is_not_written_again(rendering, office, publish_post):
    publish_post(title="Erste Meldung", body="Eins.")
    before = _live("/mitte/impressum/").changed_at
    publish_post(title="Zweite Meldung", body="Zwei.")
    assert _live("/mitte/impressum/").changed_at == before
    assert "Zweite Meldung" in bytes(_live("/mitte/").body).decode()


def test_a_change_on_every_page_renders_every_post_again(rendering, office, publish_post):
    post = publish_post(title="Wasserrohrbruch", body="Hauptstraße.")
    office.name = "Bezirksamt Neu-Mitte"
    office.save()
    refresh.render_office(office.pk)  # the fingerprint changed: the lists at once …
    assert "Bezirksamt Neu-Mitte" in bytes(_live("/mitte/").body).decode()
    refresh.render_posts(office.pk)  # … then every post's page
    assert "Bezirksamt Neu-Mitte" in bytes(_live(post.get_absolute_url()).body).decode()


def test_a_deleted_office_leaves_no_page(rendering, office, publish_post):
    publish_post(title="Letzte Meldung", body="Ende.")
    office.delete()
    assert not RenderedPage.objects.filter(path__startswith="/mitte/", gone=False).exists()


def test_another_offices_change_renders_none_of_this_offices_pages(
    rendering, office, other_office, publish_post
):
    publish_post(title="Meldung aus Mitte", body="Mitte.")
    before = {row.path: row.changed_at for row in RenderedPage.objects.filter(office_id=office.pk)}
    other_office.touch()
    refresh.render_office(other_office.pk)
    after = {row.path: row.changed_at for row in RenderedPage.objects.filter(office_id=office.pk)}
    assert after == before


def test_the_lists_do_not_wait_for_new_posts_pages(rendering, office, publish_post, settings):
    """A burst of new posts: the office's job renders the lists at once and leaves the new
    posts' own pages to the next job, whose addresses meanwhile reach Django (current)."""
    publish_post(title="Erste Meldung", body="Eins.")
    settings.RENDER_PAGES = False  # publish without rendering, then render by hand
    new = publish_post(title="Neue Meldung im Sturm", body="Zwei.")
    refresh.render_office(office.pk)
    assert "Neue Meldung im Sturm" in bytes(_live("/mitte/").body).decode()
    assert _live(new.get_absolute_url()) is None
    refresh.render_posts(office.pk)
    assert _live(new.get_absolute_url()) is not None


def test_a_post_rendered_since_its_last_change_is_not_rendered_again(
    rendering, office, publish_post, monkeypatch
):
    post = publish_post(title="Einmal gerendert", body="…")
    rendered = []
    real = refresh.render
    monkeypatch.setattr(refresh, "render", lambda path: rendered.append(path) or real(path))
    refresh.render_posts(office.pk)  # within the look-back, but rendered after its change
    assert post.get_absolute_url() not in rendered
    post.save()  # changed since
    refresh.render_posts(office.pk)
    assert post.get_absolute_url() in rendered


def test_a_correction_is_rendered_with_the_lists_not_after_them(
    rendering, office, approver, publish_post, settings
):
    post = publish_post(title="Sperrung Hauptstraße", body="Bis Freitag.")
    settings.RENDER_PAGES = False  # correct without rendering, then render by hand
    lifecycle.correct(post, by=approver, note="Datum berichtigt", body="Bis Montag.")
    refresh.render_office(office.pk)  # the lists' job alone
    assert "Bis Montag." in bytes(_live(post.get_absolute_url()).body).decode()


def test_a_posts_images_are_rendered_as_their_jpeg(rendering, office, publish_post):
    from tests.helpers import png

    image = {"file": png(size=(40, 20)), "alt_text": "Linde", "author": "Amt", "licence": "CC0"}
    post = publish_post(title="Baumfällung Linde", body="Ersatzpflanzung folgt.", images=[image])
    (stored,) = post.images.all()
    row = _live(f"/mitte/meldungen/{post.pk}/bilder/{stored.key}.jpg")
    assert dict(row.headers)["Content-Type"] == "image/jpeg"
    assert bytes(row.body)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert bytes(row.body) == _dynamic(row.path).getvalue()


def test_a_new_post_renders_only_the_lists_it_appears_in(
    rendering, office, publish_post, monkeypatch
):
    publish_post(title="Erste Meldung", body="Eins.")
    rendered = []
    real = refresh.render
    monkeypatch.setattr(refresh, "render", lambda path: rendered.append(path) or real(path))
    publish_post(title="Neue Pressemitteilung", body="Zwei.", category="press_release")
    assert "/mitte/" in rendered and "/mitte/feed.rss" in rendered
    assert "/mitte/kategorie/press-release/" in rendered
    assert "/mitte/kategorie/emergency/" not in rendered  # lists it does not appear in
    assert "/mitte/termine/" not in rendered  # not an event
    assert "/mitte/impressum/" not in rendered  # a standing page


def test_a_changed_faq_renders_the_faq_page(
    rendering, office, approver, publish_post, django_capture_on_commit_callbacks
):
    from rathaus.answers import reuse
    from rathaus.answers.models import FaqEntry

    publish_post(title="Meldung", body="…")
    entry = FaqEntry.objects.create(
        office=office, question="Wann hat das Bürgeramt geöffnet?", answer="Mo–Fr 8–16 Uhr."
    )
    with django_capture_on_commit_callbacks(execute=True):
        reuse.publish_faq(entry, by=approver)
    assert "Wann hat das Bürgeramt geöffnet?" in bytes(_live("/mitte/fragen/").body).decode()


def test_the_pages_over_all_offices_wait_and_a_storm_does_not_put_them_off(
    rendering, office, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from rathaus.jobs.models import Job

    settings.RENDERED_SITE_SECONDS = 10
    settings.RENDER_PAGES = True
    office.touch()
    first = Job.objects.get(kind=refresh.KIND, key=refresh.SITE)
    assert first.next_attempt_at > timezone.now() + timedelta(seconds=8)
    office.touch()  # a second publication a moment later
    assert Job.objects.get(kind=refresh.KIND, key=refresh.SITE).next_attempt_at == (
        first.next_attempt_at
    )
