import pytest

from rathaus.offices.models import installation_url


@pytest.fixture
def rendering(settings):
    """Public pages rendered after each change, as in production (off in other tests)."""
    settings.RENDER_PAGES = True
    settings.RENDERED_SITE_SECONDS = 0  # at once: Huey's immediate mode keeps later tasks
    settings.FEDERATION_DOMAIN = "presse.example"
    settings.ALLOWED_HOSTS = ["presse.example", "testserver"]
    return installation_url()
