"""Every glossary term is translated the same way wherever its German term occurs: in the
interface catalogues and in the default taxonomy's labels (dashboard/locales/glossary.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dashboard.i18n import LOCALES_DIR
from geodata.taxonomy import load_taxonomy

GLOSSARY = LOCALES_DIR / "glossary.toml"
DOC = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
LANGS = ("en", "tr", "ar", "uk")


def glossary() -> list[dict]:
    with GLOSSARY.open("rb") as fh:
        return tomllib.load(fh)["term"]


def translations(lang: str) -> Iterator[tuple[str, str]]:
    """(German text, its translation) for every catalogue entry, plural form and taxonomy label."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue
        german = " / ".join(message.id) if isinstance(message.id, tuple) else message.id
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            yield german, text
    tax = load_taxonomy()
    for vocabulary in (tax.categories, tax.subcategories, tax.target_groups):
        for term in vocabulary.terms:
            yield term.labels["de"], term.labels.get(lang, "")


def violations(term: dict, lang: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Texts whose German has ``term`` but whose translation lacks every agreed form or has an avoided one."""
    found = re.compile(term["match"], re.IGNORECASE)
    agreed = [re.compile(form, re.IGNORECASE) for form in term[lang]]
    avoided = [re.compile(form, re.IGNORECASE) for form in term.get("avoid", {}).get(lang, [])]
    out = []
    for german, text in pairs:
        if not found.search(german):
            continue
        if not any(form.search(text) for form in agreed):
            out.append(("agreed term missing", german, text))
        out.extend(("avoided term used", german, text) for form in avoided if form.search(text))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_glossary_term_is_translated_consistently(lang):
    pairs = list(translations(lang))
    problems = [(term["de"], *v) for term in glossary() for v in violations(term, lang, pairs)]
    assert not problems, problems[:5]


def test_glossary_is_complete_and_used():
    terms = glossary()
    assert len(terms) >= 12
    for term in terms:
        assert all(term.get(lang) for lang in LANGS), term["de"]
        assert re.search(term["match"], term["de"], re.IGNORECASE), term["de"]  # its own pattern finds it
    german = [g for g, _ in translations("en")]
    used = [t["de"] for t in terms if any(re.search(t["match"], g, re.IGNORECASE) for g in german)]
    assert len(used) >= 15  # the check bites on real texts, not only on terms no text uses yet


def test_the_checker_catches_a_wrong_and_an_avoided_rendering():
    angebot = next(t for t in glossary() if t["de"] == "Angebot")
    reach = next(t for t in glossary() if t["de"] == "Erreichbarkeit")
    assert violations(angebot, "ar", [("Weitere Angebote anzeigen", "عرض المزيد من العروض")])
    assert violations(reach, "en", [("Erreichbarkeitsindex (E2SFCA)", "Accessibility index (E2SFCA)")])
    assert not violations(reach, "en", [("Erreichbarkeitsindex (E2SFCA)", "Reach index (E2SFCA)")])


def test_the_document_lists_every_term():
    text = DOC.read_text(encoding="utf-8")
    for term in glossary():
        assert f"| {term['de']} |" in text, term["de"]
