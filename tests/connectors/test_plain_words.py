"""Why connecting an account failed, in plain words: what the office admin reads on the
channels page instead of a client library's error."""

from __future__ import annotations

import socket
import ssl

import httpx
import pytest
import requests

from rathaus.connectors.plain_words import MAX_WORDS, connect_failure
from rathaus.delivery.channels import NeedsReauthorisation, PermanentError, TemporaryError
from rathaus.lib import netguard

pytestmark = pytest.mark.usefixtures("english_messages")


def wrapped(error: BaseException, outer: BaseException) -> BaseException:
    """``outer`` raised from ``error``, as client libraries and connectors wrap errors."""
    try:
        try:
            raise error
        except BaseException as inner:
            raise outer from inner
    except BaseException as raised:
        return raised


def said(error: BaseException) -> str:
    return connect_failure(error, label="Mastodon", host="social.example.de")


@pytest.mark.parametrize(
    "cause",
    [
        socket.gaierror(-2, "Name or service not known"),
        ConnectionRefusedError(111, "Connection refused"),
        httpx.ConnectError("[Errno -2] Name or service not known"),
        requests.ConnectionError("Max retries exceeded"),
    ],
    ids=["dns", "refused", "httpx", "requests"],
)
def test_a_server_nobody_reaches_is_said_so_with_its_name(cause):
    error = wrapped(cause, TemporaryError("Mastodon: network: " + str(cause)))
    assert said(error) == "Rathaus could not reach social.example.de. Is the address right?"


def test_a_time_out_is_not_called_a_wrong_address():
    error = wrapped(httpx.ReadTimeout("timed out"), TemporaryError("network: timed out"))
    assert said(error).startswith("social.example.de did not answer in time.")


def test_a_certificate_the_client_refuses_is_named():
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] expired")
    error = wrapped(cause, TemporaryError("network: certificate verify failed"))
    assert "secure connection to social.example.de" in said(error)
    assert "CERTIFICATE_VERIFY_FAILED" not in said(error)


def test_an_address_in_the_operators_network_is_not_public():
    error = wrapped(netguard.Refused("10.0.0.1"), TemporaryError("network: refused"))
    assert said(error) == (
        "social.example.de is not a public address: Rathaus connects only to servers on "
        "the internet."
    )


def test_refused_access_data_keep_the_platforms_own_words():
    error = NeedsReauthorisation("Mastodon: The access token is invalid")
    assert said(error) == (
        "Mastodon did not accept the access data. Check them and try again. "
        "Mastodon says: The access token is invalid"
    )
    assert said(PermanentError("Mastodon: Record not found")) == (
        "Mastodon refused the connection: Record not found"
    )


def test_a_whole_web_page_as_the_answer_is_cut_short():
    page = "Willkommen im Bezirksamt " * 500
    words = said(TemporaryError(f"Mastodon: the server's answer is unreadable: {page}"))
    assert words.startswith("Connecting to Mastodon did not work this time.")
    assert words.endswith(" …") and len(words) < MAX_WORDS + 120


def test_anything_else_is_a_plain_unexpected_failure():
    assert said(KeyError("data")) == "Connecting to Mastodon failed unexpectedly. Try again later."
