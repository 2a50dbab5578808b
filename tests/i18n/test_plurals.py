"""Plural forms: each catalogue's Plural-Forms rule agrees with CLDR, every plural entry has all
its forms, and the counts read right for n = 0, 1, 2, 3, 11, 100 in every interface language."""

from __future__ import annotations

import pytest
from babel import Locale

from dashboard.filters import UI_LANGUAGES
from dashboard.i18n import Plurals, plural_forms_by_category, plural_rule, plural_translator, plurals, translate_plural

#: CLDR plural categories of integers, in the gettext order of each language's msgstr[i].
CATEGORY_ORDER = {
    "de": ("one", "other"),
    "en": ("one", "other"),
    "tr": ("one", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "uk": ("one", "few", "many"),
}
COUNTS = (0, 1, 2, 3, 11, 100)
SELECTION = ("{n} Angebot in der Auswahl", "{n} Angebote in der Auswahl")
SHOWN = ("{shown} von {count} Angebot angezeigt", "{shown} von {count} Angeboten angezeigt")

#: What a native reader expects, written by hand (not read from the catalogues).
EXPECTED_SELECTION = {
    "de": ["0 Angebote in der Auswahl", "1 Angebot in der Auswahl", "2 Angebote in der Auswahl",
           "3 Angebote in der Auswahl", "11 Angebote in der Auswahl", "100 Angebote in der Auswahl"],
    "en": ["0 services in the selection", "1 service in the selection", "2 services in the selection",
           "3 services in the selection", "11 services in the selection", "100 services in the selection"],
    "tr": ["Seçimde 0 hizmet", "Seçimde 1 hizmet", "Seçimde 2 hizmet", "Seçimde 3 hizmet", "Seçimde 11 hizmet",
           "Seçimde 100 hizmet"],
    "ar": ["لا توجد خدمات في الاختيار", "خدمة واحدة في الاختيار", "خدمتان في الاختيار", "3 خدمات في الاختيار",
           "11 خدمةً في الاختيار", "100 خدمة في الاختيار"],
    "uk": ["0 пропозицій у вибірці", "1 пропозиція у вибірці", "2 пропозиції у вибірці", "3 пропозиції у вибірці",
           "11 пропозицій у вибірці", "100 пропозицій у вибірці"],
}  # fmt: skip


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_plural_rule_of_the_catalogue_agrees_with_cldr(lang):
    table = plurals(lang)
    order = CATEGORY_ORDER[lang]
    assert table.nplurals == len(order)
    locale = Locale.parse(lang)
    for n in range(0, 1201):
        assert order[table.rule(n)] == locale.plural_form(n), (lang, n)


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_every_plural_entry_is_complete_and_keeps_placeholders(lang):
    table = plurals(lang)
    assert SELECTION in table.forms and SHOWN in table.forms
    for (singular, plural), forms in table.forms.items():
        allowed = set(_fields(plural))
        assert len(forms) == table.nplurals and all(forms), (lang, singular)
        for index, form in enumerate(forms):
            assert set(_fields(form)) <= allowed, (lang, singular, index)
        # only Arabic's zero, one and two forms may spell the number out instead of writing it
        spelled_out = {0, 1, 2} if lang == "ar" else set()
        for index, form in enumerate(forms):
            if index not in spelled_out:
                assert set(_fields(form)) == allowed, (lang, singular, index)


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_counts_read_right_for_typical_numbers(lang):
    ngettext = plural_translator(lang)
    assert [ngettext(*SELECTION, n) for n in COUNTS] == EXPECTED_SELECTION[lang]


def test_arabic_and_ukrainian_count_forms_of_the_list_status():
    ar, uk = plural_translator("ar"), plural_translator("uk")
    assert ar(*SHOWN, 2, shown=1, count=2) == "تظهر 1 من أصل خدمتين"
    assert ar(*SHOWN, 5, shown=3, count=5) == "تظهر 3 من أصل 5 خدمات"
    assert ar(*SHOWN, 162, shown=100, count=162) == "تظهر 100 من أصل 162 خدمةً"
    assert ar(*SHOWN, 1200, shown=100, count=1200) == "تظهر 100 من أصل 1,200 خدمة"
    assert uk(*SHOWN, 21, shown=20, count=21) == "Показано 20 з 21 пропозиції"
    assert uk(*SHOWN, 1200, shown=100, count=1200) == "Показано 100 з 1\u00a0200 пропозицій"
    assert plural_translator("de")(*SHOWN, 1200, shown=100, count=1200) == "100 von 1.200 Angeboten angezeigt"


def test_missing_plural_entry_falls_back_to_german_and_unknown_language_to_german():
    en = plural_translator("en")
    assert en("{n} Karte", "{n} Karten", 1) == "1 Karte"
    assert en("{n} Karte", "{n} Karten", 3) == "3 Karten"
    assert plural_translator("xx")(*SELECTION, 2) == "2 Angebote in der Auswahl"


def test_broken_form_falls_back_to_german():
    table = Plurals({("{n} Ding", "{n} Dinge"): ("{m} thing", "{m} things")}, 2, plural_rule("(n != 1)"))
    assert translate_plural(table, "{n} Ding", "{n} Dinge", 2, n=2) == "2 Dinge"


def test_bad_plural_expression_names_the_fix():
    with pytest.raises(ValueError, match="Plural-Forms"):
        plural_rule("n ? import os")


def _fields(text: str) -> list[str]:
    import string

    return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]


def test_forms_by_cldr_category_for_browser_code():
    more = ("und {n} weiteres Angebot", "und {n} weitere Angebote")
    ar = plural_forms_by_category("ar", *more)
    assert set(ar) == {"zero", "one", "two", "few", "many", "other"}
    assert ar["few"] == "و{n} خدمات أخرى" and ar["many"] == "و{n} خدمةً أخرى"
    uk = plural_forms_by_category("uk", *more)
    assert (uk["one"], uk["few"], uk["many"]) == ("і ще {n} пропозиція", "і ще {n} пропозиції", "і ще {n} пропозицій")
    assert "other" in uk  # fractions, and the fallback of browser code
    assert plural_forms_by_category("de", *more) == {
        "one": "und {n} weiteres Angebot",
        "other": "und {n} weitere Angebote",
    }
