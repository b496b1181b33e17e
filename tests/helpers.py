"""Plain functions many tests need: people and their logins, a published post, a citizen's
question in the inbox, a small real image. Fixtures (``tests/conftest.py`` and the conftest
of each level) are built from these; a test calls them directly where it needs other values
than a fixture's."""

from __future__ import annotations

import io
import time

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery"
CITIZEN = "https://social.example/users/anna"
SIGNING_KEY_ID = "https://presse.mitte.example/@mitte#main-key"


# ----- people -------------------------------------------------------------------------------


def make_user(username: str, office, *roles):
    """A user with ``roles`` in ``office`` and the tests' password."""
    from rathaus.offices.models import Membership

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for role in roles:
        Membership.objects.create(user=user, office=office, role=role)
    return user


def with_totp(user) -> str:
    """Give ``user`` a TOTP authenticator, as every office admin and staff account must have
    one (offices.login_policy); returns the secret, for tests that compute codes."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, steps_ago: int = 0) -> str:
    """The code an authenticator app shows now for ``secret`` (or showed ``steps_ago``
    30-second steps before)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def log_in(client, user, *, language: str = ""):
    """``client`` logged in as ``user`` (and reading the desk in ``language``, if given)."""
    from django.conf import settings

    assert client.login(username=user.username, password=PASSWORD)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# ----- posts --------------------------------------------------------------------------------


def publish(office, editor, approver, capture, *, images=(), **fields):
    """A post of ``office`` written by ``editor`` with ``images`` (each the arguments of
    ``lifecycle.add_image``), approved and published by ``approver``; ``capture`` is
    pytest-django's ``django_capture_on_commit_callbacks``, so the deliveries' on-commit
    wake-ups run as a real commit would run them."""
    from rathaus.posts import lifecycle

    post = lifecycle.create_draft(office, by=editor, **fields)
    for image in images:
        lifecycle.add_image(post, by=editor, **image)
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with capture(execute=True):
        return lifecycle.publish(post, by=approver)


def png(name: str = "linden.png", colour=(0, 90, 60), size=(2, 2)):
    """A small real PNG upload, made here so the tests carry no binary file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ----- the inbox ----------------------------------------------------------------------------


def ask(
    office, text_html: str = "?", *, channel: str = "contact", remote_id: str = "q:1", **fields
):
    """A citizen's message arriving through the inbox's one door (``inbox.inbound``), as a
    channel would hand it in; ``fields`` are the InboundMessage's others (author, is_public,
    …). Returns the stored message; its conversation is ``.conversation``."""
    from rathaus.inbox import inbound

    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office, channel=channel, remote_id=remote_id, text_html=text_html, **fields
        )
    )
    return message


def fetch_account(account) -> int:
    """One run of the periodic fetch for ``account``, as the task runs it: with the account
    (and its cursor) as stored. Returns how many new messages were stored."""
    from rathaus.connectors import fetching

    account.refresh_from_db()
    return fetching.fetch(account)


def reply_as(agent, conversation, text: str, capture, **options):
    """``agent`` answers ``conversation`` from the desk (``inbox.work.reply``); ``capture``
    is ``django_capture_on_commit_callbacks``, so the answer's delivery runs at the commit
    as in production. Returns the answer, as stored after its delivery."""
    from rathaus.inbox import work

    with capture(execute=True):
        answer = work.reply(conversation, text, by=agent, **options)
    answer.refresh_from_db()
    return answer


# ----- migrations ---------------------------------------------------------------------------


class MigrationStatements:
    """What a search-index migration's functions use of a schema editor: the connection,
    execute(). (Django's own refuses to open inside the test's transaction on SQLite.)"""

    from django.db import connection

    def execute(self, sql):
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # The test's transaction holds deferred foreign-key checks, which
                # PostgreSQL wants done before it builds an index.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
