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
