"""The short notice's label is plain ('Short notice'); its examples are the post form's help
text, where the category is chosen."""

from __future__ import annotations

from django.urls import reverse

from rathaus.posts.models import Category
from tests.helpers import log_in


def test_the_label_is_plain(english_messages):
    assert Category.SHORT_NOTICE.label == "Short notice"


def test_the_post_form_gives_the_examples_as_help(client, office, editor):
    log_in(client, editor, language="en")
    html = client.get(reverse("desk:post_new", args=[office.slug])).content.decode()

    assert '<option value="short_notice">Short notice</option>' in html
    assert "Short notice: tree felling, road works and the like." in html
    assert "Short notice (" not in html


def test_the_form_is_another_offices_404(client, office, outsider):
    log_in(client, outsider, language="en")
    assert client.get(reverse("desk:post_new", args=[office.slug])).status_code == 404
