"""What the handouts and the workshop are printed from: the demo's board posts and a city's own topics.

* On first start the Ludwigsburg demo gets its fictitious board posts (``netzwerk_demo.csv``),
  published and labelled as demo, so /netzwerk, the handouts and the workshop view show something.
* A city's ``[board_topics]`` (city config) adds or renames topics; ``stadtkarte board import``
  checks the rows against them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import load_config
from etl.errors import ConfigError
from registry import Register
from registry.board import import_posts, list_posts
from registry.register import META_DISTRICTS
from stadtkarte.cli import main

CITY_TOML = """[city]
name = "Teststadt"

[[board_topics.topics]]
id = "sport_venues"
labels = { de = "Sportstätten", en = "Sports venues", tr = "Spor tesisleri", ar = "المنشآت الرياضية", uk = "Спортивні об’єкти" }
aliases = ["Sporthalle", "Sportplatz"]

[[board_topics.topics]]
id = "rooms"
labels = { de = "Vereinsräume" }
"""
SURVEY = """Art;Thema;Titel;Organisation
sucht;Sporthalle;Halle für Futsal;Sportverein
bietet;Vereinsräume;Raum am Abend;Kulturverein
bietet;Räume;Saal;Moscheeverein
sucht;Quatsch;Unbekanntes Thema;Elternverein
"""


def _districts() -> list[dict[str, object]]:
    return [{"type": "Feature", "properties": {"id": "west", "name": "Weststadt"}, "geometry": None}]


@pytest.fixture
def city_config(tmp_path: Path) -> Path:
    path = tmp_path / "stadt.toml"
    path.write_text(CITY_TOML, encoding="utf-8")
    return path


def test_the_city_config_adds_and_renames_board_topics(city_config: Path) -> None:
    config = load_config(city_config)
    from geodata.taxonomy import load_board_topics

    topics = load_board_topics(overrides=config.board_topics)
    assert topics.ids[-1] == "sport_venues" and topics.label("sport_venues", "uk") == "Спортивні об’єкти"
    assert topics.label("rooms") == "Vereinsräume" and topics.label("rooms", "en") == "Rooms"
    assert topics.resolve("sportplatz") == "sport_venues" and topics.resolve("Räume") == "rooms"
    assert load_config(None).board_topics == {}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[board_topics]\ntopics = "Räume"', "must be a list of tables with an 'id'"),
        ('[[board_topics.topics]]\nlabels = { de = "Ohne Id" }', "must be a list of tables with an 'id'"),
        ('[[board_topics.topics]]\nid = "new_one"\nlabels = { en = "Only English" }', "at least de"),
        ('[[board_topics.topics]]\nid = "rooms"\nlabels = { de = 3 }', "labels must map a language to a text"),
        ("[board_topics]\nthemen = []", "unknown key 'themen'"),
    ],
)
def test_a_broken_board_topics_table_names_the_fix(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "kaputt.toml"
    path.write_text('[city]\nname = "Teststadt"\n' + table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_board_import_honours_the_city_topics(
    tmp_path: Path, city_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    survey = tmp_path / "bedarfe.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    with Register.open(data_dir=data) as register:
        register.upgrade()
        with register._tx() as s:
            register._set_meta(s, META_DISTRICTS, _districts())
    assert main(["board", "import", str(survey), "--data", str(data), "--config", str(city_config)]) == 0
    assert "4 Zeilen, 3 Beiträge gespeichert, 1 abgelehnt" in capsys.readouterr().out
    with Register.open(data_dir=data) as register:
        assert sorted(p.topic for p in list_posts(register)) == ["rooms", "rooms", "sport_venues"]
    rejects = (data / "import" / "board_rejects.csv").read_text(encoding="utf-8-sig")
    assert "Quatsch" in rejects
    # without the city's config the bundled topics apply: the city's new topic is unknown there
    other = tmp_path / "other"
    with Register.open(data_dir=other) as register:
        register.upgrade()
        with register._tx() as s:
            register._set_meta(s, META_DISTRICTS, _districts())
        result = import_posts(register, survey, actor="test")
    assert {r.cells["Thema"] for r in result.rejects} == {"Sporthalle", "Vereinsräume", "Quatsch"}
    assert main(["board", "import", str(survey), "--data", str(data), "--config", str(tmp_path / "fehlt.toml")]) == 2


def test_first_start_publishes_the_demo_posts_labelled_as_demo(tmp_path: Path) -> None:
    from registry.bootstrap import DEMO_POSTS, ensure_register, import_demo_posts

    data = tmp_path / "data"
    assert ensure_register(data) is not None
    with Register.open(data_dir=data) as register:
        posts = list_posts(register)
        assert import_demo_posts(register) == 0  # a board with posts is left alone
    from geodata.datasets import get_path

    rows = get_path(DEMO_POSTS).read_text(encoding="utf-8").strip().splitlines()
    assert len(posts) == len(rows) - 1 >= 30  # every row of the file, none rejected
    assert {p.state for p in posts} == {"published"}
    assert all(p.organization.endswith("(Demo)") and ("Demo" in p.text or "Демо" in p.text) for p in posts)
    assert all(p.contact.endswith("@example.org") for p in posts)
    kinds = {(p.topic, p.kind) for p in posts}
    assert len({t for t, _ in kinds}) == 8 and {k for _, k in kinds} == {"offer", "need"}
    assert len({p.district_id for p in posts}) == 8  # every district of the demo
    assert {lang for p in posts for lang in p.languages} >= {"de", "ar", "tr", "uk", "en"}


def test_a_served_demo_build_taken_over_on_first_start_also_gets_the_demo_posts(tmp_path: Path) -> None:
    from registry.bootstrap import ensure_register

    data = tmp_path / "data"
    assert main(["build", "--out", str(data), "--quiet"]) == 0  # the demo, as 'stadtkarte build' writes it
    assert ensure_register(data) is not None  # adopted: demo moderator created
    with Register.open(data_dir=data) as register:
        posts = list_posts(register)
    assert len(posts) >= 30 and all(p.organization.endswith("(Demo)") for p in posts)
