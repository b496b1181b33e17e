"""The CSV import on the desk: upload, preview with refusals, then the drafts; for editors
of the office only."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.posts.models import Post
from tests.helpers import log_in

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
CSV = (
    "title;text;category;time;channels\n"
    "Sprechstunde;Dienstags im Rathaus.;service;2026-03-31 10:00;newsroom\n"
    "Kaputt;Text;Kirmes;;\n"
    "Baustelle;Die Straße ist gesperrt.;short_notice;2026-03-24 08:30;\n"
)


def _url(office):
    return reverse("desk:calendar_import", args=[office.slug])


def _upload(text, name="plan.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@time_machine.travel(NOW, tick=False)
def test_preview_then_drafts(client, office, editor):
    log_in(client, editor, language="en")
    assert client.get(_url(office)).status_code == 200

    preview = client.post(_url(office), {"file": _upload(CSV)})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2 posts would be created" in html and "1 row refused" in html
    assert "Unknown category: Kirmes" in html
    assert "Tue 31.03.2026 10:00" in html  # shown in the office's time
    assert Post.objects.count() == 0  # the preview writes nothing

    text = preview.context["text"]
    done = client.post(_url(office), {"csv": text, "confirm": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("desk:post_list", args=[office.slug])
    assert "2 drafts created." in done.content.decode()
    assert "1 row was refused" in done.content.decode()
    posts = Post.objects.order_by("title")
    assert [(p.title, p.status) for p in posts] == [
        ("Baustelle", Post.Status.DRAFT),
        ("Sprechstunde", Post.Status.DRAFT),
    ]
    assert posts[1].publish_at == datetime(2026, 3, 31, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required"),
        ({"file": SimpleUploadedFile("x.csv", b"")}, "The submitted file is empty"),
        ({"file": SimpleUploadedFile("x.csv", b"a;b\n1;2\n")}, "missing: title, text"),
        ({"file": SimpleUploadedFile("x.csv", b"\x00\x01\x02")}, "not a CSV"),
        ({"csv": "nur;quatsch\n", "confirm": "1"}, "missing: title, text"),
        ({"csv": "x" * (1024 * 1024 + 1), "confirm": "1"}, "larger than 1 MB"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error(client, office, editor, data, message):
    log_in(client, editor, language="en")
    response = client.post(_url(office), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Post.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_file_with_only_refused_rows_creates_nothing(client, office, editor):
    log_in(client, editor, language="en")
    text = "title;text;time\nA;B;2020-01-01 10:00\n"
    response = client.post(_url(office), {"csv": text, "confirm": "1"})
    assert response.status_code == 200
    assert "must be in the future" in response.content.decode()
    assert Post.objects.count() == 0


def test_the_example_file(client, office, editor):
    log_in(client, editor)
    response = client.get(reverse("desk:calendar_import_template", args=[office.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("title;text;category;time;channels")


def test_only_editors_of_the_office_import(client, office, approver, outsider):
    urls = [_url(office), reverse("desk:calendar_import_template", args=[office.slug])]
    log_in(client, approver)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[0], {"file": _upload(CSV)}).status_code == 403
    log_in(client, outsider)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[0], {"csv": CSV, "confirm": "1"}).status_code == 404
    assert Post.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_channels_a_row_names_are_the_drafts_own(client, office, editor, connect_account):
    mastodon = connect_account("mastodon", api_base="http://127.0.0.1:9", name="presse")
    connect_account("xing", api_base="", remote_id="https://www.xing.com/pages/mitte")
    csv = (
        "title;text;category;time;channels\n"
        f"Nur Mastodon;Text.;service;2026-03-31 10:00;{mastodon.channel_key}\n"
        "Wie immer;Text.;service;2026-03-31 11:00;\n"
    )
    log_in(client, editor, language="en")
    client.post(_url(office), {"csv": csv, "confirm": "1"})

    chosen, usual = Post.objects.get(title="Nur Mastodon"), Post.objects.get(title="Wie immer")
    assert chosen.channels == sorted([mastodon.channel_key, "newsroom"])
    assert usual.channels is None  # follows its category's defaults
