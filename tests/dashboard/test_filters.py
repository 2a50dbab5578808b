"""Filter logic: OR within a filter, AND across, folded search, URL round trip, notices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.filters import (
    FilterState,
    Notice,
    decode_mask,
    encode_mask,
    filter_mask,
    from_store,
    parse_query,
    to_query,
    visible_rows,
)


def ids_of(dataset, mask) -> list[str]:
    return list(dataset.offers["id"][mask])


def test_no_filter_shows_everything(tiny_dataset):
    assert filter_mask(tiny_dataset, FilterState()).all()


def test_values_within_one_filter_combine_with_or(tiny_dataset):
    mask = filter_mask(tiny_dataset, FilterState(languages=("tr", "uk")))
    assert ids_of(tiny_dataset, mask) == ["o2", "o4", "o5"]


def test_filters_combine_with_and(tiny_dataset):
    state = FilterState(languages=("ar",), target_groups=("women",), districts=("ossweil",))
    assert ids_of(tiny_dataset, filter_mask(tiny_dataset, state)) == ["o4"]


def test_category_and_barrier_free(tiny_dataset):
    state = FilterState(categories=("language_cafe", "language_course"), barrier_free=True)
    assert ids_of(tiny_dataset, filter_mask(tiny_dataset, state)) == ["o1", "o3"]
    state = FilterState(categories=("counselling",), barrier_free=True)
    assert not filter_mask(tiny_dataset, state).any()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Sprach", ["o1", "o3"]),  # prefix of "Sprachcafé"; o3's category label is "Sprachkurse"
        ("sprachcafe", ["o1"]),  # accent folded
        ("SPRACHCAFÉ", ["o1"]),
        ("muenchen", ["o2"]),  # umlaut spelled out matches "München"
        ("München", ["o2"]),
        ("brücke", ["o1"]),  # organisation
        ("kaffee", ["o1"]),  # description
        ("beratung ossweil", ["o2"]),  # every word must match
        ("oßweil", ["o2", "o4"]),
        ("nirgendwo", []),
    ],
)
def test_text_search_is_folded(tiny_dataset, q, expected):
    assert ids_of(tiny_dataset, filter_mask(tiny_dataset, FilterState(q=q))) == expected


def test_resident_journey(tiny_dataset):
    state, notices = parse_query({"lang": "ar", "language": "ar", "target": "women", "q": "Sprach"}, tiny_dataset)
    assert notices == []
    assert ids_of(tiny_dataset, filter_mask(tiny_dataset, state)) == ["o1"]


def test_parse_query_reads_the_documented_url(tiny_dataset):
    query = {
        "lang": "tr",
        "category": "counselling,language_course",
        "language": "tr,ar",
        "target": "women",
        "district": "ossweil",
        "q": " sprach ",
        "barrier_free": "1",
    }
    state, notices = parse_query(query, tiny_dataset)
    assert notices == []
    assert state == FilterState(
        categories=("counselling", "language_course"),
        languages=("ar", "tr"),  # canonical order: most offered first, as in the panel
        target_groups=("women",),
        districts=("ossweil",),
        q="sprach",
        barrier_free=True,
        lang="tr",
    )


def test_unknown_values_are_ignored_with_notices(tiny_dataset):
    query = {
        "lang": "xx",
        "category": "counselling,nonsense",
        "language": "zz",
        "district": "atlantis",
        "barrier_free": "vielleicht",
    }
    state, notices = parse_query(query, tiny_dataset)
    assert state == FilterState(categories=("counselling",))
    assert notices == [
        Notice("unknown_lang", "lang", "xx"),
        Notice("unknown_value", "category", "nonsense"),
        Notice("unknown_value", "language", "zz"),
        Notice("unknown_value", "district", "atlantis"),
        Notice("bad_flag", "barrier_free", "vielleicht"),
    ]


def test_labels_and_names_resolve_to_ids(tiny_dataset):
    state, notices = parse_query({"category": "Beratung", "district": "Oßweil", "target": "Frauen"}, tiny_dataset)
    assert notices == []
    assert (state.categories, state.districts, state.target_groups) == (("counselling",), ("ossweil",), ("women",))


def test_list_values_from_repeated_parameters(tiny_dataset):
    state, _ = parse_query({"language": ["ar", "uk,tr"]}, tiny_dataset)
    assert set(state.languages) == {"ar", "uk", "tr"}


def test_to_query_omits_defaults():
    assert to_query(FilterState()) == ""
    assert to_query(FilterState(lang="ar", q="Sprach café")) == "?lang=ar&q=Sprach+caf%C3%A9"
    assert (
        to_query(FilterState(categories=("counselling", "language_course"), languages=("ar", "tr"), barrier_free=True))
        == "?category=counselling,language_course&language=ar,tr&barrier_free=1"
    )


def _states(dataset):
    def subset(ids):
        return st.lists(st.sampled_from(ids), unique=True).map(lambda v: tuple(i for i in ids if i in v))

    return st.builds(
        FilterState,
        categories=subset(dataset.category_ids),
        languages=subset(dataset.language_ids),
        target_groups=subset(dataset.target_ids),
        districts=subset(dataset.district_ids),
        q=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=30).map(
            lambda s: " ".join(s.split())
        ),
        barrier_free=st.booleans(),
        lang=st.sampled_from(("de", "en", "tr", "ar", "uk")),
    )


def test_url_round_trip_property(tiny_dataset):
    from urllib.parse import parse_qs, urlsplit

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_states(tiny_dataset))
    def check(state):
        query = {k: v for k, v in parse_qs(urlsplit(to_query(state)).query).items()}
        parsed, notices = parse_query(query, tiny_dataset)
        assert notices == []
        assert parsed == state

    check()


def test_store_round_trip_and_unknown_ids_dropped(tiny_dataset):
    state = FilterState(categories=("culture",), languages=("uk",), q="x", barrier_free=True, lang="uk")
    assert from_store(state.to_dict(), tiny_dataset) == state
    assert from_store({"categories": ["<script>"], "lang": "xx"}, tiny_dataset) == FilterState()


@given(st.lists(st.booleans(), max_size=300))
def test_mask_bitset_round_trip(bits):
    mask = np.array(bits, dtype=bool)
    assert decode_mask(encode_mask(mask), len(mask)).tolist() == bits


def test_mask_bit_order_is_little_endian():
    # offer 0 and offer 9 visible -> byte 0 = 0b00000001, byte 1 = 0b00000010
    mask = np.zeros(10, dtype=bool)
    mask[[0, 9]] = True
    import base64

    assert base64.b64decode(encode_mask(mask)) == bytes([1, 2])


def test_visible_rows_sorted(tiny_dataset):
    mask = filter_mask(tiny_dataset, FilterState())
    names = [tiny_dataset.offers["name"][i] for i in visible_rows(tiny_dataset, mask, "name")]
    assert names[0] == "Außerhalb e.V." and names == sorted(names, key=lambda n: n.lower().replace("ß", "ss"))
    by_district = [tiny_dataset.offers["district_id"][i] for i in visible_rows(tiny_dataset, mask, "district")]
    assert by_district == ["mitte", "mitte", "mitte", "ossweil", "ossweil", None]


def test_filter_mask_at_10k_offers(tiny_dataset, tiny_offers):
    """The vectorised filter gives the right rows at 10,000 offers (its speed is measured in bench/dashboard.py)."""
    from dashboard.data import build_dataset

    features = []
    for i in range(10_000):
        base = tiny_offers[i % len(tiny_offers)]
        features.append({**base, "properties": {**base["properties"], "id": f"x{i}"}})
    big = build_dataset(features, list(tiny_dataset.districts), dict(tiny_dataset.city), tiny_dataset.taxonomy)
    state = FilterState(categories=("counselling", "culture"), languages=("ar", "uk"), q="ossweil", barrier_free=False)
    mask = filter_mask(big, state)
    assert np.flatnonzero(mask).tolist() == [i for i in range(10_000) if i % 6 == 3]  # only o4's copies match
    rows = visible_rows(big, mask, "district")
    assert sorted(rows.tolist()) == np.flatnonzero(mask).tolist()


# --------------------------------------------------------------------------- search that forgives (issue 12, item 5)


def _search_dataset(tiny_dataset, rows):
    """A dataset of ``rows`` = (id, name, category, subcategories, description) in the tiny dataset's districts."""
    from dashboard.data import build_dataset

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [9.19, 48.895]},
            "properties": {
                "id": oid,
                "name": name,
                "category": category,
                "subcategories": subs,
                "languages": ["de"],
                "target_groups": ["all"],
                "description": description,
                "geocode_source": "input",
                "geocode_precision": "address",
                "accessibility": "unknown",
                "demo": True,
            },
        }
        for oid, name, category, subs, description in rows
    ]
    return build_dataset(features, list(tiny_dataset.districts), dict(tiny_dataset.city), tiny_dataset.taxonomy)


SEARCH_ROWS = [
    ("a", "Türkischer Elternverein", "culture", [], "Treffen"),
    ("b", "Tuerkisch für Anfänger", "language_course", [], ""),
    ("c", "Gemeindezentrum Nord", "religious", ["mosque"], "Gebet und Begegnung"),
    ("d", "Treffpunkt am Markt", "language_cafe", [], "Deutsch sprechen"),
    ("e", "Migrationsberatung", "counselling", [], ""),
]


@pytest.mark.parametrize("q", ["turkisch", "türkisch", "tuerkisch", "TÜRKISCH", "Turkisch"])
def test_search_folds_umlauts_both_ways(tiny_dataset, q):
    data = _search_dataset(tiny_dataset, SEARCH_ROWS)
    assert ids_of(data, filter_mask(data, FilterState(q=q))) == ["a", "b"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Moschee", ["c"]),  # subcategory label (de) and category alias
        ("mosque", ["c"]),  # subcategory label (en)
        ("Cami", ["c"]),  # (tr)
        ("مسجد", ["c"]),  # (ar)
        ("Мечеть", ["c"]),  # (uk)
        ("Religious communities", ["c"]),  # category label (en)
        ("Sprachcafe", ["d"]),  # category alias, accent folded
        ("language café", ["d"]),  # category label (en), two words
        ("Beratung", ["e"]),  # category label and part of the name
    ],
)
def test_search_finds_category_and_subcategory_labels_and_aliases(tiny_dataset, q, expected):
    data = _search_dataset(tiny_dataset, SEARCH_ROWS)
    assert ids_of(data, filter_mask(data, FilterState(q=q))) == expected


def test_search_key_leaves_the_etl_fold_unchanged():
    from geodata.taxonomy import fold, search_key

    assert fold("Türkisch Straße") == "tuerkisch strasse"  # the ETL's matching key is as before
    assert search_key("Türkisch") == search_key("tuerkisch") == search_key("turkisch") == "turkisch"


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("Beratnug", "Beratung"),
        ("Sprachkafe", "Sprachcafé"),
        ("sprachkafe süd", "Sprachcafé süd"),  # known words stay as typed
        ("Gemeindezentrm", "Gemeindezentrum"),
    ],
)
def test_search_suggests_the_nearest_word_when_nothing_matches(tiny_dataset, q, suggestion):
    from dashboard.filters import search_notices, search_suggestion

    data = _search_dataset(tiny_dataset, [*SEARCH_ROWS, ("f", "Sprachcafé Süd", "language_cafe", [], "")])
    state = FilterState(q=q)
    mask = filter_mask(data, state)
    assert not mask.any()
    assert search_suggestion(data, q) == suggestion
    assert search_notices(data, state, mask) == [Notice("did_you_mean", "q", suggestion)]
    assert filter_mask(data, FilterState(q=suggestion)).any()  # the suggestion finds something


def test_no_suggestion_when_the_words_exist_or_nothing_is_near(tiny_dataset):
    from dashboard.filters import search_notices, search_suggestion

    data = _search_dataset(tiny_dataset, SEARCH_ROWS)
    assert search_suggestion(data, "xyzzyq") is None
    state = FilterState(q="Moschee", categories=("counselling",))  # the word exists, the filters emptied it
    assert search_suggestion(data, state.q) is None
    assert search_notices(data, state, filter_mask(data, state)) == []
    assert search_notices(data, FilterState(q="Beratung"), filter_mask(data, FilterState(q="Beratung"))) == []


def test_api_notices_carry_the_suggestion(tiny_dataset):
    from dashboard.api import geojson_text, selected_rows

    rows, notices = selected_rows(tiny_dataset, {"q": ["Beratnug"]})
    assert len(rows) == 0 and notices == [Notice("did_you_mean", "q", "Beratung")]
    assert '"notices":["did_you_mean: q=Beratung"]' in geojson_text(tiny_dataset, rows, notices)
