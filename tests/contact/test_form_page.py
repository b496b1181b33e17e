"""The contact form is a public page like the newsroom: no cookies, nothing from other
hosts, no script, never kept by a cache (it carries a nonce of its own), and it says what
happens with the citizen's data."""

from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from rathaus.posts import lifecycle
from rathaus.response_times.models import ResponseTarget


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses, self.labels, self.inputs = [], set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "action"):
            if attrs.get(name):
                self.addresses.append(attrs[name])
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag in ("input", "textarea"):
            self.inputs[attrs.get("name")] = attrs


def _parsed(response) -> _Page:
    page = _Page()
    page.feed(response.text)
    return page


@pytest.mark.parametrize("path", ["/mitte/kontakt/", "{post}frage/"])
def test_it_sets_no_cookie_and_is_never_cached(client, office, published, path):
    response = client.get(path.format(post=f"/mitte/meldungen/{published.pk}/"))
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control
    assert "public" not in control


def test_it_refers_to_no_other_host_and_runs_no_script(client, office):
    response = client.get("/mitte/kontakt/")
    page = _parsed(response)
    assert page.addresses
    for address in page.addresses:
        parts = urlsplit(address)
        assert parts.scheme in ("", "mailto"), address
        assert parts.netloc in ("", "testserver"), address
    assert "<script" not in response.text


def test_every_field_has_a_label_and_the_honeypot_is_out_of_reach(client, office):
    page = _parsed(client.get("/mitte/kontakt/"))
    for name in ("name", "email", "message", "photo", "website"):
        assert page.inputs[name]["id"] in page.labels, name
    assert page.inputs["website"]["tabindex"] == "-1"
    assert page.inputs["website"]["autocomplete"] == "off"
    assert 'class="contact-trap" aria-hidden="true"' in client.get("/mitte/kontakt/").text
    assert page.inputs["nonce"]["type"] == "hidden"
    assert page.inputs["photo"]["accept"] == "image/jpeg,image/png,image/webp"


def test_each_page_gets_its_own_nonce(client, office):
    first = _parsed(client.get("/mitte/kontakt/")).inputs["nonce"]["value"]
    second = _parsed(client.get("/mitte/kontakt/")).inputs["nonce"]["value"]
    assert first != second


def test_the_privacy_notice_says_what_why_and_how_long(english, office):
    office.retention_days = 120
    office.save()
    text = english.get("/mitte/kontakt/").text
    assert "What happens with your data" in text
    assert "120 days after your conversation is closed" in text
    assert "Your IP address itself is not stored with your message" in text
    assert 'href="/mitte/datenschutz/"' in text


def test_the_post_question_names_the_post(english, published):
    text = english.get(f"/mitte/meldungen/{published.pk}/frage/").text
    assert "Question about this post" in text
    assert published.title in text
    assert f'action="/mitte/meldungen/{published.pk}/frage/"' in text


def test_a_post_that_is_not_public_has_no_question_form(client, office, editor):
    draft = lifecycle.create_draft(office, by=editor, title="Entwurf", body="Noch nicht.")
    assert client.get(f"/mitte/meldungen/{draft.pk}/frage/").status_code == 404


def test_another_offices_post_has_no_question_form_here(client, published, other_office):
    assert client.get(f"/nord/meldungen/{published.pk}/frage/").status_code == 404


def test_an_unknown_office_has_no_contact_form(client, db):
    assert client.get("/nirgendwo/kontakt/").status_code == 404


def test_the_newsroom_links_to_contact_netiquette_and_the_post_question(english, published):
    # English by the address (newsroom.caching): its links keep the prefix.
    index = english.get("/en/mitte/").text
    assert 'href="/en/mitte/kontakt/"' in index
    assert 'href="/en/mitte/netiquette/"' in index
    post_page = english.get("/en" + published.get_absolute_url()).text
    assert f'href="/en/mitte/meldungen/{published.pk}/frage/"' in post_page
    assert "Question about this post" in post_page


def test_the_form_says_how_quickly_the_office_usually_answers(client, office):
    url = f"/{office.slug}/kontakt/"
    assert "We usually answer within" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    ResponseTarget.objects.create(
        office=office, category="", first_response_hours=Decimal("7.5"), resolution_hours=40
    )
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "We usually answer within 8 working hours" in english
    assert "Wir antworten in der Regel innerhalb von 8 Arbeitsstunden" in client.get(url).text
