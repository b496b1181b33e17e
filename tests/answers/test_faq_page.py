"""The public FAQ page at /<office>/fragen/: published entries of that office only, no
cookies, no scripts, cacheable like every newsroom page."""

import pytest

from rathaus.answers.models import FaqEntry
from rathaus.answers.reuse import publish_faq


@pytest.fixture
def entries(office, other_office):
    return {
        "published": FaqEntry.objects.create(
            office=office,
            question="Wann werden Bäume gefällt?",
            answer="Von **Oktober** bis Februar, siehe [Baumschutz](https://mitte.example/b).",
            published=True,
            position=2,
        ),
        "first": FaqEntry.objects.create(
            office=office,
            question="Wie melde ich einen Schaden?",
            answer="Über das Kontaktformular.",
            published=True,
            position=1,
        ),
        "draft": FaqEntry.objects.create(
            office=office, question="Noch nicht geprüft?", answer="Entwurf"
        ),
        "elsewhere": FaqEntry.objects.create(
            office=other_office, question="Frage aus Nord?", answer="Nord", published=True
        ),
    }


def test_it_lists_published_entries_of_that_office_only(client, entries):
    page = client.get("/mitte/fragen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wann werden Bäume gefällt?" in html
    assert "<strong>Oktober</strong>" in html
    assert 'href="https://mitte.example/b"' in html
    assert "Noch nicht geprüft?" not in html and "Entwurf" not in html
    assert "Frage aus Nord?" not in html
    # In the order the office chose.
    assert html.index("Wie melde ich einen Schaden?") < html.index("Wann werden Bäume gefällt?")


def test_it_sets_no_cookie_and_runs_no_script(client, entries):
    page = client.get("/mitte/fragen/")
    assert page.cookies == {}
    assert "Set-Cookie" not in page.headers
    assert b"<script" not in page.content
    assert b"csrfmiddlewaretoken" not in page.content


def test_it_is_cacheable(client, entries):
    page = client.get("/mitte/fragen/")
    assert "public" in page["Cache-Control"] and "max-age" in page["Cache-Control"]
    again = client.get("/mitte/fragen/", HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304


def test_a_published_entry_shows_at_once_despite_the_cache(client, entries, approver):
    assert b"Noch nicht gepr" not in client.get("/mitte/fragen/").content
    publish_faq(entries["draft"], by=approver)
    assert "Noch nicht geprüft?" in client.get("/mitte/fragen/").content.decode()


def test_an_answer_cannot_inject_markup(client, office):
    FaqEntry.objects.create(
        office=office,
        question="<script>alert(1)</script>?",
        answer="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
        published=True,
    )
    html = client.get("/mitte/fragen/").content.decode()
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;?" in html


def test_an_office_without_entries_says_so(client, office):
    page = client.get("/mitte/fragen/")
    assert page.status_code == 200
    assert b'<ol class="faq-questions">' not in page.content


def test_an_unknown_office_is_not_found(client, db):
    assert client.get("/nirgendwo/fragen/").status_code == 404


def test_posting_is_not_allowed(client, office):
    assert client.post("/mitte/fragen/").status_code == 405
