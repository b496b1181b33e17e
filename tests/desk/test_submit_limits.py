"""A post that breaks a channel's limits cannot be submitted; the desk says what is wrong."""

from django.urls import reverse
from django.utils import translation

from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.helpers import log_in


def test_it_refuses_to_submit_a_post_over_the_limit(client, office, editor, scripted_channel):
    body = "Sehr lang. " * 40
    post = lifecycle.create_draft(office, by=editor, title="Lang", body=body)
    log_in(client, editor)
    response = client.post(reverse("desk:post_step", args=[office.slug, post.pk, "submit"]))
    html = response.content.decode()
    post.refresh_from_db()
    assert response.status_code == 400
    assert post.status == Post.Status.DRAFT
    with translation.override("de"):
        expected = scripted_channel.limits.problems(text=body, title="Lang", alt_texts=[])
    assert expected and all(problem in html for problem in expected)
    assert 'role="alert"' in html
