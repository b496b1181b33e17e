"""The pages in Leichte Sprache and German Sign Language: there (and linked from the front
page and every footer) only once the office wrote them, their text German and sanitised,
the video a link to the office's own server, nothing embedded."""

import pytest
from django.urls import reverse

# English by the address: newsroom pages do not follow Accept-Language (newsroom.caching).
VIDEO = "https://www.mitte.example/videos/dgs-willkommen.mp4"


@pytest.fixture
def easy(office):
    office.easy_language_text = (
        "## Das Bezirks·amt\n\nWir helfen Ihnen.\n\n<script>alert(1)</script>\n\n"
        "[Gefährlich](javascript:alert(1))"
    )
    office.save()
    return office


@pytest.fixture
def signed(office):
    office.sign_language_video_url = VIDEO
    office.sign_language_transcript = "Willkommen beim Bezirksamt."
    office.save()
    return office


def test_no_pages_and_no_links_while_the_office_wrote_none(client, office):
    assert client.get(reverse("newsroom:easy-language", args=[office.slug])).status_code == 404
    assert client.get(reverse("newsroom:sign-language", args=[office.slug])).status_code == 404
    html = client.get(reverse("newsroom:index", args=[office.slug])).content.decode()
    assert "/leichte-sprache/" not in html
    assert "/gebaerdensprache/" not in html
    assert 'class="access-links"' not in html


def test_the_easy_language_page_is_german_and_sanitised(client, easy):
    response = client.get("/en" + reverse("newsroom:easy-language", args=[easy.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article lang="de"' in html
    assert "<h2>Das Bezirks·amt</h2>" in html
    assert "<script>" not in html
    assert 'href="javascript:' not in html
    assert not response.cookies


def test_the_front_page_and_footer_link_the_pages_with_their_pictograms(client, easy, signed):
    html = client.get("/en" + reverse("newsroom:index", args=[easy.slug])).content.decode()
    nav = html[html.index('class="access-links"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="/en{reverse("newsroom:easy-language", args=[easy.slug])}"' in nav
    assert f'href="/en{reverse("newsroom:sign-language", args=[easy.slug])}"' in nav
    assert "pictograms/leichte-sprache.svg" in nav and "pictograms/gebaerdensprache.svg" in nav
    assert "Easy Language" in nav and "Sign language" in nav
    footer = html[html.index('class="legal"') :]
    assert "/mitte/leichte-sprache/" in footer and "/mitte/gebaerdensprache/" in footer
    imprint = client.get("/en" + reverse("newsroom:imprint", args=[easy.slug])).content.decode()
    assert "/mitte/leichte-sprache/" in imprint  # every footer, not only the front page's


def test_the_sign_language_page_links_the_video_and_embeds_nothing(client, signed):
    response = client.get("/en" + reverse("newsroom:sign-language", args=[signed.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a class="video-link" href="{VIDEO}">' in html
    assert "<video" not in html and "<iframe" not in html
    assert "Willkommen beim Bezirksamt." in html
    assert '<article lang="de"' in html
    assert not response.cookies


def test_another_offices_pages_stay_its_own(client, easy, other_office):
    url = reverse("newsroom:easy-language", args=[other_office.slug])
    assert client.get(url).status_code == 404
