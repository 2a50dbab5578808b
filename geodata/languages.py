"""Languages an offer is delivered in: ISO 639 codes and their names.

Codes are ISO 639-1 where one exists, else ISO 639-3 (e.g. Kurmanji ``kmr``,
Dari ``prs``). Names come from Babel's CLDR data: in German, in English and in
the language itself ("Türkisch", "Turkish", "Türkçe" all resolve to ``tr``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from geodata.taxonomy import fold

#: Leichte Sprache (easy-to-read German) as a BCP 47 private-use tag: its primary subtag ``de`` lets
#: every tool that does not know the tag treat the text as German (screen reader voice, hyphenation,
#: RFC 4647 lookup truncates it to ``de``), while the offer contract can tell it apart from plain
#: German, so offers given in Leichte Sprache can be found. ISO 639 has no code for it.
EASY_GERMAN = "de-x-ls"
#: German Sign Language (Deutsche Gebärdensprache, DGS), ISO 639-3.
GERMAN_SIGN_LANGUAGE = "gsg"
#: A language code of the offer contract: ISO 639-1/-3, or the Leichte Sprache tag.
LANGUAGE_CODE_PATTERN = r"[a-z]{2,3}|de-x-ls"

#: Languages CLDR lacks or names too vaguely for our users: code -> names in the interface languages
#: and ``own`` (the name its speakers use; for DGS and Leichte Sprache the German name). No name has
#: parentheses, so that "own (interface name)" labels never nest them.
_EXTRA_NAMES: dict[str, dict[str, str]] = {
    "kmr": {"own": "Kurmancî", "de": "Kurdisch-Kurmandschi", "en": "Kurmanji Kurdish", "tr": "Kurmanci Kürtçesi",
            "ar": "الكردية الكرمانجية", "uk": "курдська курманджі"},
    "ckb": {"own": "کوردیی سۆرانی", "de": "Kurdisch-Sorani", "en": "Sorani Kurdish", "tr": "Sorani Kürtçesi",
            "ar": "الكردية السورانية", "uk": "курдська сорані"},
    "prs": {"own": "دری", "de": "Dari", "en": "Dari", "tr": "Darice", "ar": "الدارية", "uk": "дарі"},
    GERMAN_SIGN_LANGUAGE: {"own": "Deutsche Gebärdensprache", "de": "Deutsche Gebärdensprache",
                           "en": "German Sign Language", "tr": "Alman İşaret Dili", "ar": "لغة الإشارة الألمانية",
                           "uk": "німецька жестова мова"},
    EASY_GERMAN: {"own": "Leichte Sprache", "de": "Leichte Sprache", "en": "Easy German", "tr": "Kolay Almanca",
                  "ar": "الألمانية المبسطة", "uk": "легка німецька мова"},
}  # fmt: skip
#: Further spellings seen in municipal lists.
_ALIASES: dict[str, str] = {
    "kurmandschi": "kmr",
    "kurmanci": "kmr",
    "kurmanji": "kmr",
    "kurdisch (kurmandschi)": "kmr",
    "kurdish (kurmanji)": "kmr",
    "kurdi (kurmanci)": "kmr",
    "sorani": "ckb",
    "kurdisch (sorani)": "ckb",
    "kurdish (sorani)": "ckb",
    "kurdisch sorani": "ckb",
    "farsi": "fa",
    "gebaerdensprache": GERMAN_SIGN_LANGUAGE,
    "deutsche gebaerdensprache": GERMAN_SIGN_LANGUAGE,
    "dgs": GERMAN_SIGN_LANGUAGE,
    "german sign language": GERMAN_SIGN_LANGUAGE,
    # Einfache Sprache is less strictly regulated than Leichte Sprache; both serve readers who need
    # simple German, and the contract has one code for them.
    "leichte sprache": EASY_GERMAN,
    "einfache sprache": EASY_GERMAN,
    "easy german": EASY_GERMAN,
    "easy read": EASY_GERMAN,
    "easy language": EASY_GERMAN,
    "ls": EASY_GERMAN,
    "serbokroatisch": "sh",
}


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    de, en = Locale("de").languages, Locale("en").languages
    for code in set(de) | set(en):
        if "_" in code or not (2 <= len(code) <= 3) or not code.isalpha():
            continue
        index.setdefault(code, code)
        for name in (de.get(code), en.get(code)):
            if name:
                index.setdefault(fold(name), code)
    for code, names in _EXTRA_NAMES.items():
        index[code] = code
        for name in names.values():
            index[fold(name)] = code
    for alias, code in _ALIASES.items():
        index[alias] = code
    return index


@lru_cache(maxsize=512)
def native_name(code: str) -> str:
    """The language's name for itself ("Türkçe" for ``tr``), else its English name."""
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code]["own"]
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name[:1].upper() + name[1:] if name else language_name(code, "en")


def language_name(code: str, display: str = "de") -> str:
    """Name of ``code`` in the interface language ``display`` (falls back to English, then the code)."""
    if code in _EXTRA_NAMES:
        names = _EXTRA_NAMES[code]
        return names.get(display) or names["en"]
    try:
        name = Locale.parse(display).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or Locale("en").languages.get(code) or code


def language_label_parts(code: str, display: str = "de") -> tuple[str, str | None]:
    """The language's own name and, when it differs, its name in the interface language ``display``.

    For markup that gives each part its own ``lang``: ``("ትግርኛ", "Tigrinisch")`` for ``ti`` in German,
    ``("Türkçe", None)`` for ``tr`` in Turkish.
    """
    own = native_name(code)
    local = language_name(code, display)
    return own, (None if fold(local) == fold(own) else local)


def language_label(code: str, display: str = "de") -> str:
    """ "own name (name in the interface language)" for chips and lists, e.g. "ትግርኛ (Tigrinya)" in English.

    A German planner recognises پښتو as "پښتو (Paschtu)"; a Turkish reader sees "Türkçe" alone.
    """
    own, local = language_label_parts(code, display)
    return f"{own} ({local})" if local else own


def resolve_language(text: str) -> str | None:
    """The ISO code for a code or a language name in German, English or itself; None when unknown."""
    key = fold(text)
    if not key:
        return None
    found = _index().get(key)
    if found is None:
        found = _native_index().get(key)
    if found is None:
        found = _full_native_index().get(key)
    return found


#: Languages most often met in German integration work: their own names are indexed
#: first, so that a native spelling like "Türkçe" resolves without loading every locale.
COMMON_LANGUAGES: tuple[str, ...] = (
    "de", "en", "tr", "ar", "ku", "ckb", "fa", "ps", "ru", "uk", "pl", "ro", "bg", "hr", "sr", "bs", "sq",
    "mk", "sl", "el", "it", "es", "pt", "fr", "nl", "hu", "cs", "sk", "lt", "lv", "et", "fi", "sv", "da",
    "no", "ti", "am", "so", "sw", "ha", "yo", "ig", "ur", "hi", "bn", "pa", "ta", "ne", "zh", "vi", "th",
    "ko", "ja", "ka", "hy", "az", "kk", "uz", "ky", "tk", "tg", "mn", "he", "be",
)  # fmt: skip


def _native_names(identifiers: Iterable[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for ident in identifiers:
        try:
            name = Locale.parse(ident).get_display_name(ident)
        except (UnknownLocaleError, ValueError):
            continue
        if name:
            index.setdefault(fold(name), ident)
    return index


@lru_cache(maxsize=1)
def _native_index() -> dict[str, str]:
    """Names of the common languages in themselves, built once (about 0.2 s)."""
    return _native_names(COMMON_LANGUAGES)


@lru_cache(maxsize=1)
def _full_native_index() -> dict[str, str]:
    """Names of every CLDR language in itself: only built for a rare spelling (seconds)."""
    from babel.localedata import locale_identifiers

    return _native_names(i for i in locale_identifiers() if "_" not in i)


def is_language_code(code: str) -> bool:
    """True for a code this module knows (ISO 639-1, or 639-3 where listed)."""
    return _index().get(code) == code
