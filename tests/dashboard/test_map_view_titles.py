"""Page titles (WCAG 2.4.2): page-specific and in the interface language, in the served HTML and after
client-side navigation (Dash Pages' routing callback), through the real Flask app."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.app import create_app
from dashboard.i18n import translator
from dashboard.layout import document_title

PAGES = ("/", "/coverage", "/barrierefreiheit", "/leichte-sprache", "/gebaerdensprache", "/profile?district=mitte")
#: German words of the titles that must not appear in a Turkish, Arabic or Ukrainian title.
GERMAN = re.compile(r"Karte|Abdeckung|Stadtteil|Erklärung|Barrierefreiheit|Leichte|Gebärden|Seite|gefunden")


@pytest.fixture
def client(tiny_data_dir):
    return create_app(tiny_data_dir).server.test_client()


def served_title(client, url: str) -> str:
    response = client.get(url)
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    assert match, url
    return match.group(1)


@pytest.mark.parametrize("lang", ["tr", "ar", "uk"])
@pytest.mark.parametrize("page", PAGES)
def test_no_german_title_in_a_translated_page(client, page, lang):
    sep = "&" if "?" in page else "?"
    title = served_title(client, f"{page}{sep}lang={lang}")
    assert not GERMAN.search(title), title
    assert title.endswith("Stadtkarte Integration")


def test_titles_are_page_specific_in_german(client):
    titles = [served_title(client, page) for page in PAGES]
    assert len(set(titles)) == len(titles)
    assert titles[0] == "Karte der Integrationsangebote – Stadtkarte Integration"
    assert titles[-1] == "Stadtteilprofil Mitte – Stadtkarte Integration"


def test_not_found_page_title_is_translated(client):
    response = client.get("/gibt-es-nicht?lang=tr")
    assert response.status_code == 404
    title = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True)).group(1)
    assert not GERMAN.search(title) and "Stadtkarte Integration" in title
    assert document_title("/gibt-es-nicht", {}, translator("ar")).startswith(translator("ar")("Seite nicht gefunden"))


def test_title_after_client_navigation_is_translated(client):
    client.get("/")  # Dash Pages registers its routing callback on the first request
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/leichte-sprache"},
            {"id": "_pages_location", "property": "search", "value": "?lang=uk"},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    title = json.loads(response.data)["response"]["_pages_store"]["data"]["title"]
    assert title == "Легка німецька мова – Stadtkarte Integration"
