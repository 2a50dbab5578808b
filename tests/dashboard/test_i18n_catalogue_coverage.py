"""Every string the code marks for translation is in the German catalogue (and so, by
test_i18n, in every other one): extracted with Babel as a translator's tool would."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from dashboard.i18n import LOCALES_DIR

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"


def test_every_marked_string_is_in_the_catalogue():
    marked = {msg for _file, _line, msg, *_ in extract_from_dir(str(PACKAGE), keywords={"_": None}) if msg}
    assert len(marked) > 50  # the extraction really found the code's strings
    from babel.messages.pofile import read_po

    with (LOCALES_DIR / "de" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        ids = {m.id for m in read_po(fh) if m.id}
    missing = sorted(m for m in marked if isinstance(m, str) and m not in ids)
    assert not missing, f"add these to the .po catalogues (pybabel update): {missing[:5]}"
