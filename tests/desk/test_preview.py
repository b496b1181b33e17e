"""The live preview: sanitised HTML and per-channel counters, also rendered without JS."""

from django.urls import reverse
from django.utils import translation

from tests.helpers import log_in


def test_it_sanitises_the_preview(client, office, editor):
    log_in(client, editor)
    response = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "T", "body": "**fett** <script>alert(1)</script> [x](javascript:alert(2))"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>fett</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html


def test_it_counts_per_channel_and_reports_problems(client, office, editor, scripted_channel):
    log_in(client, editor)
    body = "x" * 300
    response = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Titel", "body": body, "variant_scripted": ""},
    )
    html = response.content.decode()
    assert "300 / 100000" in html  # newsroom
    assert "300 / 280" in html  # the scripted channel has no variant: counts the main text
    with translation.override("de"):  # the desk's default language, whatever the .po says
        expected = scripted_channel.limits.problems(text=body, title="Titel", alt_texts=[])
    assert expected and all(problem in html for problem in expected)
    assert "counter-problem" in html


def test_a_variant_is_counted_instead_of_the_main_text(client, office, editor, scripted_channel):
    log_in(client, editor)
    response = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Titel", "body": "x" * 300, "variant_scripted": "kurz"},
    )
    html = response.content.decode()
    assert "4 / 280" in html
    assert html.count("counter-problem") == 0


def test_the_form_has_a_variant_field_and_counters_without_js(
    client, office, editor, draft, scripted_channel
):
    log_in(client, editor)
    html = client.get(reverse("desk:post_edit", args=[office.slug, draft.pk])).content.decode()
    assert 'name="variant_scripted"' in html
    assert f"{len(draft.body)} / 280" in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert reverse("desk:preview", args=[office.slug]) in html
    assert "<strong>Montag</strong>" in html


def test_the_preview_counts_the_posts_images(client, office, editor, draft, tiny_png):
    from rathaus.posts import lifecycle

    lifecycle.add_image(
        draft, by=editor, file=tiny_png, alt_text="Linde", author="Amt", licence="CC0"
    )
    log_in(client, editor)
    response = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "T", "body": "b", "post_id": str(draft.pk)},
    )
    assert "1 / 20" in response.content.decode()
