"""Two Rathaus servers on two loopback ports federate with each other (follow, post, reply,
delete) through real HTTP.

Each instance is a real process (granian serving rathaus.wsgi) with its own data dir and its
own SQLite database, whatever database the suite itself runs on; tasks run inline
(RATHAUS_TASKS_IMMEDIATE), so a delivery has happened when the step that caused it returns.
Between the instances there is only HTTP: WebFinger, actor documents, signed inbox POSTs.
The test reads and changes each instance's data through ``Instance.python`` – a short
script run in that instance's environment, answering JSON – and ``Instance.manage``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[2]
# Generous: CI runs this beside another test worker on two cores, and a migrate of a fresh
# database took over 60 s there once; a limit here only turns a hang into a clear failure.
START_SECONDS = 60
COMMAND_SECONDS = 180
RESULT = "@@result@@ "

# Runs before every Instance.python snippet: Django set up, the snippet's parameters as
# variables, the models and helpers the snippets use imported.
PRELUDE = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from rathaus.federation import identities, activities
from rathaus.federation.models import Account, Activity, Follower, Outgoing, RemoteActor
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.models import Membership, Office, Role
from rathaus.posts import lifecycle
from rathaus.posts.models import Post
User = get_user_model()
globals().update(json.loads(sys.argv[1]))
result = None
"""
EPILOGUE = f"\nprint({RESULT!r} + json.dumps(result, default=str))\n"


def _clean_environ() -> dict[str, str]:
    """The environment without our settings, the suite's database and Redis, and the
    browser tests' async switch (as in test_settings_from_env)."""
    foreign = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        k: v for k, v in os.environ.items() if not k.startswith("RATHAUS_") and k not in foreign
    }


@dataclass
class Instance:
    name: str
    data_dir: Path
    port: int
    server: subprocess.Popen | None = None
    public_key: str = ""  # of its account, made in the set-up

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.domain}"

    def handle(self, username: str) -> str:
        return f"@{username}@{self.domain}"

    def actor(self, username: str) -> str:
        return f"{self.base}/ap/{username}"

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def env(self) -> dict[str, str]:
        return _clean_environ() | {
            "DJANGO_SETTINGS_MODULE": "rathaus.settings",
            "DATABASE_URL": f"sqlite:///{self.data_dir / 'db.sqlite3'}",
            "RATHAUS_DATA_DIR": str(self.data_dir),
            "RATHAUS_FEDERATION_DOMAIN": self.domain,
            "RATHAUS_FEDERATION_ALLOW_HTTP": "true",
            "RATHAUS_FEDERATION_PRIVATE_HOSTS": "127.0.0.1",
            "RATHAUS_HTTPS": "false",
            "RATHAUS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RATHAUS_TASKS_IMMEDIATE": "true",
            "RATHAUS_EMAIL_BACKEND": "memory",
            "RATHAUS_LOG_LEVEL": "INFO",
        }

    def _run(self, argv: list[str]) -> str:
        done = subprocess.run(
            argv,
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
            check=False,
        )
        assert done.returncode == 0, (
            f"{self.name}: {argv[1:3]} failed ({done.returncode})\n{done.stdout}\n{done.stderr}"
        )
        return done.stdout

    def manage(self, *args: str) -> str:
        """``manage.py <args>`` in this instance; its stdout."""
        return self._run([sys.executable, "manage.py", *args])

    def python(self, code: str, **params: Any) -> Any:
        """Run ``code`` with Django set up in this instance and ``params`` as variables;
        returns what it left in ``result``, through JSON."""
        script = PRELUDE + textwrap.dedent(code) + EPILOGUE
        out = self._run([sys.executable, "-c", script, json.dumps(params)])
        line = next(line for line in reversed(out.splitlines()) if line.startswith(RESULT))
        return json.loads(line.removeprefix(RESULT))

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "granian",
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                    "--blocking-threads",
                    "4",
                    "--no-ws",
                    "rathaus.wsgi:application",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends its workers too
            )

    def wait_until_serving(self, deadline: float) -> None:
        """Until Django answers over HTTP (any status), the process dies, or the deadline."""
        url = f"{self.base}/.well-known/webfinger?resource=acct:nobody@{self.domain}"
        while True:
            assert self.server is not None and self.server.poll() is None, (
                f"{self.name} stopped:\n{self.log.read_text()}"
            )
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # an answer: Django is serving
            except OSError:
                assert time.monotonic() < deadline, (
                    f"{self.name} did not answer within {START_SECONDS} s:\n{self.log.read_text()}"
                )
                time.sleep(0.1)

    def stop(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGTERM)
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=10)


SETUP = """
from django.core.management import call_command

call_command("migrate", verbosity=0)
office = Office.objects.create(
    name=office_name, slug=slug, imprint=office_name, privacy_contact="datenschutz@example.org"
)
for username, role in (("erika", Role.EDITOR), ("anton", Role.APPROVER), ("agnes", Role.AGENT)):
    user = User.objects.create_user(username=username)
    Membership.objects.create(user=user, office=office, role=role)
account = Account.objects.create(office=office, username=account, display_name=office_name)
result = account.public_key_pem
"""


@pytest.fixture
def instances(tmp_path):
    """A and B, set up (in parallel) and serving; stopped however the test ends."""
    a = Instance("A", tmp_path / "a", free_port())
    b = Instance("B", tmp_path / "b", free_port())
    while b.port == a.port:
        b.port = free_port()
    for instance in (a, b):
        (instance.data_dir / "static").mkdir(parents=True)  # WhiteNoise warns without it
    try:
        with ThreadPoolExecutor(2) as pool:
            a_key = pool.submit(
                a.python, SETUP, office_name="Amt A", slug="amt-a", account="a_presse"
            )
            b_key = pool.submit(
                b.python, SETUP, office_name="Amt B", slug="amt-b", account="b_presse"
            )
            a.public_key, b.public_key = a_key.result(), b_key.result()
        for instance in (a, b):
            instance.start()
        deadline = time.monotonic() + START_SECONDS
        for instance in (a, b):
            instance.wait_until_serving(deadline)
        yield a, b
    finally:
        for instance in (a, b):
            instance.stop()
        for instance in (a, b):
            # Shown by pytest only when the test failed: what each server logged.
            if instance.log.exists():
                print(f"--- {instance.name} ({instance.base}) server log ---")
                print(instance.log.read_text(errors="replace")[-5000:])


OUTGOING = """
rows = Outgoing.objects.filter(activity__kind=kind).select_related("activity").order_by("pk")
result = [[row.inbox, row.status, row.last_error] for row in rows]
"""


def test_two_instances_follow_post_reply_and_delete(instances):
    a, b = instances

    # 1. follow: A's operator follows @b_presse; B fetches A's actor to check the signature.
    out = a.manage("federation", "follow", "--as", "a_presse", b.handle("b_presse"))
    assert f"→ {b.actor('b_presse')}/inbox: delivered" in out
    followers = b.python(
        """
        result = [
            [f.account.username, f.actor.uri, f.actor.inbox, f.actor.shared_inbox,
             f.actor.public_key_pem]
            for f in Follower.objects.select_related("account", "actor")
        ]
        """
    )
    assert followers == [
        [
            "b_presse",
            a.actor("a_presse"),
            f"{a.actor('a_presse')}/inbox",
            f"{a.base}/ap/inbox",
            a.public_key,
        ]
    ]
    # B's Accept went back to A's inbox and was taken (A checked B's signature).
    assert b.python(OUTGOING, kind="Accept") == [[f"{a.actor('a_presse')}/inbox", "delivered", ""]]

    # 2. post: published on B through the four-eyes lifecycle, fanned out to A.
    published = b.python(
        """
        office = Office.objects.get()
        erika, anton = User.objects.get(username="erika"), User.objects.get(username="anton")
        post = lifecycle.create_draft(
            office, by=erika, title="Baumfällung", body="Am Montag in der Lindenallee.",
            category="short_notice",
        )
        lifecycle.submit(post, by=erika)
        lifecycle.approve(post, by=anton)
        lifecycle.publish(post, by=anton)
        rows = Outgoing.objects.filter(activity__post=post).select_related("activity")
        result = {
            "note": identities.note("b_presse", post.pk),
            "outgoing": [[r.activity.kind, r.inbox, r.status, r.last_error] for r in rows],
        }
        """
    )
    note = published["note"]
    assert note == f"{b.actor('b_presse')}/notes/1"
    # One delivery to A's shared inbox, answered 202 after A verified B's signature.
    assert published["outgoing"] == [["Create", f"{a.base}/ap/inbox", "delivered", ""]]

    # 3. reply: A's operator asks a question under B's post ...
    out = a.manage(
        "federation",
        "send",
        "--as",
        "a_presse",
        b.handle("b_presse"),
        "Frage",
        "--in-reply-to",
        note,
    )
    assert f"→ {b.actor('b_presse')}/inbox: delivered" in out
    question = a.python('result = Activity.objects.get(kind=activities.REPLY).body["object"]["id"]')
    # ... which lands in B's inbox, linked to the post; an agent answers it directly.
    answered = b.python(
        """
        conversation = Conversation.objects.get()
        message = conversation.messages.get()
        result = {
            "post": conversation.post.title,
            "channel": conversation.channel,
            "public": conversation.is_public,
            "message": [message.remote_id, message.author_handle, message.author_url,
                        message.in_reply_to, message.text_html],
        }
        agnes = User.objects.get(username="agnes")
        reply = work.reply(conversation, "Antwort: ja.", public=False, by=agnes)
        reply.refresh_from_db()
        activity = Activity.objects.get(kind=activities.REPLY)
        result["reply"] = reply.remote_id
        result["tags"] = activity.body["object"]["tag"]
        result["outgoing"] = [[o.inbox, o.status, o.last_error] for o in activity.outgoing.all()]
        """
    )
    assert answered["post"] == "Baumfällung"
    assert answered["channel"] == "fediverse" and answered["public"] is False
    remote_id, author_handle, author_url, in_reply_to, text = answered["message"]
    assert remote_id == question
    assert author_handle == a.handle("a_presse")
    assert author_url == a.actor("a_presse")
    assert in_reply_to == note
    assert "Frage" in text
    assert answered["tags"] == [
        {"type": "Mention", "href": a.actor("a_presse"), "name": author_handle}
    ]
    assert answered["outgoing"] == [[f"{a.actor('a_presse')}/inbox", "delivered", ""]]
    # On A, the answer is a message in A's inbox, in reply to A's question.
    received = a.python(
        """
        message = Message.objects.get()
        result = [message.conversation.office.slug, message.direction, message.remote_id,
                  message.in_reply_to, message.author_url, message.text_html]
        """
    )
    office, direction, remote_id, in_reply_to, author_url, text = received
    assert (office, direction) == ("amt-a", "in")
    assert remote_id == answered["reply"]
    assert in_reply_to == question
    assert author_url == b.actor("b_presse")
    assert "a_presse" in text and "Antwort: ja." in text

    # 4. delete: withdrawing the post on B sends a Delete to A.
    withdrawn = b.python(
        """
        post = Post.objects.get()
        lifecycle.withdraw(post, by=User.objects.get(username="anton"), reason="Abgesagt.")
        rows = Outgoing.objects.filter(activity__kind="Delete").select_related("activity")
        result = [[r.activity.body["object"]["id"], r.inbox, r.status, r.last_error] for r in rows]
        """
    )
    assert withdrawn == [[note, f"{a.base}/ap/inbox", "delivered", ""]]
