"""Catalogue hygiene: no Turkish, Arabic or Ukrainian entry is empty, fuzzy or still German;
real translator/revision headers; each language's own quotation marks."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from dashboard.i18n import LOCALES_DIR

TRANSLATED = ("tr", "ar", "uk")
#: Entries that rightly read the same as the German: a product name, words Turkish shares with German.
SAME_AS_GERMAN = {
    "tr": {"Stadtkarte Integration", "Telefon", "Telefon:", "Liste"},
    "ar": {"Stadtkarte Integration"},
    "uk": {"Stadtkarte Integration"},
}
#: A script each language's text must use, and German words or letters that must not be left in it.
OWN_SCRIPT = {"ar": re.compile(r"[\u0600-\u06ff]"), "uk": re.compile(r"[\u0400-\u04ff]"), "tr": re.compile(r".")}
GERMAN_LEFT_OVER = re.compile(r"[äßÄ]|\b(der|die|das|und|mit|von|nach|oder|nicht|Angebot\w*|Stadtteil\w*)\b")
#: Words allowed to stay German inside a translation: data the search really finds, names of laws.
GERMAN_ON_PURPOSE = re.compile(r"Sprachcafé|BITV|Stadtkarte Integration")
PLACEHOLDER_HEADERS = ("FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "VERSION", "ORGANIZATION", "FIRST AUTHOR")


def _catalog(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_entry_is_empty_fuzzy_or_still_german(lang):
    problems = []
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in _strings(message):
            if not text or message.fuzzy:
                problems.append(("empty or fuzzy", ids[0]))
            elif text in ids:
                if ids[0] not in SAME_AS_GERMAN[lang]:
                    problems.append(("German msgid copied", ids[0]))
            elif not OWN_SCRIPT[lang].search(text):
                problems.append(("not in the language's script", ids[0]))
            elif GERMAN_LEFT_OVER.search(GERMAN_ON_PURPOSE.sub("", text)):
                problems.append(("German words left", text))
    assert not problems, problems[:5]


@pytest.mark.parametrize("lang", ("de", "en", *TRANSLATED))
def test_headers_name_the_revision_and_the_plural_rule(lang):
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    header = path.read_text(encoding="utf-8").split('msgid "', 2)[1]
    assert not [p for p in PLACEHOLDER_HEADERS if p in header], header
    catalog = _catalog(lang)
    assert catalog.language_team and catalog.last_translator and catalog.revision_date.year >= 2026
    assert f'"Language: {lang}\\n"' in header and '"Plural-Forms: nplurals=' in header


@pytest.mark.parametrize(("lang", "marks"), [("en", "“”"), ("tr", "“”"), ("ar", "«»"), ("uk", "«»")])
def test_each_language_quotes_with_its_own_marks(lang, marks):
    for message in _catalog(lang):
        for text in _strings(message) if message.id else ():
            quotes = set(re.findall(r"[„“”«»\"]", text))
            assert quotes <= set(marks), (lang, text)


def test_helper_lists_only_existing_entries():
    """The exemptions above name real msgids (a stale list would hide nothing and pass)."""
    ids = {m.id for m in _catalog("de") if m.id}
    for allowed in SAME_AS_GERMAN.values():
        assert allowed <= ids, allowed - ids


@pytest.mark.parametrize("lang", ["de", *TRANSLATED])
def test_every_catalogue_parses_without_a_broken_entry(lang):
    """A merge that drops a ``msgstr`` line must fail here (babel only logs it and reads on)."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        read_po(fh, abort_invalid=True)
