"""Unconfirmed entries on the public side: faded with "nicht bestätigt seit <date>", and the filter confirmed=1."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from dashboard.filters import FilterState, filter_mask, from_store, parse_query, to_query
from dashboard.i18n import format_date, translator
from dashboard.map.freshness import freshness_badge, freshness_class, freshness_text, is_unconfirmed

SINCE = "2026-10-15"


@pytest.fixture
def data_dir(tmp_path, tiny_offers, tiny_writer):
    """The tiny dataset with o2 unconfirmed since :data:`SINCE`."""
    tiny_offers[1]["properties"]["unconfirmed_since"] = SINCE
    return tiny_writer(tmp_path / "data", tiny_offers)


@pytest.fixture
def dataset(data_dir):
    from dashboard.data import load_dataset

    return load_dataset(data_dir)


def ids(dataset: Any, mask: Any) -> list[str]:
    return list(dataset.offers["id"][mask])


def test_the_badge_names_the_date_in_the_users_language(dataset):
    o1, o2 = dataset.offers.iloc[0], dataset.offers.iloc[1]
    assert not is_unconfirmed(o1) and freshness_badge(o1, translator("de"), "de") is None
    assert freshness_class(o1) == "" and freshness_class(o2) == " unconfirmed"
    assert freshness_text(o2, translator("de"), "de") == "nicht bestätigt seit 15.10.2026"
    since = dt.date.fromisoformat(SINCE)
    for lang in ("en", "tr", "ar", "uk"):
        text = freshness_text(o2, translator(lang), lang)
        assert text is not None and format_date(since, lang) in text and "bestätigt" not in text
    badge = freshness_badge(o2, translator("tr"), "tr")
    assert badge is not None and "unconfirmed" in badge.className and "onaylanmadı" in badge.children


def test_list_and_detail_show_unconfirmed_entries_faded(dataset):
    from dashboard.map.detail import detail_panel
    from dashboard.map.offer_list import entry

    _ = translator("de")
    faded, plain = entry(dataset, 1, _, "de"), entry(dataset, 0, _, "de")
    assert "unconfirmed" in faded.className and "unconfirmed" not in plain.className
    assert "nicht bestätigt seit 15.10.2026" in json.dumps(faded.to_plotly_json(), default=str, ensure_ascii=False)
    assert "nicht bestätigt" not in json.dumps(plain.to_plotly_json(), default=str, ensure_ascii=False)
    detail = json.dumps(
        [c for c in detail_panel(dataset, 1, _, "de") if c is not None],
        default=lambda c: c.to_plotly_json(),
        ensure_ascii=False,
    )
    assert "nicht bestätigt seit 15.10.2026" in detail


def test_filter_confirmed_hides_unconfirmed_entries(dataset):
    everything = filter_mask(dataset, FilterState())
    confirmed = filter_mask(dataset, FilterState(confirmed=True))
    assert "o2" in ids(dataset, everything) and "o2" not in ids(dataset, confirmed)
    assert set(ids(dataset, everything)) - set(ids(dataset, confirmed)) == {"o2"}


def test_confirmed_in_the_url_and_the_store(dataset):
    state, notices = parse_query({"confirmed": ["1"], "lang": ["uk"]}, dataset)
    assert state.confirmed and state.is_filtered and notices == []
    assert to_query(state) == "?lang=uk&confirmed=1"
    assert parse_query({"confirmed": ["ja"]}, dataset)[0].confirmed
    off, bad = parse_query({"confirmed": ["vielleicht"]}, dataset)
    assert not off.confirmed and [(n.kind, n.param) for n in bad] == [("bad_flag", "confirmed")]
    assert from_store({"confirmed": True}, dataset).confirmed and not from_store({}, dataset).confirmed


def test_the_api_honours_confirmed(data_dir):
    from dashboard.app import create_app

    client = create_app(data_dir).server.test_client()
    every = json.loads(client.get("/api/offers.geojson").data)["features"]
    only = json.loads(client.get("/api/offers.geojson?confirmed=1").data)["features"]
    assert [f["properties"]["unconfirmed_since"] for f in every if f["properties"]["id"] == "o2"] == [SINCE]
    assert "o2" not in [f["properties"]["id"] for f in only] and len(only) == len(every) - 1
    csv_text = client.get("/api/offers.csv?confirmed=1").data.decode("utf-8")
    assert "Migrationsberatung Oßweil" not in csv_text and "Sprachcafé Mitte" in csv_text


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar", "uk"])
def test_the_filter_panel_offers_the_toggle_in_every_language(dataset, lang):
    from dashboard.components.filter_panel import filter_panel

    panel = json.dumps(
        filter_panel(dataset, FilterState(lang=lang, confirmed=True), translator(lang)).to_plotly_json(),
        default=lambda c: c.to_plotly_json(),
        ensure_ascii=False,
    )
    label = translator(lang)("nur bestätigte Angebote")
    assert label in panel and (lang == "de" or label != "nur bestätigte Angebote")
    assert '"data-filter": "confirmed"' in panel and '"aria-pressed": "true"' in panel
