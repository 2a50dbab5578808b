from __future__ import annotations

import json

import pytest

from geodata.errors import DatasetError
from geodata.taxonomy import fold, load_board_topics

#: The issue's default topics, German label -> our stable id.
DEFAULT_TOPICS = {
    "Räume": "rooms",
    "Ehrenamtliche": "volunteers",
    "Sprachmittlung": "language_mediation",
    "Fachwissen & Fortbildung": "expertise_training",
    "Projektpartner": "project_partner",
    "Zugang zu Zielgruppen": "target_group_access",
    "Ausstattung": "equipment",
    "Förderung & Anträge": "funding",
}


def test_default_topics_have_the_issue_labels_in_order_and_five_languages():
    topics = load_board_topics()
    assert topics.ids == tuple(DEFAULT_TOPICS.values())
    for label, topic_id in DEFAULT_TOPICS.items():
        assert topics.label(topic_id, "de") == label
    for term in topics.terms:
        assert set(term.labels) == {"de", "en", "tr", "ar", "uk"}, term.id
        assert all(text.strip() for text in term.labels.values()), term.id
    assert topics.label("rooms", "uk") == "Приміщення"


def test_no_alias_or_label_points_at_two_topics():
    owners: dict[str, set[str]] = {}
    for term in load_board_topics().terms:
        for key in (term.id, *term.labels.values(), *term.aliases):
            owners.setdefault(fold(key), set()).add(term.id)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  räume ", "rooms"),
        ("RAEUME", "rooms"),
        ("Sprachmittlerin", "language_mediation"),
        ("Dolmetschen", "language_mediation"),
        ("Förderung und Anträge", None),
        ("foerderung & antraege", "funding"),
        ("Access to target groups", "target_group_access"),
        ("Gönüllüler", "volunteers"),
        ("Обладнання", "equipment"),
        ("الوساطة اللغوية", "language_mediation"),
        ("Tercümanlık ve dil desteği", "language_mediation"),
    ],
)
def test_resolve_by_label_alias_in_any_language(text, expected):
    assert load_board_topics().resolve(text) == expected


def test_suggest_for_a_typo():
    topics = load_board_topics()
    assert topics.resolve("Ehrenamtlche") is None
    assert topics.suggest("Ehrenamtlche") == "volunteers"


def test_city_overrides_relabel_and_add_topics():
    topics = load_board_topics(
        overrides={
            "topics": [
                {"id": "rooms", "labels": {"de": "Räume & Säle"}},
                {"id": "transport", "labels": {"de": "Fahrdienste", "en": "Transport"}, "aliases": ["Fahrdienst"]},
            ]
        }
    )
    assert topics.ids[-1] == "transport"
    assert len(topics.ids) == len(DEFAULT_TOPICS) + 1
    assert topics.label("rooms", "de") == "Räume & Säle"
    assert topics.label("rooms", "en") == "Rooms"  # untouched languages keep their label
    assert topics.resolve("fahrdienst") == "transport"
    assert topics.label("transport", "tr") == "Fahrdienste"  # falls back to German


def test_own_file_and_clear_errors(tmp_path):
    own = tmp_path / "topics.json"
    own.write_text(json.dumps({"topics": [{"id": "x", "labels": {"de": "Iks"}}]}), encoding="utf-8")
    assert load_board_topics(own).ids == ("x",)
    with pytest.raises(DatasetError, match="cannot read board topics"):
        load_board_topics(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"topics": [{"id": "x", "labels": {"en": "X"}}]}), encoding="utf-8")
    with pytest.raises(DatasetError, match="at least 'de'"):
        load_board_topics(bad)
