"""Interface translations from gettext ``.po`` catalogues (read at start, no compile step).

Catalogues live in ``dashboard/locales/<lang>/LC_MESSAGES/messages.po``; msgids are
the German texts, so a string missing from a catalogue falls back to German.
Translators edit the ``.po`` files with any gettext tool (Poedit, Weblate, ...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES

logger = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa", "he", "ur", "ckb", "prs"})

Translator = Callable[..., str]


def text_direction(lang: str) -> str:
    """``"rtl"`` for right-to-left interface languages (Arabic), else ``"ltr"``."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def read_catalogue(path: Path) -> Mapping[str, str]:
    """msgid -> msgstr of a ``.po`` file; empty and fuzzy entries are left out (they fall back)."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    return MappingProxyType(
        {
            str(m.id): str(m.string)
            for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
        }
    )


@lru_cache(maxsize=len(UI_LANGUAGES) + 1)
def catalogue(lang: str) -> Mapping[str, str]:
    """The catalogue of ``lang`` (empty when there is none)."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        logger.warning("no translation catalogue for %r at %s: using German", lang, path)
        return MappingProxyType({})
    return read_catalogue(path)


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


def translator(lang: str) -> Translator:
    """A function ``_(msgid, **values) -> str`` for interface language ``lang`` (German fallback)."""
    messages = catalogue(lang if lang in UI_LANGUAGES else DEFAULT_LANG)

    def _(msgid: str, **values: object) -> str:
        return translate(messages, msgid, **values)

    return _
