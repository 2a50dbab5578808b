"""``stadtkarte import``: merge by id, on SQLite and PostgreSQL, through the real command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from geodata.snapshot import current_snapshot_dir
from registry import Register
from stadtkarte.cli import main
from tests.support.registry import DISTRICTS, HEADER, MESSY, ROWS, write_offers

CITY_TOML = '[city]\nname = "Ludwigsburg"\npostcodes = ["71634", "71636"]\ndemo = true\n'


@pytest.fixture
def cli(database_url: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run ``stadtkarte ARGS --data DIR --database URL``; returns (exit code, stdout, stderr)."""
    config = tmp_path / "stadt.toml"
    config.write_text(CITY_TOML, encoding="utf-8")

    def run(*args: str, city: bool = True) -> tuple[int, str, str]:
        extra = ["--config", str(config), "--districts", str(DISTRICTS)] if city and args[0] == "import" else []
        code = main([*args, *extra, "--data", str(data_dir), "--database", database_url])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _open(database_url: str, data_dir: Path) -> Register:
    return Register.open(database_url, data_dir)


def test_first_import_queues_new_rows_for_review(cli, tmp_path, database_url, data_dir) -> None:
    offers = write_offers(tmp_path / "angebote.csv", list(ROWS.values()))
    code, out, err = cli("import", str(offers))
    assert code == 0, err
    assert out.splitlines()[0].startswith("angebote.csv: 3 neu, 0 geändert, 0 unverändert, 0 abgelehnt")
    with _open(database_url, data_dir) as register:
        assert register.queue_counts()["new"] == 3
        assert {e.state for e in register.entries()} == {"pending"}
        assert register.entries(state="published") == []
    assert not (data_dir / "CURRENT").exists()  # nothing published without review


def test_reimport_merges_new_changed_missing(cli, tmp_path, database_url, data_dir) -> None:
    first = write_offers(tmp_path / "v1.csv", list(ROWS.values()))
    assert cli("import", str(first), "--apply")[0] == 0
    changed = ROWS["a2"].replace("Beratung Ost", "Beratung Oststadt")
    new = "a4;Neu dabei;Verein D;Sport;;Seestraße;4;71634;Ludwigsburg;48,892;9,205"
    second = write_offers(tmp_path / "v2.csv", [ROWS["a1"], changed, new])
    code, out, err = cli("import", str(second), "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("v2.csv: 1 new, 1 changed, 1 unchanged, 0 rejected")
    assert lines[1].startswith("1 entries are missing from the file: a3") and "--archive-missing" in lines[1]
    with _open(database_url, data_dir) as register:
        assert register.queue_counts() == {"new": 1, "change": 1, "archive": 0, "report": 0}
        change = register.queue(kind="change")[0]
        assert [(d.field, d.before, d.after) for d in register.diff(change.id)] == [
            ("name", "Beratung Ost", "Beratung Oststadt")
        ]
        assert register.entry("a3").state == "published"  # type: ignore[union-attr]  # listed, never deleted
        register.approve(change.id, "clerk@stadt.de")
        assert register.entry("a2").name == "Beratung Oststadt"  # type: ignore[union-attr]
    code, out, _err = cli("import", str(second), "--archive-missing")
    assert code == 0 and "1 davon archiviert" in out
    with _open(database_url, data_dir) as register:
        assert register.entry("a3").state == "archived"  # type: ignore[union-attr]
        assert register.audit(entry_id="a3")[0].action == "archive"
        current = (data_dir / "CURRENT").read_text().strip()
        published = json.loads((data_dir / "snapshots" / current / "offers.geojson").read_text(encoding="utf-8"))
    assert "a3" not in {f["id"] for f in published["features"]}


def test_apply_publishes_and_applies_changes(cli, tmp_path, database_url, data_dir) -> None:
    assert cli("import", str(write_offers(tmp_path / "v1.csv", list(ROWS.values()))), "--apply")[0] == 0
    changed = ROWS["a1"].replace("Verein A", "Verein A e.V.")
    code, out, _err = cli(
        "import", str(write_offers(tmp_path / "v2.csv", [changed, ROWS["a2"], ROWS["a3"]])), "--apply"
    )
    assert code == 0 and "0 neu, 1 geändert, 2 unverändert" in out
    with _open(database_url, data_dir) as register:
        a1 = register.entry("a1")
        assert a1 is not None and a1.properties["organization"] == "Verein A e.V." and a1.version == 2
        assert register.queue() == []
        assert register.audit(entry_id="a1")[0].fields == {
            "organization": ["Verein A", "Verein A e.V."],
            "source": ["v1.csv", "v2.csv"],
        }
    current = (data_dir / "CURRENT").read_text().strip()
    offers = (data_dir / "snapshots" / current / "offers.geojson").read_text(encoding="utf-8")
    assert "Verein A e.V." in offers


def test_duplicate_ids_are_rejected_with_reason(cli, tmp_path, database_url, data_dir) -> None:
    dup = ROWS["a2"].replace("a2;", "a1;", 1)
    offers = write_offers(tmp_path / "dup.csv", [ROWS["a1"], dup, ROWS["a3"]])
    code, out, _err = cli("import", str(offers))
    assert code == 0 and "2 neu, 0 geändert, 0 unverändert, 1 abgelehnt" in out
    rejects_path = Path(out.splitlines()[-1].split(": ", 1)[1])
    rows = list(csv.reader(io.StringIO(rejects_path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "3" and "doppelt" in rows[1][1]
    with _open(database_url, data_dir) as register:
        assert register.entry("a1").name == "Sprachcafé West"  # type: ignore[union-attr]  # the first row keeps the id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"", "is empty"),
        (b"Titel;Ort\r\nx;y\r\n", "Name"),
    ],
)
def test_broken_file_exits_2_with_one_line_and_writes_nothing(
    cli, tmp_path, database_url, data_dir, content, message
) -> None:
    offers = tmp_path / "broken.csv"
    if content is not None:
        offers.write_bytes(content)
    code, out, err = cli("import", str(offers))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("stadtkarte: error: ")
    assert "Traceback" not in err
    assert message in err
    with _open(database_url, data_dir) as register:
        register.upgrade()
        assert register.count_entries() == 0 and register.audit() == []
    assert (
        sorted(
            p.name
            for p in data_dir.iterdir()
            if p.name != "register.sqlite" and not p.name.startswith("register.sqlite")
        )
        == []
    )


def test_messy_cp1252_file_accounts_for_every_row(cli, database_url, data_dir) -> None:
    code, out, err = cli("import", str(MESSY))
    assert code == 0, err
    first = out.splitlines()[0]
    new = int(first.split(": ", 1)[1].split(" neu")[0])
    rejected = int(first.split(", ")[-1].split(" abgelehnt")[0])
    built = current_snapshot_dir(data_dir / "import") or data_dir / "import"  # the import's build output
    report = json.loads((built / "build_report.json").read_text(encoding="utf-8"))
    assert new == report["rows_out"] and rejected == report["rows_rejected"]
    lines = MESSY.read_bytes().decode("cp1252").splitlines()[1:]
    # every line after the header is an entry, a reject, or listed as empty (Excel's ;;;; rows)
    assert new + rejected == report["rows_in"] and report["rows_in"] + len(report["empty_rows"]) == len(lines)
    assert report["empty_rows"] and new and rejected
    with _open(database_url, data_dir) as register:
        assert register.count_entries() == new == register.queue_counts()["new"]
        names = {e.name for e in register.entries(limit=100)}
    assert "Sprachcafé Weststadt" in names and "Außerhalb der Stadtteile" in names


def test_header_matches_the_build_columns() -> None:
    assert HEADER.startswith("ID;Name;")


def test_bad_config_is_one_line_exit_2(database_url, data_dir, tmp_path, capsys) -> None:
    config = tmp_path / "kaputt.toml"
    config.write_text('[city]\nname = "X"\n[unbekannt]\nx = 1\n', encoding="utf-8")
    offers = write_offers(tmp_path / "o.csv", [ROWS["a1"]])
    code = main(["import", str(offers), "--config", str(config), "--data", str(data_dir), "--database", database_url])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and "unbekannt" in err
    with Register.open(database_url, data_dir) as register:  # the config is read first: nothing was even created
        assert register.revision() is None or register.count_entries() == 0


def test_reimport_queues_a_change_once_and_supersedes_older_imports(cli, tmp_path, database_url, data_dir) -> None:
    assert cli("import", str(write_offers(tmp_path / "v1.csv", list(ROWS.values()))), "--apply")[0] == 0
    v2 = write_offers(tmp_path / "v2.csv", [ROWS["a1"], ROWS["a2"].replace("Caritas", "Caritas LB"), ROWS["a3"]])
    assert cli("import", str(v2))[0] == 0
    assert cli("import", str(v2))[0] == 0  # the same file again: nothing queued twice
    with _open(database_url, data_dir) as register:
        first = register.queue(kind="change")
        assert [c.entry_id for c in first] == ["a2"]
        a1 = register.entry("a1")
        staff = register.propose("a1", {**register.form_values(a1), "name": "Von Hand"}, "anna@stadt.de", "verwaltung")
    v3 = write_offers(
        tmp_path / "v3.csv", [ROWS["a1"], ROWS["a2"].replace("Caritas", "Caritas Ludwigsburg"), ROWS["a3"]]
    )
    assert cli("import", str(v3))[0] == 0
    with _open(database_url, data_dir) as register:
        queued = register.queue(kind="change")
        assert [c.entry_id for c in queued] == ["a1", "a2"] and queued[0].id == staff.id  # people's proposals stay
        old = register.change(first[0].id)
        assert old is not None and old.state == "rejected" and "v3.csv" in old.reason
        assert queued[1].feature["properties"]["organization"] == "Caritas Ludwigsburg"  # type: ignore[index]


def test_reimport_of_the_published_values_drops_an_earlier_imports_change(
    cli, tmp_path, database_url, data_dir
) -> None:
    v1 = write_offers(tmp_path / "v1.csv", list(ROWS.values()))
    assert cli("import", str(v1), "--apply")[0] == 0
    assert (
        cli("import", str(write_offers(tmp_path / "v2.csv", [ROWS["a1"], ROWS["a2"].replace("Ost", "O"), ROWS["a3"]])))[
            0
        ]
        == 0
    )
    code, out, _err = cli("import", str(v1))
    assert code == 0 and "0 geändert, 3 unverändert" in out
    with _open(database_url, data_dir) as register:
        assert register.queue() == []
        latest = register.audit(entry_id="a2")[0]
        assert latest.action == "reject" and "v1.csv" in latest.note
