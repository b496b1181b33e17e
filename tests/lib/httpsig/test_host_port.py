"""The signed Host includes a non-default port, and the verifier compares it as received."""

import pytest

from rathaus.lib.httpsig import BadSignature, sign, verify

KEY_ID = "https://presse.mitte.example/@mitte#main-key"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://social.example:8443/inbox", "social.example:8443"),
        ("http://localhost:3000/inbox", "localhost:3000"),
        ("https://social.example:443/inbox", "social.example"),
        ("http://social.example:80/inbox", "social.example"),
        ("https://Social.Example/inbox", "social.example"),
    ],
)
def test_host_header_carries_only_a_non_default_port(keys, url, host):
    added = sign("POST", url, {}, b"{}", key_id=KEY_ID, private_pem=keys[0])
    assert added["Host"] == host


def test_non_default_port_verifies(keys):
    headers = sign(
        "POST", "https://social.example:8443/inbox", {}, b"{}", key_id=KEY_ID, private_pem=keys[0]
    )
    result = verify(
        "POST", "/inbox", headers, b"{}", public_key_for=lambda key_id, refresh=False: keys[1]
    )
    assert result.key_id == KEY_ID


def test_request_sent_to_another_port_fails(keys):
    headers = sign(
        "POST", "https://social.example:8443/inbox", {}, b"{}", key_id=KEY_ID, private_pem=keys[0]
    )
    with pytest.raises(BadSignature):
        verify(
            "POST",
            "/inbox",
            headers | {"Host": "social.example"},
            b"{}",
            public_key_for=lambda key_id, refresh=False: keys[1],
        )
