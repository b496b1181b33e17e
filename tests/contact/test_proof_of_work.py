"""Optional proof of work: when switched on, a message needs a number whose SHA-256 with
the form's nonce starts with the required zero bits, as pow.js finds it in the browser."""

import hashlib
import itertools
import re

import pytest
from django.contrib.staticfiles import finders

from rathaus.inbox.models import Message
from rathaus.lib import spam

BITS = 10


@pytest.fixture
def pow_on(settings):
    settings.CONTACT_PROOF_OF_WORK_BITS = BITS


def _solve(nonce: str, bits: int = BITS) -> str:
    for number in itertools.count():
        digest = hashlib.sha256(f"{nonce}:{number}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - bits) == 0:
            return str(number)
    raise AssertionError


def test_it_is_off_by_default_and_the_form_needs_no_script(client, office):
    text = client.get("/mitte/kontakt/").text
    assert "<script" not in text
    assert "data-pow-bits" not in text
    client.post("/mitte/kontakt/", {"message": "Ohne Rechnen", "nonce": spam.new_nonce()})
    assert Message.objects.count() == 1


def test_when_on_the_form_loads_our_own_script(client, office, pow_on):
    text = client.get("/mitte/kontakt/").text
    assert f'data-pow-bits="{BITS}"' in text
    assert re.search(r'<script src="/static/contact/pow\.js" defer></script>', text)
    assert finders.find("contact/pow.js")


def test_without_the_work_nothing_is_stored(client, office, pow_on):
    response = client.post(
        "/mitte/kontakt/",
        {"message": "Ohne Rechnen", "nonce": spam.new_nonce(), "work": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "needs JavaScript" in response.text
    assert Message.objects.count() == 0


def test_work_for_another_nonce_does_not_count(client, office, pow_on):
    nonce = spam.new_nonce()
    other = _solve(spam.new_nonce())
    data = {"message": "Geliehen", "nonce": nonce, "work": other}
    if spam.work_is_done(nonce, other, BITS):  # a 1-in-1024 coincidence
        pytest.skip("the borrowed answer happens to fit")
    assert client.post("/mitte/kontakt/", data).status_code == 400
    assert Message.objects.count() == 0


def test_with_the_work_done_the_message_is_stored(client, office, pow_on):
    nonce = spam.new_nonce()
    data = {"message": "Mit Rechnen", "nonce": nonce, "work": _solve(nonce)}
    assert client.post("/mitte/kontakt/", data).status_code == 200
    assert Message.objects.count() == 1


def test_the_check_counts_bits_not_hex_digits():
    nonce = "n"
    answer = _solve(nonce, 12)
    assert spam.work_is_done(nonce, answer, 12)
    assert spam.work_is_done(nonce, answer, 1)
    assert not spam.work_is_done(nonce, "x1", 1)
    assert not spam.work_is_done(nonce, "", 1)
