"""``stadtkarte remind`` and ``stadtkarte privacy``: outbox by default, idempotent, export/delete/purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from registry.models import EntryRow, SubmitterRow
from registry.submissions import purge_archived, submit_new
from stadtkarte.cli import main


@pytest.fixture
def values(form_data: dict[str, Any]) -> dict[str, str]:
    """The valid form submission as register values (lists joined)."""
    return {k: (", ".join(v) if isinstance(v, list) else v) for k, v in form_data.items()}


def age_entries(register: Any, days: int) -> None:
    with register._tx() as s:
        s.execute(update(EntryRow).values(created_at=datetime.now(UTC) - timedelta(days=days)))


def test_remind_writes_the_outbox_once(register: Any, tmp_path: Path, capsys: Any) -> None:
    age_entries(register, 400)
    args = ["remind", "--data", str(tmp_path), "--base-url", "https://karte.stadt.example"]
    assert main(args) == 0
    mails = list((tmp_path / "outbox").glob("*.eml"))
    assert len(mails) == 1  # lb-1 has an organisational e-mail, lb-2 none
    text = mails[0].read_bytes().decode("utf-8", errors="replace")
    assert "https://karte.stadt.example/eintragen/bestaetigen/" in text
    assert "1 gesendet" in capsys.readouterr().out
    assert main(args) == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1  # nothing twice


def test_privacy_export_and_delete(register: Any, tmp_path: Path, capsys: Any, values: dict[str, str]) -> None:
    submit_new(register, values, "Ayse@Bruecke.example", "tr", datetime.now(UTC))
    assert main(["privacy", "export", "ayse@bruecke.example", "--data", str(tmp_path)]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["email"] == "ayse@bruecke.example" and exported["submissions"][0]["language"] == "tr"
    assert main(["privacy", "delete", "ayse@bruecke.example", "--data", str(tmp_path)]) == 0
    with register._tx() as s:
        assert s.scalars(select(SubmitterRow.email)).all() == [None]
    assert main(["privacy", "export", "not-an-address", "--data", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_retention_purges_only_long_archived_entries(register: Any, values: dict[str, str]) -> None:
    at = datetime.now(UTC)
    result = submit_new(register, values, "ayse@bruecke.example", "tr", at)
    assert result.entry_id is not None
    register.archive(result.entry_id, actor="moderator")
    assert purge_archived(register, 24, at + timedelta(days=30)) == 0
    assert purge_archived(register, 24, at + timedelta(days=24 * 30 + 1)) == 1
    with register._tx() as s:
        assert s.scalars(select(SubmitterRow.email)).all() == [None]


def test_remind_tells_submitters_the_decision_once(
    register: Any, tmp_path: Path, capsys: Any, values: dict[str, str]
) -> None:
    from email import message_from_bytes

    accepted = submit_new(register, values, "ayse@bruecke.example", "tr", datetime.now(UTC))
    refused = submit_new(register, {**values, "name": "Teekreis Nord"}, "olena@kurs.example", "uk", datetime.now(UTC))
    register.approve(accepted.change.id, "moderator")
    register.reject(refused.change.id, "moderator", "Das Angebot gibt es schon als lb-2")
    args = ["remind", "--data", str(tmp_path)]
    assert main(args) == 0 and "2 Entscheidungen mitgeteilt" in capsys.readouterr().out
    mails = [message_from_bytes(p.read_bytes()) for p in sorted((tmp_path / "outbox").glob("*.eml"))]
    texts = {str(m["To"]): m.get_payload(decode=True).decode("utf-8") for m in mails}
    assert "haritada" in texts["ayse@bruecke.example"] or "onayladı" in texts["ayse@bruecke.example"]
    assert "Das Angebot gibt es schon als lb-2" in texts["olena@kurs.example"]
    assert main(args) == 0 and "0 Entscheidungen mitgeteilt" in capsys.readouterr().out
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
