"""Data values inside translated text: marked with their language and isolated in either direction.

The city's data (offer names, providers, addresses, opening hours, descriptions, district names) is
written in its content language (:func:`dashboard.i18n.content_language`, German by default), while
the interface may be Turkish, Arabic or Ukrainian. Each value therefore carries ``lang`` (WCAG 3.1.2:
a screen reader switches voice) and ``dir="auto"`` (an isolated bidi run: "e. V." keeps its full stop
on the right in an Arabic paragraph). Phone numbers, e-mail and web addresses are always
left-to-right (``dir="ltr"``): "+49 7141 000-0003" would otherwise read "000-0003 7141 49+".
"""

from __future__ import annotations

from typing import Any

from dash import html


def data_text(value: Any, lang: str, **attrs: Any) -> html.Span:
    """``value`` (a data value in content language ``lang``) as an isolated span with ``lang``/``dir="auto"``."""
    return html.Span(value, lang=lang, dir="auto", **attrs)


def ltr_link(text: str, href: str | None, external: bool = False) -> html.A | html.Span:
    """A phone, e-mail or web address, always left to right; a plain isolated span when ``href`` is None.

    ``external`` links (web pages) open in a new tab; ``tel:``/``mailto:`` stay in this one.
    """
    if not href:
        return html.Span(text, dir="ltr")
    if external:
        return html.A(text, href=href, dir="ltr", rel="noopener noreferrer", target="_blank")
    return html.A(text, href=href, dir="ltr")
