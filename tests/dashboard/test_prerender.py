"""The map page's first view rendered by the server (issue 12): in the HTML before any script runs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from dash import html

from dashboard.app import create_app
from dashboard.filters import FilterState
from dashboard.map.offer_list import PAGE_SIZE
from dashboard.map.prerender import PRERENDER_ID, first_view_html, to_html
from dashboard.map.view import ListSettings, compute_view
from geodata.privacy import public_features


class FirstView(HTMLParser):
    """Collects, inside ``#first-view``, the list entries' names and ids and every attribute value."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # element depth inside #first-view (0: outside)
        self.in_name = False
        self.names: list[str] = []
        self.entry_ids: list[str] = []
        self.attributes: list[str] = []
        self.ids: list[str] = []
        self.first_views = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == PRERENDER_ID:
            self.first_views += 1
            self.depth = 1
            return
        if not self.depth:
            return
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.depth += 1
        self.attributes += [v for v in values.values() if v]
        self.ids += [str(values["id"])] if values.get("id") else []
        classes = (values.get("class") or "").split()
        if tag == "li" and "offer-entry" in classes:
            self.entry_ids.append(str(values.get("data-offer-id")))
        self.in_name = tag == "span" and "entry-name" in classes

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
        self.in_name = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_name:
            self.names.append(data)


def parse(page: str) -> FirstView:
    parser = FirstView()
    parser.feed(page)
    return parser


def get(app: Any, url: str) -> str:
    response = app.server.test_client().get(url)
    assert response.status_code == 200
    return str(response.data.decode("utf-8"))


@pytest.fixture
def shelter_data_dir(tmp_path: Path, tiny_offers: list[dict[str, Any]], tiny_writer: Callable[..., Path]) -> Path:
    """Tiny data plus an offer whose location is published at district level only (coarsened like a build)."""
    from geodata.io import read_districts

    shelter = copy.deepcopy(tiny_offers[0])
    shelter["geometry"]["coordinates"] = [9.1873456, 48.8937123]
    shelter["properties"].update(
        id="shelter",
        name="Aaa Frauenschutzhaus",
        street="Geheimgasse",
        house_number="17",
        location_visibility="district",
        email=None,
        phone=None,
        url=None,
    )
    folder = tiny_writer(tmp_path / "raw", [*tiny_offers, shelter])
    public, _left_out = public_features([*tiny_offers, shelter], read_districts(folder / "districts.geojson"))
    return tiny_writer(tmp_path / "data", public)


def test_index_of_arabic_holds_the_first_offers_in_list_order_right_to_left_and_no_protected_location(
    shelter_data_dir: Path,
) -> None:
    from dashboard.data import load_dataset

    app = create_app(shelter_data_dir)
    page = get(app, "/?lang=ar")
    dataset = load_dataset(shelter_data_dir)
    view = compute_view(dataset, FilterState(lang="ar"), ListSettings())
    expected = [str(dataset.offers.iloc[int(r)]["name"]) for r in view.rows[:PAGE_SIZE]]
    found = parse(page)
    assert found.first_views == 1
    assert found.names == expected and "Aaa Frauenschutzhaus" in expected  # the shelter is listed, by name
    assert '<html lang="ar" dir="rtl">' in page and '<div class="page" dir="rtl" lang="ar">' in page
    assert "بيانات تجريبية" in page  # the demo badge, in Arabic
    # protected: neither the street nor the exact point of the district-level entry
    assert "Geheimgasse" not in page and "9.187345" not in page and "48.893712" not in page


def test_first_view_follows_the_filters_and_sort_of_the_url(tiny_data_dir: Path) -> None:
    app = create_app(tiny_data_dir)
    found = parse(get(app, "/?category=counselling&sort=district"))
    from dashboard.data import load_dataset

    dataset = load_dataset(tiny_data_dir)
    view = compute_view(dataset, FilterState(categories=("counselling",)), ListSettings(sort="district"))
    assert found.entry_ids == [str(dataset.offers.iloc[int(r)]["id"]) for r in view.rows]
    assert len(found.entry_ids) == 2  # o2 and o5: the list is filtered, not the whole data set


def test_first_view_repeats_no_id_of_the_page(tiny_data_dir: Path) -> None:
    page = get(create_app(tiny_data_dir), "/?lang=tr")
    found = parse(page)
    assert "fv-offer-list" in found.ids and "fv-main" in found.ids
    assert all(i.startswith("fv-") for i in found.ids), [i for i in found.ids if not i.startswith("fv-")]
    assert 'href="#fv-main"' in page and 'aria-labelledby="fv-list-heading"' in page  # references follow


def test_first_view_is_only_on_the_map_page(tiny_data_dir: Path) -> None:
    app = create_app(tiny_data_dir)
    assert parse(get(app, "/coverage")).first_views == 0
    assert 'aria-busy="true"' in get(app, "/") and 'aria-busy="true"' not in get(app, "/coverage")


def test_everything_from_the_data_and_the_url_is_escaped(tiny_data_dir: Path, tiny_offers, tiny_writer) -> None:
    tiny_offers[0]["properties"]["name"] = '<img src=x onerror="alert(1)">Café & Co'
    app = create_app(tiny_writer(tiny_data_dir, tiny_offers))
    page = get(app, '/?q="><script>alert(2)</script>')
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in page  # the search box keeps the text
    plain = get(app, "/")
    assert "<img src=x" not in plain and '&lt;img src=x onerror="alert(1)"&gt;Café &amp; Co' in plain
    found = parse(plain)
    assert '<img src=x onerror="alert(1)">Café & Co' in found.names


def test_to_html_gives_reacts_markup_for_dash_html_elements() -> None:
    tree = html.Li(
        html.Button(
            [html.Span("A < B", className="entry-name"), None, 3],
            type="button",
            className="entry",
            hidden=False,
            **{"data-offer-id": 'x"y', "aria-controls": "detail"},
        ),
        tabIndex=-1,
        spellCheck="false",
        style={"backgroundColor": "#fff"},
    )
    assert to_html(tree) == (
        '<li spellcheck="false" style="background-color: #fff" tabindex="-1">'
        '<button aria-controls="detail" class="entry" data-offer-id="x&quot;y" type="button">'
        '<span class="entry-name">A &lt; B</span>3</button></li>'
    )


def test_the_view_without_filters_is_rendered_once_per_snapshot(
    tmp_path: Path, tiny_offers: list[dict[str, Any]], publish_tiny: Callable[..., str]
) -> None:
    from dashboard.snapshot import load_snapshot

    data_dir = tmp_path / "data"
    first = load_snapshot(data_dir, publish_tiny(data_dir))
    assert first_view_html(first, {"lang": "tr"}) is first_view_html(first, {"lang": "tr"})  # cached
    assert first_view_html(first, {"q": "kurs"}) is not first_view_html(first, {"q": "kurs"})  # not cached
    tiny_offers[0]["properties"]["name"] = "Aaa Neues Sprachcafé"
    second = load_snapshot(data_dir, publish_tiny(data_dir, tiny_offers))
    assert parse(first_view_html(second, {"lang": "tr"})).names[0] == "Aaa Neues Sprachcafé"
    assert "Aaa Neues Sprachcafé" not in first_view_html(first, {"lang": "tr"})


def test_the_map_page_brings_its_stylesheets_inline_other_pages_link_them(tiny_data_dir: Path) -> None:
    app = create_app(tiny_data_dir)
    page, coverage = get(app, "/"), get(app, "/coverage")
    assert '<link rel="stylesheet"' not in page and page.count("<style>") == 1
    assert ".first-view" in page.split("<style>", 1)[1].split("</style>", 1)[0]  # app.css's rules, in the head
    assert page.index("</style>") < page.index("</head>")
    assert '<link rel="stylesheet" href="/assets/app.css' in coverage and "<style>" not in coverage


def test_the_map_page_preloads_maplibre_in_its_head(tiny_data_dir):
    from dashboard.app import MAPLIBRE_MODULE, MAPLIBRE_WORKER, create_app

    client = create_app(tiny_data_dir).server.test_client()
    page = client.get("/")
    # announced in the headers too, so the browser asks for MapLibre before the body has arrived
    assert page.headers["Link"] == f"<{MAPLIBRE_MODULE}>; rel=modulepreload, <{MAPLIBRE_WORKER}>; rel=prefetch"
    assert "Link" not in client.get("/coverage").headers and "Link" not in client.get("/nowhere").headers
    head = page.get_data(as_text=True).split("</head>")[0]
    assert f'<link rel="modulepreload" href="{MAPLIBRE_MODULE}">' in head
    assert f'<link rel="prefetch" href="{MAPLIBRE_WORKER}">' in head  # the worker, before a map asks for it
    for url in (MAPLIBRE_MODULE, MAPLIBRE_WORKER):
        assert client.get(url).status_code == 200, url
    coverage = client.get("/coverage").get_data(as_text=True)
    assert "modulepreload" not in coverage and "prefetch" not in coverage


@pytest.mark.parametrize(("lang", "status"), [("de", "50 von 60 Angeboten angezeigt"), ("ar", "تظهر 50 من أصل 60")])
def test_a_long_list_says_how_many_are_shown_in_the_page_language(
    tmp_path: Path, tiny_offers, tiny_writer, lang: str, status: str
) -> None:
    """More offers than one page: the status line uses the plural catalogue (it crashed on a plain translator)."""
    offers = []
    for i in range(60):
        offer = copy.deepcopy(tiny_offers[i % len(tiny_offers)])
        offer["properties"]["id"] = f"n{i}"
        offer["properties"]["name"] = f"Angebot {i:02d}"
        offers.append(offer)
    data = tiny_writer(tmp_path / "data", offers)
    page = create_app(data).server.test_client().get(f"/?lang={lang}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert status in body and 'role="radiogroup"' in body
