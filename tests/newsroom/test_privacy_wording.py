"""The privacy page leads with the office's own notice and says of the software only what is
true wherever it runs; the contact form explains the spam counter in plain words."""

from __future__ import annotations

import pytest
from django.urls import reverse

SPAM_COUNTER = "a code computed from your IP address and a secret key"


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_offices_notice_comes_first_and_applies(english, office):
    office.privacy_contact = "Wir speichern Zugriffsprotokolle sieben Tage lang."
    office.save()
    text = english.get("/en" + reverse("newsroom:privacy", args=[office.slug])).content.decode()

    notice = text.index("Wir speichern Zugriffsprotokolle sieben Tage lang.")
    software = text.index("What the software of this newsroom does")
    assert notice < software
    assert f"Privacy notice of {office.name}" in text
    assert "the notice applies" in text


def test_the_page_claims_nothing_about_the_servers_logs(english, office):
    text = english.get("/en" + reverse("newsroom:privacy", args=[office.slug])).content.decode()

    assert "usual access logs" not in text  # the built-in claim an office's text could contradict
    assert "is not part of the software" in text
    assert SPAM_COUNTER in text


def test_the_contact_form_explains_the_spam_counter_plainly(english, office):
    text = english.get(reverse("contact:form", args=[office.slug])).content.decode()

    assert SPAM_COUNTER in text
    assert "keyed hash" not in text
    assert "from the next day on the same address gives a different code" in text
