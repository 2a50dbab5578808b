"""The register's commands: accounts (password never an argument), db upgrade, backup/restore, publish."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry import Register
from registry.cli import read_password
from stadtkarte.cli import _parser, main
from tests.support.registry import CONFIG, DISTRICTS, MESSY, ROWS, write_offers

PASSWORD = "ein-sehr-gutes-passwort"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_user_add_reads_the_password_from_stdin(database_url, data_dir, capsys, monkeypatch) -> None:
    where = ["--data", str(data_dir), "--database", database_url]
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = _run(capsys, "user", "add", "Chef@Stadt.de", "--role", "admin", *where)
    assert code == 0, err
    assert "chef@stadt.de (admin)" in out and PASSWORD not in out + err
    code, out, _err = _run(capsys, "user", "list", *where)
    assert code == 0 and out.split("\t")[:3] == ["chef@stadt.de", "admin", "active"]
    with Register.open(database_url, data_dir) as register:
        assert register.authenticate("chef@stadt.de", PASSWORD) is not None
    assert _run(capsys, "user", "disable", "chef@stadt.de", *where)[0] == 0
    with Register.open(database_url, data_dir) as register:
        assert register.authenticate("chef@stadt.de", PASSWORD) is None
    code, out, err = _run(capsys, "user", "disable", "nobody@stadt.de", *where)
    assert code == 2 and err.count("\n") == 1 and "nobody@stadt.de" in err and "Traceback" not in err


def test_password_is_never_an_argument(capsys) -> None:
    user = next(a for a in _parser()._actions if a.dest == "command").choices["user"]
    actions = next(a for a in user._actions if a.dest == "user_command").choices
    for name, sub in actions.items():
        assert not any("pass" in (a.dest or "") for a in sub._actions), name
    with pytest.raises(SystemExit) as exc:
        main(["user", "add", "a@stadt.de", PASSWORD])
    assert exc.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err


def test_weak_or_missing_password_is_one_line_exit_2(data_dir, capsys, monkeypatch) -> None:
    where = ["--data", str(data_dir), "--database", f"sqlite:///{data_dir / 'r.sqlite'}"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("kurz\n"))
    code, _out, err = _run(capsys, "user", "add", "a@stadt.de", *where)
    assert code == 2 and "at least 12" in err and err.count("\n") == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _out, err = _run(capsys, "user", "add", "a@stadt.de", *where)
    assert code == 2 and "standard input" in err


def test_read_password_takes_the_first_line_only() -> None:
    assert read_password(io.StringIO("geheim-geheim-1\nsecond line\n")) == "geheim-geheim-1"


def test_user_add_in_a_real_process_with_piped_stdin(tmp_path) -> None:
    env = {**os.environ, "STADTKARTE_DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "stadtkarte", "user", "add", "pipe@stadt.de", "--data", str(tmp_path)],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with Register.open(None, tmp_path) as register:
        assert register.url.startswith("sqlite:///") and register.authenticate("pipe@stadt.de", PASSWORD)


def test_db_upgrade_and_bad_url(data_dir, capsys) -> None:
    from registry.db import MIGRATIONS

    head = max(p.name[:4] for p in (MIGRATIONS / "versions").glob("0*.py"))  # the newest migration
    code, out, _err = _run(capsys, "db", "upgrade", "--data", str(data_dir))
    assert code == 0 and f"Stand {head} " in out and (data_dir / "register.sqlite").is_file()
    code, _out, err = _run(capsys, "db", "upgrade", "--data", str(data_dir), "--database", "mysql://x@y/z")
    assert code == 2 and "not supported" in err and err.count("\n") == 1
    code, _out, err = _run(
        capsys, "db", "upgrade", "--data", str(data_dir), "--database", "postgresql+psycopg://u@127.0.0.1:1/x"
    )
    assert code == 2 and "cannot use the database" in err and err.count("\n") == 1


@pytest.fixture
def sqlite_register(tmp_path: Path, data_dir: Path):
    """A SQLite register with :data:`ROWS` imported and published."""
    from registry.importer import import_offers

    register = Register.open(f"sqlite:///{tmp_path / 'source.sqlite'}", data_dir, CONFIG)
    register.upgrade()
    import_offers(register, write_offers(tmp_path / "o.csv", list(ROWS.values())), districts=DISTRICTS, apply=True)
    yield register
    register.close()


def test_backup_sqlite_restore_postgresql_round_trip(sqlite_register, postgres_url, tmp_path, data_dir, capsys) -> None:
    register = sqlite_register
    a1 = register.entry("a1")
    change = register.propose("a1", {**register.form_values(a1), "name": "Sprachcafé (neu)"}, "public", "formular")
    register.add_user("anna@stadt.de", PASSWORD)
    register.archive("a3", "anna@stadt.de", "geschlossen")
    backup = tmp_path / "register.jsonl"
    code, out, err = _run(capsys, "backup", str(backup), "--data", str(data_dir), "--database", register.url)
    assert code == 0 and "rows backed up" in out, err
    code, out, err = _run(capsys, "restore", str(backup), "--data", str(data_dir), "--database", postgres_url)
    assert code == 0 and "rows restored" in out, err
    with Register.open(postgres_url, data_dir) as moved:
        assert moved.entries(limit=10) == register.entries(limit=10)
        assert moved.queue() == register.queue() and moved.queue()[0].id == change.id
        assert moved.audit() == register.audit() and moved.users() == register.users()
        assert moved.authenticate("anna@stadt.de", PASSWORD) is not None
        assert moved.meta("districts") == register.meta("districts")
        again = moved.propose("a2", moved.form_values(moved.entry("a2")), "public", "formular")  # sequences moved on
        assert again.id > change.id
        assert moved.publish(tmp_path / "pg-data") == register.publish(tmp_path / "sqlite-data")
    code, _out, err = _run(capsys, "restore", str(backup), "--data", str(data_dir), "--database", postgres_url)
    assert code == 2 and "empty" in err and err.count("\n") == 1


def test_restore_rejects_a_file_that_is_no_backup(database_url, data_dir, tmp_path, capsys) -> None:
    bogus = tmp_path / "x.jsonl"
    bogus.write_text('{"hello": 1}\n', encoding="utf-8")
    code, _out, err = _run(capsys, "restore", str(bogus), "--data", str(data_dir), "--database", database_url)
    assert code == 2 and "not a register backup" in err
    with Register.open(database_url, data_dir) as register:
        assert register.count_entries() == 0


def test_publish_command(register, data_dir, capsys) -> None:
    code, out, err = _run(capsys, "publish", "--data", str(data_dir), "--database", register.url)
    assert code == 0, err
    assert out.startswith(f"{len(ROWS)} Angebote veröffentlicht") and (data_dir / "CURRENT").is_file()


def test_every_register_option_is_explained() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command").choices
    for name in ("import", "backup", "restore", "publish"):
        for action in sub[name]._actions:
            if action.dest != "help":
                assert action.help and len(action.help) > 15, (name, action.dest)


def test_bootstrap_creates_demo_register_with_random_login(tmp_path: Path, monkeypatch) -> None:
    from registry.bootstrap import DEMO_MODERATOR, ensure_register

    monkeypatch.delenv("STADTKARTE_DATABASE_URL", raising=False)
    login = ensure_register(tmp_path / "a")
    assert login is not None and login.startswith(DEMO_MODERATOR + " / ")
    password = login.split(" / ", 1)[1]
    assert len(password) >= 16
    with Register.open(None, tmp_path / "a") as register:
        assert register.authenticate(DEMO_MODERATOR, password) is not None
        published = register.entries(state="published", limit=1000)
        assert len(published) > 100 and all(e.properties["demo"] is not None for e in published)
    assert (tmp_path / "a" / "CURRENT").is_file()
    assert ensure_register(tmp_path / "a") is None  # printed once only
    other = ensure_register(tmp_path / "b")
    assert other is not None and other.split(" / ", 1)[1] != password


def test_bootstrap_adopts_an_existing_build_without_changing_the_map(tmp_path: Path, monkeypatch) -> None:
    from etl.pipeline import build
    from geodata.snapshot import current_snapshot_dir
    from registry.bootstrap import ensure_register

    monkeypatch.delenv("STADTKARTE_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    build(MESSY, DISTRICTS, CONFIG, data, progress=False)
    built = current_snapshot_dir(data)  # the build's folder (flat, or its snapshot)
    assert built is not None
    before = {name: (built / name).read_bytes() for name in ("offers.geojson", "districts.geojson", "city.json")}
    login = ensure_register(data)
    assert login is not None  # CONFIG is a demo city: the demo moderator is created
    with Register.open(None, data) as register:
        assert register.count_entries("published") == before["offers.geojson"].count(b'"type":"Feature"')
        version = register.publish(data)
    folder = current_snapshot_dir(data)
    assert folder is not None and folder.name == version
    for name, content in before.items():
        assert (folder / name).read_bytes() == content, name
