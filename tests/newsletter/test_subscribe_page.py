"""The subscription page: an accessible form (every field labelled, the category choice a
group with a legend, errors linked to their fields), a privacy notice, nothing from other
hosts and no script; the newsroom's footer links to it while the newsletter is on."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses, self.labels, self.inputs, self.tags = [], set(), {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        for name in ("src", "href", "action"):
            if attrs.get(name):
                self.addresses.append(attrs[name])
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag == "input":
            self.inputs[attrs.get("id")] = attrs


def _parsed(response) -> _Page:
    page = _Page()
    page.feed(response.text)
    return page


def test_every_field_is_labelled_and_the_categories_are_a_group(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.get("/mitte/newsletter/", HTTP_ACCEPT_LANGUAGE="en")
    page = _parsed(response)
    visible = [i for i, a in page.inputs.items() if a.get("type") not in ("hidden", None)]
    assert visible
    assert set(visible) <= page.labels
    assert "<legend>Which posts do you want to receive?</legend>" in response.text
    assert page.inputs["id_email"]["autocomplete"] == "email"
    assert page.inputs["id_email"]["aria-describedby"] == "id_email_helptext"
    assert all("checked" in page.inputs[f"id_categories_{n}"] for n in range(8))
    assert 'aria-hidden="true"' in response.text  # the honeypot's box
    assert "script" not in page.tags


def test_it_says_what_happens_with_the_data(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.get("/mitte/newsletter/", HTTP_ACCEPT_LANGUAGE="en")
    assert "What happens with your data" in response.text
    assert "If you do not confirm within 7 days, your address is deleted." in response.text
    assert "No tracking" in response.text
    assert 'href="/mitte/datenschutz/"' in response.text


def test_it_refers_to_no_other_host(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    for address in _parsed(client.get("/mitte/newsletter/")).addresses:
        parts = urlsplit(address)
        assert parts.scheme in ("", "mailto"), address
        assert parts.netloc in ("", "testserver"), address


def test_errors_are_linked_to_their_fields_and_the_entry_is_kept(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.post(
        "/mitte/newsletter/",
        {"email": "anna@", "nonce": spam.new_nonce()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = _parsed(response)
    email = page.inputs["id_email"]
    assert email["aria-invalid"] == "true"
    assert email["aria-describedby"] == "id_email_helptext id_email_error"
    assert email["value"] == "anna@"
    assert 'id="id_email_error"' in response.text
    assert "Please enter a valid email address" in response.text
    assert 'aria-describedby="id_categories_helptext id_categories_error"' in response.text
    assert "Please choose at least one category." in response.text
    assert Subscriber.objects.count() == 0


def test_an_expired_form_is_refused_and_comes_back_with_a_new_nonce(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.post(
        "/mitte/newsletter/",
        {"email": "anna@example.org", "categories": ["notice"], "nonce": "forged"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This form is too old" in response.text
    nonce = _parsed(response).inputs["id_nonce"]["value"]
    assert spam.nonce_id(nonce)
    assert Subscriber.objects.count() == 0


def test_the_newsroom_footer_links_to_it_only_while_it_is_on(client, office):
    assert 'href="/mitte/newsletter/"' not in client.get("/mitte/").text
    settings = NewsletterSettings.objects.create(office=office, enabled=True)
    assert 'href="/mitte/newsletter/"' in client.get("/mitte/").text
    settings.enabled = False
    settings.save()
    assert 'href="/mitte/newsletter/"' not in client.get("/mitte/").text
