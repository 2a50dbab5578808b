"""Interface translations from gettext ``.po`` catalogues (read at start, no compile step),
plural forms, and locale-aware numbers and dates.

Catalogues live in ``dashboard/locales/<lang>/LC_MESSAGES/messages.po``; msgids are
the German texts, so a string missing from a catalogue falls back to German.
Translators edit the ``.po`` files with any gettext tool (Poedit, Weblate, ...).

Plural entries (``msgid``/``msgid_plural``/``msgstr[i]``) pick their form with the
catalogue's own ``Plural-Forms`` header (ar: 6 forms, uk: 3, de/en/tr: 2), as gettext does.
Numbers and dates are written with Babel's CLDR data: German "3,1" and "21.12.2025",
grouping separators that never break a line and that bidi keeps inside one number
(no plain spaces: "20 000" would read "000 20" on an Arabic page).
"""

from __future__ import annotations

import datetime as dt
import gettext
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import get_day_names, get_month_names
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent
from babel.numbers import get_decimal_symbol, get_group_symbol

from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES

logger = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa", "he", "ur", "ckb", "prs"})

#: CLDR locale used to write numbers and dates for an interface language. English readers of a
#: German city's site get British day-month-year dates ("21 Dec 2025"), not US month-first ones.
FORMAT_LOCALES: Mapping[str, str] = MappingProxyType({"en": "en_GB"})

#: Characters that make bidi or line breaking split a number, replaced by a no-break space
#: (U+00A0, bidi class CS like "," and ".": "20 000" stays one group in Arabic text).
_BREAKING_SPACES = str.maketrans({" ": "\u00a0", "\u2009": "\u00a0"})

#: Plotly's toolbar and notifier texts (its English lookup keys) -> our German msgids. Plotly shows them
#: in English on every page unless ``dcc.Graph(config={"locale": lang, "locales": {lang: plotly_locale(lang)}})``.
PLOTLY_MSGIDS: Mapping[str, str] = MappingProxyType(
    {
        "Autoscale": "Automatisch skalieren",
        "Box Select": "Rechteckauswahl",
        "Lasso Select": "Lassoauswahl",
        "Compare data on hover": "Daten beim Überfahren vergleichen",
        "Double-click on legend to isolate one trace": "Doppelklick auf die Legende zeigt nur diese Datenreihe",
        "Double-click to zoom back out": "Doppelklick zum Herauszoomen",
        "Download plot": "Diagramm herunterladen",
        "Download plot as a PNG": "Diagramm als PNG herunterladen",
        "Image download succeeded": "Bild heruntergeladen",
        "Pan": "Verschieben",
        "Preparing image - this may take a few seconds": "Bild wird erstellt – das kann einige Sekunden dauern",
        "Reset": "Zurücksetzen",
        "Reset axes": "Achsen zurücksetzen",
        "Reset view": "Ansicht zurücksetzen",
        "Show closest data on hover": "Nächstgelegene Daten beim Überfahren zeigen",
        "Sorry, there was a problem downloading your image!": "Das Bild konnte leider nicht heruntergeladen werden.",
        "Toggle Spike Lines": "Hilfslinien ein-/ausblenden",
        "Toggle show closest data on hover": "Nächstgelegene Daten beim Überfahren ein-/ausblenden",
        "Zoom": "Bereich vergrößern",
        "Zoom in": "Vergrößern",
        "Zoom out": "Verkleinern",
    }
)

Translator = Callable[..., str]
PluralTranslator = Callable[..., str]
PluralRule = Callable[[int], int]


def _germanic_rule(n: int) -> int:
    return int(n != 1)


@dataclass(frozen=True)
class Plurals:
    """The plural entries of one catalogue: ``(singular msgid, plural msgid) -> forms`` and its rule.

    Attributes
    ----------
    forms : Mapping[tuple[str, str], tuple[str, ...]]
        Each complete (no empty form, not fuzzy) plural entry: its ``msgstr[0..nplurals-1]``.
    nplurals : int
        Number of plural forms of the language (``Plural-Forms: nplurals=...``).
    rule : Callable[[int], int]
        Index of the form to use for a count ``n`` (the header's ``plural=`` expression).
    """

    forms: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    nplurals: int = 2
    rule: PluralRule = _germanic_rule


def text_direction(lang: str) -> str:
    """``"rtl"`` for right-to-left interface languages (Arabic), else ``"ltr"``."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def read_catalogue(path: Path) -> Mapping[str, str]:
    """msgid -> msgstr of a ``.po`` file; empty and fuzzy entries are left out (they fall back)."""
    catalog = _read(path)
    return MappingProxyType(
        {
            str(m.id): str(m.string)
            for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
        }
    )


def plural_rule(expression: str) -> PluralRule:
    """A function ``n -> form index`` from a gettext ``plural=`` C expression.

    Raises
    ------
    ValueError
        When the expression is not a valid gettext plural expression (fix the catalogue's
        ``Plural-Forms`` header, e.g. ``nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : ...);``).
    """
    try:
        return gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError) as err:
        raise ValueError(f"bad Plural-Forms expression {expression!r}: use a gettext plural= expression") from err


def read_plurals(path: Path) -> Plurals:
    """The plural entries and plural rule of a ``.po`` file; incomplete and fuzzy entries are left out."""
    catalog = _read(path)
    nplurals = catalog.num_plurals
    forms = {
        (str(m.id[0]), str(m.id[1])): tuple(str(s) for s in m.string)
        for m in catalog
        if isinstance(m.id, tuple)
        and isinstance(m.string, tuple)
        and len(m.string) == nplurals
        and all(m.string)
        and not m.fuzzy
    }
    return Plurals(MappingProxyType(forms), nplurals, plural_rule(catalog.plural_expr))


def _catalogue_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(UI_LANGUAGES) + 1)
def catalogue(lang: str) -> Mapping[str, str]:
    """The catalogue of ``lang`` (empty when there is none)."""
    path = _catalogue_path(lang)
    if not path.exists():
        logger.warning("no translation catalogue for %r at %s: using German", lang, path)
        return MappingProxyType({})
    return read_catalogue(path)


@lru_cache(maxsize=len(UI_LANGUAGES) + 1)
def plurals(lang: str) -> Plurals:
    """The plural entries of ``lang``'s catalogue (none, with the German rule, when there is none)."""
    path = _catalogue_path(lang)
    return read_plurals(path) if path.exists() else Plurals()


def translate(messages: Mapping[str, str], msgid: str, **values: object) -> str:
    """``msgid`` from ``messages`` (German ``msgid`` when missing), with ``{name}`` fields filled."""
    text = messages.get(msgid) or msgid
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        logger.warning("translation of %r has bad placeholders: using German", msgid)
        return msgid.format(**values)


def translate_plural(table: Plurals, singular: str, plural: str, count: int, /, **values: object) -> str:
    """The form of ``singular``/``plural`` for ``count`` in ``table``, with ``{name}`` fields filled.

    A missing entry falls back to the German msgids (``singular`` for ``count == 1``), as gettext does.
    """
    german = singular if count == 1 else plural
    forms = table.forms.get((singular, plural))
    index = table.rule(count) if forms else -1
    text = forms[index] if forms and 0 <= index < len(forms) else german
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        logger.warning("plural translation of %r has bad placeholders: using German", singular)
        return german.format(**values)


def _ui_lang(lang: str) -> str:
    return lang if lang in UI_LANGUAGES else DEFAULT_LANG


def translator(lang: str) -> Translator:
    """A function ``_(msgid, **values) -> str`` for interface language ``lang`` (German fallback)."""
    messages = catalogue(_ui_lang(lang))

    def _(msgid: str, **values: object) -> str:
        return translate(messages, msgid, **values)

    return _


def plural_translator(lang: str) -> PluralTranslator:
    """A function ``ngettext(singular, plural, count, **values) -> str`` for interface language ``lang``.

    ``{n}`` is filled with ``count`` unless given; integer values are written with the language's
    grouping (``format_number``), so "{shown} von {count} Angeboten" reads "1.200" in German
    and "1,200" in Arabic without the caller formatting.

    Examples
    --------
    >>> plural_translator("en")("{n} Angebot in der Auswahl", "{n} Angebote in der Auswahl", 1)
    '1 service in the selection'
    """
    ui = _ui_lang(lang)
    table = plurals(ui)

    def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
        filled: dict[str, object] = {"n": count, **values}
        return translate_plural(table, singular, plural, count, **{k: _shown(v, ui) for k, v in filled.items()})

    return ngettext


def plural_forms_by_category(lang: str, singular: str, plural: str) -> dict[str, str]:
    """The forms of a plural entry keyed by CLDR plural category, unfilled, for browser code.

    JavaScript picks the form with ``forms[new Intl.PluralRules(lang).select(n)]`` and fills ``{n}``
    itself (write numbers there with ``n.toLocaleString(lang + "-u-nu-latn")``: plain ``"ar"`` would give
    Arabic-Indic digits). ``"other"`` is always present.

    Examples
    --------
    >>> plural_forms_by_category("uk", "{n} Angebot", "{n} Angebote")["few"]
    '{n} пропозиції'
    """
    ui = _ui_lang(lang)
    table, locale = plurals(ui), Locale.parse(ui)
    forms: dict[str, str] = {}
    for n in range(0, 1001):  # every integer category of every CLDR locale occurs below 1000
        forms.setdefault(str(locale.plural_form(n)), translate_plural(table, singular, plural, n))
    forms.setdefault("other", translate_plural(table, singular, plural, 100))
    return forms


def _shown(value: object, lang: str) -> object:
    """Integers written with ``lang``'s grouping; anything else unchanged."""
    return format_number(value, lang) if isinstance(value, int) and not isinstance(value, bool) else value


def _format_locale(lang: str) -> str:
    return FORMAT_LOCALES.get(lang, lang if lang in UI_LANGUAGES else DEFAULT_LANG)


def _unbreakable(text: str) -> str:
    return text.translate(_BREAKING_SPACES)


def format_decimal(value: float | int | None, lang: str, digits: int = 1) -> str:
    """``value`` with exactly ``digits`` decimals in ``lang``'s notation ("3,1" in German, "3.1" in English).

    Parameters
    ----------
    value : float | int | None
        The number; None and NaN give "–", infinity gives "∞".
    lang : str
        Interface language (unknown ones are written as German).
    digits : int
        Decimals to show (rounded half-even, as Babel does).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _unbreakable(_babel_format_decimal(value, format=pattern, locale=_format_locale(lang)))


def format_number(value: int | float | None, lang: str) -> str:
    """A whole number with ``lang``'s grouping ("20.000" de, "20,000" en/ar, "20 000" uk, no-break)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return format_decimal(value, lang, 0)
    return format_decimal(round(value), lang, 0)


def format_percent(share: float | None, lang: str, digits: int = 0) -> str:
    """A share (0.314) as a percentage in ``lang``'s pattern: "31 %" de, "%31" tr, "31%" en/ar/uk."""
    if share is None or (isinstance(share, float) and not math.isfinite(share)):
        return format_decimal(share, lang, digits)
    locale = Locale.parse(_format_locale(lang))
    pattern = locale.percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return _unbreakable(_babel_format_percent(share, format=pattern, locale=locale))


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` for ``lang`` (decimal mark, then group mark): ",." in German.

    Lets chart ticks and ``hovertemplate`` numbers (``%{y:,.1f}``) follow the page's language.
    """
    locale = _format_locale(lang)
    return _unbreakable(get_decimal_symbol(locale) + get_group_symbol(locale))


def plotly_locale(lang: str) -> dict[str, object]:
    """A Plotly locale (``dictionary`` of toolbar texts, ``format`` of numbers and dates) for ``lang``.

    Use as ``dcc.Graph(config={..., "locale": lang, "locales": {lang: plotly_locale(lang)}})``: the
    toolbar tooltips, notifier messages, number separators and month/day names then follow the page
    language instead of Plotly's English. Day lists start on Sunday, as d3 expects.
    """
    _ = translator(lang)
    locale = _format_locale(lang)
    days = get_day_names("wide", locale=locale)
    short_days = get_day_names("abbreviated", locale=locale)
    sunday_first = (6, 0, 1, 2, 3, 4, 5)  # Babel counts from Monday (0)
    separators = plotly_separators(lang)
    return {
        "dictionary": {key: _(msgid) for key, msgid in PLOTLY_MSGIDS.items()},
        "format": {
            "decimal": separators[0],
            "thousands": separators[1],
            "days": [str(days[i]) for i in sunday_first],
            "shortDays": [str(short_days[i]) for i in sunday_first],
            "months": [str(m) for _n, m in sorted(get_month_names("wide", locale=locale).items())],
            "shortMonths": [str(m) for _n, m in sorted(get_month_names("abbreviated", locale=locale).items())],
        },
    }


def format_date(value: dt.date | dt.datetime, lang: str, style: str = "medium") -> str:
    """A date in ``lang``'s usual form ("21.12.2025" de, "21 Dec 2025" en, "21 Ara 2025" tr).

    ``style`` is a CLDR date length ("short", "medium", "long") or a CLDR pattern.
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    return _unbreakable(_babel_format_date(day, format=style, locale=_format_locale(lang)))


#: How a list of names is joined in running text: Arabic uses its own comma (U+060C).
_LIST_SEPARATORS: Mapping[str, str] = MappingProxyType(
    {"ar": "\u060c ", "fa": "\u060c ", "ckb": "\u060c ", "ur": "\u060c "}
)

#: The language the city's own data (names, addresses, descriptions) is written in, unless the city
#: sets ``content_language`` in ``[dashboard]`` (city.json).
DEFAULT_CONTENT_LANGUAGE = "de"


def list_separator(lang: str) -> str:
    """The separator of a run-in list in interface language ``lang``: "، " in Arabic, ", " otherwise."""
    return _LIST_SEPARATORS.get(lang, ", ")


def join_list(items: Iterable[str], lang: str) -> str:
    """``items`` joined as a run-in list of interface language ``lang`` ("a، b" in Arabic, "a, b" else).

    Examples
    --------
    >>> join_list(["Frauen", "Familien"], "ar")
    'Frauen، Familien'
    """
    return list_separator(lang).join(str(item) for item in items if item)


def content_language(city: Mapping[str, object] | None) -> str:
    """The language of the city's data values (``city.json`` ``content_language``; default German).

    Offer names, providers, addresses, opening hours, descriptions and district names are marked with
    it (``lang=``), so a screen reader reads them with the right voice on a Turkish or Arabic page.
    """
    value = str((city or {}).get("content_language") or "").strip().lower()
    return value if value.replace("-", "").isalpha() and 2 <= len(value) <= 8 else DEFAULT_CONTENT_LANGUAGE
