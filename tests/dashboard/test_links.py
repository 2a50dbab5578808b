"""Links from data: only http(s)/mailto/tel; phone numbers as tel:."""

from __future__ import annotations

import pytest

from dashboard.components.links import mailto_href, route_href, tel_href, web_href


@pytest.mark.parametrize(
    ("phone", "href"),
    [("+49 7141 1234", "tel:+4971411234"), ("(07141) 910-0", "tel:071419100"), ("keine", None), (None, None)],
)
def test_tel_href(phone, href):
    assert tel_href(phone) == href


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.de", True),
        ("http://a.de/x?y=1", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("ftp://a", False),
        ("", False),
    ],
)
def test_web_href_allows_only_http(url, ok):
    assert (web_href(url) is not None) is ok


def test_mailto_href():
    assert mailto_href("a@b.de") == "mailto:a@b.de"
    assert mailto_href("a@b.de<script>") is None


def test_route_href_template():
    offer = {
        "lat": 48.9,
        "lon": 9.19,
        "street": "Marktplatz",
        "house_number": "1",
        "postal_code": "71634",
        "city": "Ludwigsburg",
    }
    assert route_href("https://r.example/?to={lat},{lon}", offer) == "https://r.example/?to=48.900000,9.190000"
    assert (
        route_href("https://r.example/?q={address}", offer)
        == "https://r.example/?q=Marktplatz%201%2071634%20Ludwigsburg"
    )
    assert route_href("javascript:{lat}", offer) is None
    assert route_href("https://r.example/{unknown}", offer) is None
    assert route_href(None, offer) is None
