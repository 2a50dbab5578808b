"""The staff catalogue: every text in German and English, with the same placeholders."""

from __future__ import annotations

import string

from dashboard.staff.messages import MESSAGES, STAFF_LANGUAGES, staff_lang, staff_text


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_in_both_languages_with_the_same_placeholders():
    de, en = MESSAGES["de"], MESSAGES["en"]
    assert set(de) == set(en)
    for key in de:
        assert de[key].strip() and en[key].strip(), key
        assert _fields(de[key]) == _fields(en[key]), key


def test_language_choice_and_fallback():
    assert STAFF_LANGUAGES == ("de", "en")
    assert staff_lang("EN") == "en"
    assert staff_lang("ar") == "de"
    assert staff_lang(None) == "de"
    assert staff_text("en", "approved", version="abc") == "Approved; published as version abc."
    assert staff_text("de", "no-such-key") == "no-such-key"
