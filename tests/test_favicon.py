"""Every page used to log a 404 for /favicon.ico: the icon is answered, linked from every page and cached."""
import io
import re

from PIL import Image
from lxml import etree

from tests.factories import open_event


def test_favicon_ico_is_answered_with_caching_headers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.cache_control.public and response.cache_control.max_age >= 24 * 3600
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= set(icon.info["sizes"])
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_page_links_the_icons(client):
    event = open_event()
    for url in ("/", f"/events/{event.slug}", f"/events/{event.slug}/register", "/auth/login", "/no-such-page"):
        page = client.get(url).get_data(as_text=True)
        links = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"[^>]*type="image/svg\+xml"', page))
        assert links.get("icon", "").endswith("/favicon.svg"), url
        assert 'href="/favicon.ico"' in page and "apple-touch-icon.png" in page, url
    for href in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page):
        assert client.get(href).status_code == 200, href


def test_the_svg_icon_is_well_formed_and_names_itself(client):
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = etree.fromstring(response.data)
    assert svg.get("viewBox") == "0 0 32 32"
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == "EventHub"
