"""host-meta: older clients find the WebFinger endpoint through it."""

from xml.etree import ElementTree

XRD = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"


def test_host_meta_points_to_webfinger(client, db, settings):
    settings.FEDERATION_DOMAIN = "rathaus.example"
    response = client.get("/.well-known/host-meta", HTTP_ACCEPT="application/xrd+xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xrd+xml")
    root = ElementTree.fromstring(response.content)
    link = root.find(f"{XRD}Link")
    assert link.get("rel") == "lrdd"
    assert link.get("template") == ("https://rathaus.example/.well-known/webfinger?resource={uri}")
