"""One place builds an office's public addresses (``Office.public_url``): on its public
base URL, else on the host a request asked for, else on the installation's own address —
never a relative link."""

from django.test import RequestFactory

from rathaus.offices.models import Office, installation_url


def test_a_path_goes_on_the_offices_public_base_url(office):
    assert office.public_url("/mitte/meldungen/1-a/") == (
        "https://presse.mitte.example/mitte/meldungen/1-a/"
    )
    assert office.public_url() == "https://presse.mitte.example"


def test_a_trailing_slash_of_the_base_url_is_not_doubled(office):
    office.public_base_url = "https://presse.mitte.example/"

    assert office.public_url("/mitte/") == "https://presse.mitte.example/mitte/"


def test_the_base_url_wins_over_the_host_asked(office):
    request = RequestFactory().get("/", HTTP_HOST="other.example")

    assert office.public_url("/mitte/", request=request) == "https://presse.mitte.example/mitte/"


def test_without_a_base_url_a_request_gives_the_host_asked(other_office, settings):
    settings.ALLOWED_HOSTS = ["nord.example"]
    request = RequestFactory().get("/", HTTP_HOST="nord.example")

    assert other_office.public_url("/nord/", request=request) == "http://nord.example/nord/"


def test_without_a_base_url_or_a_request_the_installation_is_the_default(other_office, settings):
    settings.FEDERATION_DOMAIN = "rathaus.example"
    settings.FEDERATION_ALLOW_HTTP = False

    assert installation_url() == "https://rathaus.example"
    assert other_office.public_url("/nord/meldungen/2-b/") == (
        "https://rathaus.example/nord/meldungen/2-b/"
    )


def test_the_default_follows_the_federations_scheme(other_office, settings):
    settings.FEDERATION_DOMAIN = "127.0.0.1:8123"
    settings.FEDERATION_ALLOW_HTTP = True

    assert other_office.public_url("/nord/") == "http://127.0.0.1:8123/nord/"


def test_no_address_is_ever_relative(db, settings):
    settings.FEDERATION_DOMAIN = "rathaus.example"
    office = Office(slug="leer", name="Leer", public_base_url="")

    assert office.public_url("/leer/").startswith("https://")
