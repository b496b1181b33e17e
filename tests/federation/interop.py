"""How other Fediverse software writes, signs and delivers, for the interop tests: each
:class:`Software` with its signer and JSON encoder, and :class:`Remote`, Anna on a server of
that software (tests/fediverse_server.py) delivering to our inbox."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.federation import identities, objects
from rathaus.federation.models import (
    InstanceActor,
)
from rathaus.lib import httpsig
from tests.fediverse_server import FediverseServer, Recorded

PAYLOADS = Path(__file__).parents[1] / "payloads"
OUR_HOST = "rathaus.example"
QUESTION = "Wann wird die Linde gefällt?"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


# --- how each software writes and signs a request --------------------------------------------


def _rsa_sha256(private_pem: str, text: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(now: datetime | None = None) -> str:
    return format_datetime(now or datetime.now(UTC), usegmt=True)


def _hand_signed(path: str, headers: dict[str, str], names: list[str], private_pem: str) -> str:
    """The base64 RSA-SHA256 signature over ``names``, built by hand (draft-cavage §2.3)."""
    values = {"(request-target)": f"post {path}"} | {k.lower(): v for k, v in headers.items()}
    return _rsa_sha256(private_pem, "\n".join(f"{name}: {values[name]}" for name in names))


Signer = Callable[[str, bytes, str, str], dict[str, str]]


def _mastodon_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    # Mastodon's own header set is the one our signer writes.
    headers = {"Content-Type": ACTIVITY_JSON}
    return headers | httpsig.sign(
        "POST", f"http://{OUR_HOST}{path}", headers, body, key_id=key_id, private_pem=private_pem
    )


def _misskey_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Date": http_date(),
        "Host": OUR_HOST,
        "Content-Type": ACTIVITY_JSON,
        "Digest": _digest(body),
    }
    names = ["(request-target)", "date", "host", "digest"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature}"'
    )
    return headers


def _pixelfed_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Host": OUR_HOST,
        "Date": http_date(),
        "Digest": _digest(body),
        "Content-Type": LD_JSON,
        "User-Agent": "(Pixelfed/0.12.5; +https://pixelfed.example)",
    }
    names = ["(request-target)", "host", "date", "digest", "content-type", "user-agent"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",headers="{" ".join(names)}",algorithm="rsa-sha256",'
        f'signature="{signature}"'
    )
    return headers


def _gotosocial_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Date": http_date(),
        "Host": OUR_HOST,
        "Digest": _digest(body),
        "Content-Type": ACTIVITY_JSON,
        "User-Agent": "gotosocial (+https://gts.example) gotosocial/0.20.1",
    }
    names = ["(request-target)", "host", "date", "digest"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="hs2019",headers="{" ".join(names)}",signature="{signature}"'
    )
    return headers


def _compact(document: dict) -> bytes:
    """JSON.stringify, Ruby's JSON: compact UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _php_json_encode(document: dict) -> bytes:
    """PHP json_encode: every slash as \\/ and every non-ASCII character as \\uXXXX."""
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def _go_json_marshal(document: dict) -> bytes:
    """Go's encoding/json: keys sorted, <, > and & escaped."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.encode()


@dataclass(frozen=True)
class Software:
    name: str
    actor_path: str
    key_suffix: str  # appended to the actor id to give the keyId
    shared_inbox: str  # the path the actor document names, "" if it names none
    our_inbox: str  # the inbox of ours it delivers to
    content_type: str  # of the documents it serves
    signs: Signer
    encode: Callable[[dict], bytes]
    answers_signed_gets_only: bool = False


SOFTWARES = [
    Software(
        "mastodon", "/users/anna", "#main-key", "/inbox", "/ap/presse/inbox",
        "application/activity+json; charset=utf-8", _mastodon_signs, _compact,
    ),
    Software(
        "misskey", "/users/9x2kq7m1ab", "#main-key", "/inbox", "/ap/inbox",
        "application/activity+json; charset=utf-8", _misskey_signs, _compact,
    ),
    Software(
        "pixelfed", "/users/anna", "#main-key", "/f/inbox", "/ap/inbox",
        ACTIVITY_JSON, _pixelfed_signs, _php_json_encode,
    ),
    Software(
        "gotosocial", "/users/anna", "/main-key", "", "/ap/presse/inbox",
        ACTIVITY_JSON, _gotosocial_signs, _go_json_marshal, answers_signed_gets_only=True,
    ),
]  # fmt: skip


# --- the remote server and its user ----------------------------------------------------------


def _substitute(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, replacement in values.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, list):
        return [_substitute(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, values) for key, item in value.items()}
    return value


class Remote:
    """Anna on a server of one software: her documents served from ``server``, her activities
    delivered to our inbox as that software delivers them."""

    def __init__(self, software: Software, server: FediverseServer, client, keys, account, post):
        self.software = software
        self.server = server
        self.client = client
        self.private_pem = keys[0]
        self.actor = server.url(software.actor_path)
        self.key_id = self.actor + software.key_suffix
        self.values = {
            "{BASE}": server.base,
            "{ACTOR}": self.actor,
            "{PUBLIC_KEY_PEM}": keys[1],
            "{OUR_ACTOR}": identities.actor(account.username),
            "{OUR_PROFILE}": objects.actor(account)["url"],
            "{OUR_NOTE}": identities.note(account.username, post.pk),
        }
        # The key our instance actor signs its GETs with, as GoToSocial would fetch it.
        self.instance_pem = InstanceActor.get().public_key_pem
        self.instance_key_id = identities.instance_actor() + "#main-key"
        self.serve(software.actor_path, self.payload("actor"))
        if software.key_suffix == "/main-key":
            self.serve(software.actor_path + "/main-key", self.payload("main_key"))

    @property
    def our_note(self) -> str:
        return self.values["{OUR_NOTE}"]

    def payload(self, name: str) -> dict:
        raw = json.loads((PAYLOADS / self.software.name / f"{name}.json").read_text())
        return _substitute(raw, self.values)

    def signed_by_us(self, request: Recorded) -> bool:
        def lookup(key_id: str, refresh: bool = False) -> str | None:
            return self.instance_pem if key_id == self.instance_key_id else None

        try:
            httpsig.verify(
                "GET", request.path_qs, dict(request.headers), None, public_key_for=lookup
            )
        except httpsig.SignatureError:
            return False
        return True

    def serve(self, path: str, document: dict) -> None:
        body = self.software.encode(document)

        def answer(request: Recorded) -> web.Response:
            if self.software.answers_signed_gets_only and not self.signed_by_us(request):
                return web.Response(status=401, text="signature required")
            return web.Response(body=body, headers={"Content-Type": self.software.content_type})

        self.server.route(path, answer)

    def gone(self) -> None:
        """The account was deleted: its documents answer 410, as Mastodon's do."""
        self.server.status(self.software.actor_path, 410)
        self.server.status(self.software.actor_path + "/main-key", 410)

    def gets(self) -> list[Recorded]:
        return [r for r in self.server.requests if r.method == "GET"]

    def signed_headers(self, activity: dict) -> tuple[bytes, dict[str, str]]:
        body = self.software.encode(activity)
        path = self.software.our_inbox
        return body, self.software.signs(path, body, self.key_id, self.private_pem)

    def post(self, body: bytes, headers: dict[str, str]):
        headers = dict(headers)
        content_type = headers.pop("Content-Type")
        return self.client.post(
            self.software.our_inbox, data=body, content_type=content_type, headers=headers
        )

    def deliver(self, activity: dict | str):
        if isinstance(activity, str):
            activity = self.payload(activity)
        return self.post(*self.signed_headers(activity))
