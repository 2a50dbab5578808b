"""The exchange board's matcher on a hand-written board of 21 posts (issue 10).

Default weights, normalised (they sum to 1): same_topic 0.25, shared_languages 0.20,
shared_target_groups 0.15, proximity 0.20 (distance ``0.5 ** (m / 2000)``, or 0.5 for the
same district when a distance cannot be measured), similar_words 0.15, fresh 0.05
(``0.5 ** (days / 90)`` of the other post). Every post is updated TODAY (fresh = 1 ->
0.05) unless said otherwise. Points are placed in EPSG:25832 metres from an origin in
Ludwigsburg and converted to lon/lat, so the distances below are exact. Within each group
the compared candidates have identical texts, so their word similarity is equal and cancels
out of the comparison; only what the group tests differs.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.matching import (
    EXPLAIN_LANGUAGES,
    FACTOR_CODES,
    MESSAGES,
    Match,
    MatchWeights,
    Post,
    PostError,
    explain,
    is_open,
    match_from_dict,
    match_posts,
    matches_for,
    unanswered_needs,
)
from geodata.crs import to_storage
from geodata.taxonomy import load_board_topics

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 30)
ORIGIN = (513926.0, 5415801.0)  # EPSG:25832, about Ludwigsburg's market square


def at(dx: float, dy: float) -> dict[str, float]:
    """lon/lat of the point ``dx`` m east and ``dy`` m north of ORIGIN."""
    lon, lat = to_storage([ORIGIN[0] + dx], [ORIGIN[1] + dy])
    return {"lon": float(lon[0]), "lat": float(lat[0])}


def post(id: str, kind: str, topic: str, **kw) -> Post:
    kw.setdefault("title", "Vereinsraum frei")
    kw.setdefault("created", TODAY - timedelta(days=30))
    kw.setdefault("updated", TODAY)
    kw.setdefault("organization", f"Verein {id}")
    return Post(id=id, kind=kind, topic=topic, **kw)


ROOM_TEXT = {"title": "Raum frei", "text": "Unser Vereinsheim hat abends einen Raum frei."}
MEDIATION_TEXT = {"title": "Sprachmittlung", "text": "Wir vermitteln Sprachmittlung für Beratungsgespräche."}

BOARD = [
    # --- Rooms: another district at 200 m against the same district at 3 km. -------------------
    # n01 (district west, at 0/0, German) seeks rooms; three offers, German, texts identical:
    #   o01: 200 m away, district MITTE   distance 0.5**0.1 = 0.93303 -> 0.20 * 0.93303 = 0.18661
    #   o02: 3 km away,  district WEST    distance 0.5**1.5 = 0.35355 -> 0.07071 (districts are
    #        ignored when both points are known: people walk distances, not boundaries)
    #   o03: no point,   district WEST    same_district 0.5         -> 0.10000
    # All three: topic 0.25 + languages {de}/{de} = 1 -> 0.20 + fresh 0.05 + equal words.
    # => n01: o01 (0.68661 + w) > o03 (0.6 + w) > o02 (0.57071 + w).
    post("n01", "need", "rooms", title="Räume für Elterncafé gesucht", text="Zwei Stunden pro Woche.",
         languages=("de",), district_id="west", **at(0, 0)),
    post("o01", "offer", "rooms", languages=("de",), district_id="mitte", **at(200, 0), **ROOM_TEXT),
    post("o02", "offer", "rooms", languages=("de",), district_id="west", **at(0, 3000), **ROOM_TEXT),
    post("o03", "offer", "rooms", languages=("de",), district_id="west", **ROOM_TEXT),
    # --- Language mediation: two offers that differ only in language. ---------------------------
    # n02 seeks an Arabic-speaking mediator for families, 1 km from both offers.
    #   o05 (ar, de): languages |{ar}| / |{ar, de}| = 0.5 -> 0.10
    #   o04 (tr, de): no shared language                  -> 0
    # Both: topic 0.25, target groups {families}/{families} = 1 -> 0.15,
    #       distance 0.5**0.5 = 0.70711 -> 0.14142, fresh 0.05, equal words.
    # => n02: o05 first, exactly 0.10 ahead of o04 (o05 has the larger id: not a tie-break).
    post("n02", "need", "language_mediation", title="Sprachmittlerin für Elterngespräche gesucht",
         text="Arabisch, zweimal im Monat.", languages=("ar",), target_groups=("families",), **at(5000, 5000)),
    post("o04", "offer", "language_mediation", languages=("tr", "de"), target_groups=("families",),
         **at(5000, 6000), **MEDIATION_TEXT),
    post("o05", "offer", "language_mediation", languages=("ar", "de"), target_groups=("families",),
         **at(5000, 6000), **MEDIATION_TEXT),
    # --- Equipment: umlauts and compounds in the words. -----------------------------------------
    # n03 "Nähmaschinen"; o06 writes "Naehmaschinen" (same word after folding) and "Nähmaschine";
    # o07 lends a projector: no word in common. Everything else equal.
    # => n03: o06 (similar_words > 0, names Nähmaschinen) > o07 (similar_words 0).
    post("n03", "need", "equipment", title="Nähmaschinen für unseren Nähkurs gesucht", languages=("de",),
         **at(-4000, 0)),
    post("o06", "offer", "equipment", title="Naehmaschinen zu verleihen", text="Eine Nähmaschine mit Zubehör.",
         languages=("de",), **at(-4000, 500)),
    post("o07", "offer", "equipment", title="Beamer zu verleihen", text="Ein Beamer mit Leinwand.",
         languages=("de",), **at(-4000, 500)),
    # --- Volunteers: an expired post is never matched, either way. ------------------------------
    # o08 was valid until yesterday: it gets no matches and appears in no list. o09 is valid
    # until today (still open). => n04: [o09]; o08: [].
    post("n04", "need", "volunteers", title="Ehrenamtliche für Hausaufgabenhilfe", languages=("de",)),
    post("o08", "offer", "volunteers", title="Ehrenamtliche Hausaufgabenhilfe", languages=("de",),
         valid_until=TODAY - timedelta(days=1)),
    post("o09", "offer", "volunteers", title="Ehrenamtliche Hausaufgabenhilfe", languages=("de",),
         valid_until=TODAY),
    # --- Funding: no match at all (nobody offers help with funding applications). ---------------
    post("n05", "need", "funding", title="Hilfe beim Förderantrag", languages=("de", "uk")),
    # --- Project partners: closed and pending posts; freshness. ---------------------------------
    # o10 is closed, o12 awaits moderation: neither matches. o11 was last updated 90 days ago:
    # fresh 0.5**(90/90) = 0.5 -> 0.025. => n06: [o11]; o10: []; o12: [].
    post("n06", "need", "project_partner", title="Partner für Sommerfest", languages=("de",)),
    post("o10", "offer", "project_partner", title="Partner für Sommerfest", languages=("de",), state="closed"),
    post("o11", "offer", "project_partner", title="Wir machen beim Sommerfest mit", languages=("de",),
         updated=TODAY - timedelta(days=90), created=TODAY - timedelta(days=120)),
    post("o12", "offer", "project_partner", title="Partner für Sommerfest", languages=("de",), state="pending"),
    # --- Access to target groups: not with oneself. ---------------------------------------------
    # o13 and n07 come from the same organisation (spelt differently): no match. n08 is another
    # organisation. => o13: [n08]; n07: [].
    post("o13", "offer", "target_group_access", title="Zugang zu Jugendlichen", languages=("de", "tr"),
         organization="Jugendhaus West e.V."),
    post("n07", "need", "target_group_access", title="Wir suchen Jugendliche", languages=("de", "tr"),
         organization="  JUGENDHAUS WEST E.V. "),
    post("n08", "need", "target_group_access", title="Wir suchen Jugendliche", languages=("de", "tr"),
         organization="Elternverein Oststadt"),
]  # fmt: skip
BY_ID = {p.id: p for p in BOARD}


@pytest.fixture(scope="module")
def matches() -> dict[str, list[Match]]:
    return match_posts(BOARD, TODAY)


def ids(found: list[Match]) -> list[str]:
    return [m.other_id for m in found]


def test_fixture_is_the_size_the_comments_describe():
    assert len(BOARD) == 21
    assert len(BY_ID) == 21


def test_expected_top_matches_of_every_post(matches):
    assert {pid: ids(found) for pid, found in matches.items()} == {
        "n01": ["o01", "o03", "o02"],
        "o01": ["n01"],
        "o02": ["n01"],
        "o03": ["n01"],
        "n02": ["o05", "o04"],
        "o04": ["n02"],
        "o05": ["n02"],
        "n03": ["o06", "o07"],
        "o06": ["n03"],
        "o07": ["n03"],
        "n04": ["o09"],
        "o08": [],
        "o09": ["n04"],
        "n05": [],
        "n06": ["o11"],
        "o10": [],
        "o11": ["n06"],
        "o12": [],
        "o13": ["n08"],
        "n07": [],
        "n08": ["o13"],
    }


def test_nearby_post_in_another_district_beats_the_same_district_3_km_away(matches):
    o01, o03, o02 = matches["n01"]
    assert o01.factor("distance").value == pytest.approx(0.5**0.1, abs=1e-4)
    assert o01.factor("distance").params == {"metres": 200}
    assert o01.factor("same_district") is None
    assert o02.factor("distance").params == {"metres": 3000}
    assert o02.factor("same_district") is None  # same district, but the distance is known
    assert o03.factor("distance") is None
    assert o03.factor("same_district").params == {"district": "west"}
    assert o03.factor("same_district").contribution == pytest.approx(0.10)
    words = o01.factor("similar_words").value
    assert words == pytest.approx(o02.factor("similar_words").value)  # identical texts
    base = 0.25 + 0.20 + 0.05 + 0.15 * words
    assert o01.score == pytest.approx(base + 0.20 * 0.5**0.1, abs=1e-4)
    assert o03.score == pytest.approx(base + 0.10, abs=1e-4)
    assert o02.score == pytest.approx(base + 0.20 * 0.5**1.5, abs=1e-4)
    assert o01.factor("similar_words").params["words"] == (("Räume", "Raum"),)


def test_need_matched_by_two_offers_that_differ_only_in_language(matches):
    arabic, turkish = matches["n02"]
    assert (arabic.other_id, turkish.other_id) == ("o05", "o04")
    assert arabic.score - turkish.score == pytest.approx(0.10)
    assert arabic.factor("shared_languages").params == {"languages": ("ar",)}
    assert arabic.factor("shared_languages").value == pytest.approx(0.5)
    assert turkish.factor("shared_languages") is None
    assert arabic.factor("shared_target_groups").contribution == pytest.approx(0.15)
    assert arabic.factor("distance").value == pytest.approx(math.sqrt(0.5), abs=1e-4)
    assert arabic.factor("similar_words").params["words"] == (("Sprachmittlerin", "Sprachmittlung"),)


def test_umlaut_spellings_and_compounds_count_as_similar_words(matches):
    sewing, projector = matches["n03"]
    assert sewing.other_id == "o06"
    assert sewing.factor("similar_words").value > 0
    assert projector.factor("similar_words") is None
    assert sewing.score - projector.score == pytest.approx(sewing.factor("similar_words").contribution)
    assert sewing.factor("similar_words").params["words"] == (("Nähmaschinen", "Naehmaschinen"),)
    from_offer = matches["o06"][0].factor("similar_words").params["words"]
    assert from_offer == (("Naehmaschinen", "Nähmaschinen"),)  # "Nähmaschine" is the same word's runner-up


def test_expired_closed_pending_and_own_posts_never_match(matches):
    never = {"o08", "o10", "o12"}
    for pid, found in matches.items():
        assert never.isdisjoint(ids(found)), pid
    assert not is_open(BY_ID["o08"], TODAY)
    assert is_open(BY_ID["o09"], TODAY)  # valid until today is still valid
    assert matches["n07"] == [] and "n07" not in ids(matches["o13"])


def test_offers_match_only_needs_on_the_same_topic(matches):
    for pid, found in matches.items():
        for m in found:
            mine, other = BY_ID[pid], BY_ID[m.other_id]
            assert {mine.kind, other.kind} == {"offer", "need"}
            assert mine.topic == other.topic


def test_contributions_sum_to_the_score_and_factors_are_consistent(matches):
    for found in matches.values():
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
        for m in found:
            assert 0 < m.score <= 1
            assert sum(f.contribution for f in m.factors) == pytest.approx(m.score, abs=1e-12)
            assert [f.code for f in m.factors] == [c for c in FACTOR_CODES if m.factor(c)]
            for f in m.factors:
                assert 0 < f.value <= 1
                assert f.contribution == pytest.approx(f.weight * f.value)
            assert m.factor("same_topic").contribution == pytest.approx(0.25)


def test_unanswered_needs_are_the_open_needs_without_a_match(matches):
    # n05: nobody offers funding help; n07: the only offer is its own organisation's.
    assert [p.id for p in unanswered_needs(BOARD, TODAY)] == ["n05", "n07"]
    assert [p.id for p in unanswered_needs(BOARD, TODAY, matches=matches)] == ["n05", "n07"]
    # a day later o09 (valid until today) has expired too: n04 is left alone
    later = [p.id for p in unanswered_needs(BOARD, TODAY + timedelta(days=1))]
    assert later == ["n05", "n07", "n04"]


def test_freshness_halves_every_90_days(matches):
    fresh = matches["n06"][0].factor("fresh")
    assert fresh.params == {"days": 90}
    assert fresh.value == pytest.approx(0.5)
    assert matches["o11"][0].factor("fresh").value == pytest.approx(1.0)  # n06 was updated today


def test_matches_for_one_post_equals_the_board_wide_result(matches):
    for p in BOARD:
        assert matches_for(p, BOARD, TODAY) == matches[p.id], p.id


def test_limit_and_min_score():
    assert ids(match_posts(BOARD, TODAY, limit=1)["n01"]) == ["o01"]
    strict = match_posts(BOARD, TODAY, min_score=0.65)
    assert ids(strict["n01"]) == ["o01"]
    assert all(m.score >= 0.65 for found in strict.values() for m in found)


def test_other_weights_change_the_order():
    # Without proximity and freshness, the three room offers differ in nothing: ties by id.
    flat = MatchWeights(proximity=0, fresh=0)
    assert ids(match_posts(BOARD, TODAY, weights=flat)["n01"]) == ["o01", "o02", "o03"]
    # Counting pending posts as open (a moderator's preview) lets o12 match.
    preview = match_posts(BOARD, TODAY, open_states=frozenset({"published", "pending"}))
    assert "o12" in ids(preview["n06"])


def test_as_dict_is_json_ready(matches):
    data = matches["n02"][0].as_dict()
    assert data["other_id"] == "o05"
    assert [f["code"] for f in data["factors"]][:3] == ["same_topic", "shared_languages", "shared_target_groups"]
    assert data["factors"][1]["params"] == {"languages": ["ar"]}
    assert data["score"] == round(matches["n02"][0].score, 4)
    assert json.loads(json.dumps(data)) == data


def test_as_dict_reads_back_and_explains_the_same(matches):
    for found in matches.values():
        for m in found:
            back = match_from_dict(json.loads(json.dumps(m.as_dict())))
            assert back.other_id == m.other_id
            assert [f.code for f in back.factors] == [f.code for f in m.factors]
            assert back.score == pytest.approx(m.score, abs=1e-4)
            for lang in EXPLAIN_LANGUAGES:
                assert explain(back, lang) == explain(m, lang)
    with pytest.raises(PostError, match=r"Match\.as_dict"):
        match_from_dict({"other_id": "x"})


EXPECTED_N02 = {
    "de": "passt: beide Sprachmittlung, beide Arabisch, beide für Familien, 1,0 km entfernt, "
    "ähnliche Wörter: Sprachmittlerin ≈ Sprachmittlung, kürzlich aktualisiert",
    "en": "matches: same topic (Language mediation), both Arabic, both for Families, 1.0 km away, "
    "similar words: Sprachmittlerin ≈ Sprachmittlung, recently updated",
    "tr": "uygun: aynı konu (Tercümanlık ve dil desteği), ikisi de Arapça, ikisi de Aileler için, 1,0 km uzaklıkta, "
    "benzer kelimeler: Sprachmittlerin ≈ Sprachmittlung, yakın zamanda güncellendi",
    "ar": "مناسب: الموضوع نفسه (الترجمة والوساطة اللغوية)، لغة مشتركة: العربية، الفئة المستهدفة نفسها: العائلات، "
    "على بعد 1.0 كم، كلمات متشابهة: \u2068Sprachmittlerin ≈ Sprachmittlung\u2069، حُدِّث مؤخرًا",
    "uk": "підходить: та сама тема (Переклад і мовне посередництво), спільна мова: арабська, "
    "та сама цільова група: Сім'ї, за 1,0 км, схожі слова: Sprachmittlerin ≈ Sprachmittlung, нещодавно оновлено",
}


@pytest.mark.parametrize("lang", EXPLAIN_LANGUAGES)
def test_explain_in_five_languages(matches, lang):
    assert explain(matches["n02"][0], lang) == EXPECTED_N02[lang]


def test_explain_metres_districts_lists_and_fallbacks(matches):
    o01, o03, _ = matches["n01"]
    assert (
        explain(o01, "de")
        == "passt: beide Räume, beide Deutsch, 200 m entfernt, ähnliche Wörter: Räume ≈ Raum, kürzlich aktualisiert"
    )
    assert "beide im Stadtteil Weststadt" in explain(o03, "de", district_names={"west": "Weststadt"})
    assert "обидва в районі west" in explain(o03, "uk")
    assert "\u2068west\u2069" in explain(o03, "ar")
    assert explain(o01, "de-AT") == explain(o01, "de") == explain(o01, "fr")
    # o11 was updated 90 days ago (one half-life): no longer "recently updated"
    assert "kürzlich" not in explain(matches["n06"][0], "de")
    # two shared languages: a plural where the language needs one, a locale-aware list
    o13 = matches["o13"][0]
    assert "beide Deutsch und Türkisch" in explain(o13, "de")
    assert "спільні мови: німецька і турецька" in explain(o13, "uk")
    assert "لغات مشتركة: الألمانية والتركية" in explain(o13, "ar")
    # a city's own labels
    topics = load_board_topics(overrides={"topics": [{"id": "rooms", "labels": {"de": "Räume & Säle"}}]})
    assert explain(o01, "de", topics=topics).startswith("passt: beide Räume & Säle,")


def test_every_message_has_all_five_languages_and_its_placeholder():
    for key, row in MESSAGES.items():
        assert set(row) == set(EXPLAIN_LANGUAGES), key
        placeholders = {lang: sorted(part.split("}")[0] for part in text.split("{")[1:]) for lang, text in row.items()}
        assert len({tuple(p) for p in placeholders.values()}) == 1, key


def test_bad_posts_and_settings_say_what_to_fix():
    with pytest.raises(PostError, match="neither 'offer' nor 'need'"):
        post("x", "gift", "rooms")
    with pytest.raises(PostError, match="both lon and lat"):
        post("x", "offer", "rooms", lon=9.19)
    with pytest.raises(PostError, match="EPSG:4326"):
        post("x", "offer", "rooms", lon=513926.0, lat=5415801.0)
    with pytest.raises(PostError, match="occurs twice"):
        match_posts([BY_ID["n01"], BY_ID["n01"]], TODAY)
    with pytest.raises(PostError, match="limit"):
        match_posts(BOARD, TODAY, limit=0)
    with pytest.raises(PostError, match="weights"):
        MatchWeights(shared_languages=-1)
    assert issubclass(PostError, ValueError)


def test_empty_board_and_duplicate_languages():
    assert match_posts([], TODAY) == {}
    p = post("x", "offer", "rooms", languages=["de", "ar", "de"])
    assert p.languages == ("de", "ar")
    assert p.last_change == TODAY


# --- properties on random boards ----------------------------------------------------------------

WORDS = ("Raum", "Räume", "Gruppenraum", "Sprachmittlerin", "Sprachmittlung", "Beamer", "Fest", "Nähkurs")


@st.composite
def boards(draw) -> list[Post]:
    n = draw(st.integers(0, 12))
    out = []
    for i in range(n):
        point = draw(st.one_of(st.none(), st.tuples(st.floats(-6000, 6000), st.floats(-6000, 6000))))
        out.append(
            Post(
                id=f"p{i:02d}",
                kind=draw(st.sampled_from(("offer", "need"))),
                topic=draw(st.sampled_from(("rooms", "volunteers", "funding"))),
                title=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
                text=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
                languages=tuple(draw(st.lists(st.sampled_from(("de", "ar", "tr", "uk")), max_size=3))),
                target_groups=tuple(draw(st.lists(st.sampled_from(("youth", "women", "families")), max_size=2))),
                district_id=draw(st.sampled_from((None, "west", "mitte"))),
                organization=draw(st.sampled_from(("", "A", "B", "C", "a "))),
                valid_until=draw(st.one_of(st.none(), st.integers(-3, 3).map(lambda d: TODAY + timedelta(days=d)))),
                created=TODAY - timedelta(days=draw(st.integers(0, 400))),
                state=draw(st.sampled_from(("published", "published", "closed", "pending"))),
                **(at(*point) if point else {}),
            )
        )
    return out


def eligible(a: Post, b: Post) -> bool:
    same_org = bool(a.organization.strip()) and a.organization.strip().lower() == b.organization.strip().lower()
    return (
        a.kind != b.kind
        and a.topic == b.topic
        and not same_org
        and is_open(a, TODAY)
        and is_open(b, TODAY)
        and a.id != b.id
    )


@settings(max_examples=60, deadline=None)
@given(boards(), st.integers(1, 4))
def test_random_boards_keep_every_promise(board, limit):
    found = match_posts(board, TODAY, limit=limit)
    by_id = {p.id: p for p in board}
    assert set(found) == set(by_id)
    for pid, matches in found.items():
        others = [m.other_id for m in matches]
        expected = sorted(o.id for o in board if eligible(by_id[pid], o))
        assert len(others) == min(limit, len(expected)), pid
        assert set(others) <= set(expected)
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
        for m in matches:
            assert 0 < m.score <= 1 + 1e-12
            assert sum(f.contribution for f in m.factors) == pytest.approx(m.score, abs=1e-12)
            assert not (m.factor("distance") and m.factor("same_district"))
        assert matches_for(by_id[pid], board, TODAY, limit=limit) == matches
        for m in matches[:1]:
            for lang in EXPLAIN_LANGUAGES:
                assert explain(m, lang).startswith(MESSAGES["prefix"][lang].split("{")[0])


def test_matching_imports_no_web_or_database_package():
    code = (
        "import sys, analysis.matching; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dash', 'flask', 'sqlalchemy', 'dashboard', 'etl', 'stadtkarte', 'registry')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
