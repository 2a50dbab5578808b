"""A small, safe Markdown subset for the Leichte Sprache text and the DGS transcript, as Dash components.

No raw HTML is ever passed through (Dash escapes every text), so a city's text cannot inject
markup. Supported: ``#``/``##``/``###`` headings (rendered as h2-h4 below the page's h1),
``-`` lists, ``> `` explanation boxes (for explained words), ``**bold**``, links (https,
mailto, tel or a path of this site only) and built-in pictures ``![Text](bild:karte)``
(drawn in ``assets/a11y.css``). Every other line is its own paragraph: one statement per line.
Pictures from other places are never loaded; their text is shown instead.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from dash import html

logger = logging.getLogger(__name__)

#: Built-in pictures (drawn in assets/a11y.css): name -> CSS modifier.
PICTURES = frozenset({"karte", "liste", "auswahl", "sprache", "person", "brief", "telefon", "hilfe"})

_INLINE = re.compile(r"\*\*(?P<bold>[^*]+)\*\*|\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)\)")
_PICTURE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)\)$")
_SAFE_HREF = re.compile(r"^(https://|mailto:|tel:|/(?!/))")


def safe_href(href: str) -> str | None:
    """``href`` when it is https, mailto, tel or a path of this site; None otherwise (no ``javascript:``)."""
    return href if _SAFE_HREF.match(href) and not any(c in href for c in "<>\"' ") else None


def inline(text: str) -> list[Any]:
    """Text with ``**bold**`` and ``[links](href)`` as Dash components (other markup stays text)."""
    parts: list[Any] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            parts.append(text[pos : match.start()])
        if match.group("bold"):
            parts.append(html.Strong(match.group("bold")))
        else:
            href = safe_href(match.group("href"))
            label = match.group("text")
            parts.append(html.A(label, href=href) if href else label)
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def picture(alt: str, src: str) -> html.Span | html.P:
    """A built-in picture (``bild:<name>``), or for any other source just its text (never loaded)."""
    name = src.removeprefix("bild:")
    if src.startswith("bild:") and name in PICTURES:
        label = {"aria-label": alt} if alt else {"aria-hidden": "true"}
        return html.Span(className=f"pict pict--{name}", role="img" if alt else None, **label)
    logger.warning("Leichte Sprache: picture %r is not a built-in picture (bild:...): showing its text", src)
    return html.P(alt) if alt else html.Span()


def render_markdown(text: str) -> list[Any]:
    """The safe Markdown subset described in the module docstring as a list of Dash components."""
    out: list[Any] = []
    items: list[Any] = []
    explain: list[Any] = []

    def flush() -> None:
        if items:
            out.append(html.Ul(list(items)))
            items.clear()
        if explain:
            out.append(html.Div(list(explain), className="easy-explain"))
            explain.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(("- ", "* ")):
            if explain:
                flush()
            items.append(html.Li(inline(line[2:].strip())))
            continue
        if line.startswith(">"):
            if items:
                flush()
            explain.append(html.P(inline(line[1:].strip())))
            continue
        flush()
        if not line:
            continue
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        if heading:
            tag = {1: html.H2, 2: html.H3, 3: html.H4}[len(heading.group(1))]
            out.append(tag(inline(heading.group(2))))
        elif pic := _PICTURE.match(line):
            out.append(picture(pic.group("alt"), pic.group("src")))
        else:
            out.append(html.P(inline(line)))
    flush()
    return out
