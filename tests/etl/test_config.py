from __future__ import annotations

import pytest

from etl.config import DEFAULT_COLUMNS, load_config, merge_columns
from etl.errors import ConfigError, InputMissingError
from geodata.datasets import get_path
from geodata.errors import DatasetError


def write(tmp_path, text: str):
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_and_relative_paths(tmp_path):
    path = write(
        tmp_path,
        """
[city]
name = "Musterstadt"
postcodes = ["71634", 71636]
demo = true
area = [9.1, 48.8, 9.3, 49.0]
area_km2 = 43.3
[columns]
name = ["Angebotsname"]
district = ["Ort"]
[dashboard]
contact = { email = "integration@musterstadt.de", phone = "07141 910" }
basemap = { tiles = "tiles/{z}/{x}/{y}.png", attribution = "© Stadt" }
route_url = "https://routing.example/?to={lat},{lon}"
[population]
grid = "grid/zensus.csv"
""",
    )
    cfg = load_config(path)
    assert cfg.name == "Musterstadt" and cfg.postcodes == ("71634", "71636") and cfg.demo is True
    assert cfg.area == (9.1, 48.8, 9.3, 49.0) and cfg.area_km2 == 43.3
    assert cfg.columns["name"][0] == "Angebotsname" and "Bezeichnung" in cfg.columns["name"]
    assert cfg.columns["district"][0] == "Ort" and "Ort" not in cfg.columns["city"]  # override, not ambiguity
    assert cfg.population_grid == (tmp_path / "grid" / "zensus.csv").resolve()
    assert cfg.contact["email"] == "integration@musterstadt.de"
    assert cfg.basemap == {"tiles": "tiles/{z}/{x}/{y}.png", "attribution": "© Stadt"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[stadt]\nname='x'", "unknown table [stadt]"),
        ("[city]\nnmae='x'", "unknown key 'nmae' in [city]"),
        ("[columns]\nnam=['x']", "unknown key 'nam' in [columns]"),
        ("[dashboard]\ncontact={mail='x'}", "unknown key 'mail' in [dashboard] contact"),
        ("[city]\ndemo='ja'", "demo must be true or false"),
        ("[city]\narea=[1,2]", "bounding box"),
        ("[city\nname='x'", "not valid TOML"),
        ("[geocoder]\nonlien=true", "[geocoder]"),
    ],
)
def test_bad_config_names_the_problem(tmp_path, text, needle):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(InputMissingError, match="--config"):
        load_config(tmp_path / "nope.toml")


def test_gazetteer_paths_resolved_against_config(tmp_path):
    cfg = load_config(write(tmp_path, '[gazetteer]\npath = "adressen.csv"\ncrs = "EPSG:25832"'))
    assert cfg.gazetteer_settings().path == (tmp_path / "adressen.csv").resolve()


def test_merge_columns_defaults_unchanged_without_extra():
    assert merge_columns(None) == DEFAULT_COLUMNS


def test_bundled_demo_config_loads():
    try:
        get_path("ludwigsburg/city.toml")
    except DatasetError:
        pytest.skip("demo config geodata/datasets/ludwigsburg/city.toml not written yet")
    cfg = load_config(None)
    assert cfg.name == "Ludwigsburg" and cfg.demo is True and "71634" in cfg.postcodes


# --------------------------------------------------------------------------- [dashboard] accessibility pages

A11Y_CONFIG = """
[city]
name = "Musterstadt"
[dashboard]
easy_language = { text = "texte/leichte-sprache.md", checked_by = "Prüfgruppe Lebenshilfe, Januar 2027" }
sign_language = { video = "dgs.mp4", captions = "dgs.vtt", transcript = "texte/abschrift.md" }
[dashboard.accessibility]
statement_date = 2026-11-30
evaluation = { method = "external", date = "2026-10-01", by = "Prüfstelle X" }
[[dashboard.accessibility.barriers]]
what = "PDF-Formulare sind nicht barrierefrei."
reason = "Sie kommen vom Land."
alternative = "Das Bürgerbüro füllt sie mit Ihnen aus."
[dashboard.accessibility.enforcement]
name = "Ombudsstelle"
address = "Musterstraße 1, 70173 Stuttgart"
url = "https://ombudsstelle.example"
email = "ombud@example.org"
confirmed = false
"""


def write_texts(tmp_path):
    (tmp_path / "texte").mkdir()
    (tmp_path / "texte" / "leichte-sprache.md").write_text("# Hallo\nDas ist ein Satz.\n", encoding="utf-8")
    (tmp_path / "texte" / "abschrift.md").write_text("Guten Tag.\n", encoding="utf-8")


def test_accessibility_settings_are_read_and_written_to_city_json(tmp_path):
    from etl.write import city_settings

    write_texts(tmp_path)
    cfg = load_config(write(tmp_path, A11Y_CONFIG))
    a11y = cfg.accessibility
    assert a11y is not None and a11y.statement_date == "2026-11-30"
    assert (a11y.evaluation_method, a11y.evaluation_date, a11y.evaluated_by) == (
        "external",
        "2026-10-01",
        "Prüfstelle X",
    )
    assert a11y.barriers[0].what.startswith("PDF") and a11y.barriers[0].alternative.startswith("Das Bürgerbüro")
    assert a11y.enforcement is not None and a11y.enforcement.confirmed is False
    assert cfg.easy_language is not None and cfg.easy_language.text == "# Hallo\nDas ist ein Satz.\n"
    assert cfg.sign_language is not None and cfg.sign_language.video == "dgs.mp4"
    assert cfg.sign_language.transcript == "Guten Tag.\n"
    city = city_settings(cfg, None)
    assert city["accessibility"]["enforcement"]["address"] == "Musterstraße 1, 70173 Stuttgart"
    assert city["accessibility"]["barriers"][0]["reason"] == "Sie kommen vom Land."
    assert city["easy_language"]["checked_by"].startswith("Prüfgruppe")
    assert city["sign_language"] == {"video": "dgs.mp4", "captions": "dgs.vtt", "transcript": "Guten Tag.\n"}


def test_accessibility_settings_missing_are_none(tmp_path):
    from etl.write import city_settings

    cfg = load_config(write(tmp_path, "[city]\nname = 'x'\n[dashboard]\nroute_url = 'https://r.example/{lat}'\n"))
    assert cfg.accessibility is None and cfg.easy_language is None and cfg.sign_language is None
    city = city_settings(cfg, None)
    assert city["accessibility"] is None and city["easy_language"] is None and city["sign_language"] is None
    # a table with only some keys: defaults for the rest
    minimal = load_config(write(tmp_path, "[dashboard.accessibility]\nstatement_date = '2026-01-02'\n")).accessibility
    assert minimal is not None and minimal.evaluation_method == "self" and minimal.barriers == ()
    assert minimal.enforcement is None and minimal.evaluation_date is None


def test_demo_config_fills_the_statement():
    cfg = load_config()
    assert cfg.accessibility is not None and cfg.accessibility.statement_date
    assert cfg.accessibility.enforcement is not None and "Ombudsstelle" in cfg.accessibility.enforcement.name
    assert cfg.accessibility.enforcement.confirmed is False  # details to be confirmed by the city
    assert len(cfg.accessibility.barriers) >= 1 and all(b.reason and b.alternative for b in cfg.accessibility.barriers)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[dashboard]\naccessibility = 'ja'", "[dashboard] accessibility must be a table"),
        ("[dashboard.accessibility]\ndatum = 2026-11-30", "unknown key 'datum' in [dashboard] accessibility"),
        (
            "[dashboard.accessibility]\nstatement_date = '30.11.2026'",
            "statement_date must be a date written YYYY-MM-DD",
        ),
        ("[dashboard.accessibility]\nstatement_date = 20261130", "statement_date must be a date"),
        (
            "[dashboard.accessibility]\nevaluation = { method = 'axe' }",
            "evaluation method must be 'self' or 'external'",
        ),
        ("[dashboard.accessibility]\nbarriers = 'Karte'", "barriers must be a list of tables"),
        ("[[dashboard.accessibility.barriers]]\nreason = 'x'", 'needs what = "..."'),
        ("[[dashboard.accessibility.barriers]]\nwhat = 3", "barriers what must be a text"),
        ("[dashboard.accessibility.enforcement]\nurl = 'https://x'", "enforcement needs name"),
        ("[dashboard.accessibility.enforcement]\nname = 'x'\nconfirmed = 'nein'", "confirmed must be true or false"),
        ("[dashboard]\neasy_language = 'leicht.md'", "[dashboard] easy_language must be a table"),
        ("[dashboard]\neasy_language = { text = 'fehlt.md' }", "easy_language text names"),
        ("[dashboard]\nsign_language = { video = '../geheim.mp4' }", "sign_language video must be a file name"),
        ("[dashboard]\nsign_language = { video = 'http://cdn.example/v.mp4' }", "or an https:// URL"),
        ("[dashboard]\nsign_language = { captions = 'dgs.srt' }", "ending in .vtt"),
        ("[dashboard]\nsign_language = { film = 'dgs.mp4' }", "unknown key 'film' in [dashboard] sign_language"),
    ],
)
def test_bad_accessibility_settings_name_the_problem(tmp_path, text, needle):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_easy_language_text_must_be_utf8(tmp_path):
    (tmp_path / "leicht.md").write_bytes("Über".encode("cp1252"))
    with pytest.raises(ConfigError, match="not UTF-8 text; save it as UTF-8"):
        load_config(write(tmp_path, "[dashboard]\neasy_language = { text = 'leicht.md' }\n"))


def test_cli_bad_accessibility_setting_is_one_line_exit_2(tmp_path, capsys):
    from stadtkarte.cli import main

    bad = write(tmp_path, "[city]\nname = 'x'\n[dashboard.accessibility]\nstatement_date = 'gestern'\n")
    offers = get_path("ludwigsburg/offers.csv")
    assert main(["build", "--offers", str(offers), "--config", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "statement_date must be a date written YYYY-MM-DD" in err[0]


def test_content_language_reaches_city_json_and_nonsense_is_refused(tmp_path):
    """``[dashboard] content_language`` marks the offers' own texts (default German, not written)."""
    from etl.write import city_settings as city_json

    path = tmp_path / "stadt.toml"
    path.write_text('[city]\nname = "Biel"\n[dashboard]\ncontent_language = "de-CH"\n', encoding="utf-8")
    config = load_config(path)
    assert config.content_language == "de-ch"
    assert city_json(config, None)["content_language"] == "de-ch"
    plain = tmp_path / "plain.toml"
    plain.write_text('[city]\nname = "Ulm"\n', encoding="utf-8")
    assert "content_language" not in city_json(load_config(plain), None)
    path.write_text('[city]\nname = "Biel"\n[dashboard]\ncontent_language = "Deutsch!"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="content_language"):
        load_config(path)
