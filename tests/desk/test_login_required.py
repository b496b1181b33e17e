"""Nobody sees any of the desk without logging in."""

import pytest
from django.urls import URLPattern, reverse

from rathaus.desk import urls as desk_urls

SAMPLE = {
    "slug": "mitte",
    "pk": 1,
    "image": 1,
    "message": 1,
    "step": "approve",
    "platform": "xing",
}


@pytest.mark.parametrize(
    "pattern",
    [p for p in desk_urls.urlpatterns if isinstance(p, URLPattern)],
    ids=lambda p: p.name,
)
def test_it_sends_anonymous_visitors_to_the_login(client, office, pattern):
    kwargs = {name: SAMPLE[name] for name in pattern.pattern.converters}
    url = reverse(f"desk:{pattern.name}", kwargs=kwargs)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_logging_in_lands_on_the_only_office(client, office, editor):
    from tests.helpers import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": editor.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("desk:dashboard", args=[office.slug])
