"""Translations: catalogues readable, German fallback, RTL, no broken placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.filters import UI_LANGUAGES
from dashboard.i18n import LOCALES_DIR, catalogue, read_catalogue, text_direction, translate, translator


def test_every_interface_language_has_a_catalogue():
    for lang in UI_LANGUAGES:
        assert (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").is_file()


@pytest.mark.parametrize("lang", [lang for lang in UI_LANGUAGES if lang != "de"])
def test_catalogues_are_complete_and_keep_placeholders(lang):
    german = read_catalogue_ids(LOCALES_DIR / "de" / "LC_MESSAGES" / "messages.po")
    messages = catalogue(lang)
    assert set(german) <= set(messages), f"{lang} lacks {sorted(set(german) - set(messages))[:3]}"
    for msgid, text in messages.items():
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", text)), (lang, msgid)


def read_catalogue_ids(path: Path) -> list[str]:
    """Singular msgids (plural entries are checked in tests/i18n/test_plurals.py)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return [m.id for m in read_po(fh) if m.id and isinstance(m.id, str)]


def test_translation_and_fallback_to_german():
    assert translator("tr")("Karte") == "Harita"
    assert translator("ar")("Karte") == "الخريطة"
    assert translator("uk")("Liste") == "Список"
    assert translator("en")("Nicht im Katalog") == "Nicht im Katalog"  # missing -> German msgid
    assert translator("xx")("Karte") == "Karte"  # unknown language -> German


def test_missing_and_broken_entries_fall_back(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Hallo {name}"\nmsgstr "Hello {nam}"\n\n'
        'msgid "Leer"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Unsicher"\nmsgstr "Unsure"\n',
        encoding="utf-8",
    )
    messages = read_catalogue(po)
    assert "Leer" not in messages and "Unsicher" not in messages
    assert translate(messages, "Hallo {name}", name="Ada") == "Hallo Ada"  # bad placeholder -> German


def test_formatting_values():
    assert (
        translator("en")("Integrationsangebote in {city}", city="Ludwigsburg") == "Integration services in Ludwigsburg"
    )


def test_arabic_is_right_to_left():
    assert text_direction("ar") == "rtl"
    assert {text_direction(lang) for lang in ("de", "en", "tr", "uk")} == {"ltr"}
