"""The network's exchange board in public: ``/netzwerk``, ``/netzwerk/<id>`` and ``GET /api/board.json``,
the handouts (``/netzwerk/handout``) and the workshop view (``/netzwerk?mode=workshop``,
:mod:`dashboard.board.print_views`).

Server-rendered HTML (a Flask blueprint, no JavaScript needed): offers and needs side by
side, filters in the URL (``topic``, ``language``, ``group``, ``district``, ``lang``), each
post with its best matches and their reason in words (:func:`analysis.matching.explain`).

Every board page wears the map's frame (:func:`board_frame`: brand, demo label, main
navigation, language switch, Leichte Sprache and DGS links), built from the same pieces and
catalogue entries as the Dash pages (:mod:`dashboard.layout`).

Matching runs once per board version (the register's ``board_version``, raised by every
write) and is kept in a small per-process cache (:class:`BoardCache`); a page or a filter
change then only reads it. Contact addresses are never in any response; an exact point
only for posts whose poster chose ``exact``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from flask import Flask, current_app, request

from dashboard.board.model import BoardView, build_view
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES

if TYPE_CHECKING:
    from dashboard.data import Dataset
    from geodata.taxonomy import Vocabulary
    from registry import Register

logger = logging.getLogger(__name__)

EXTENSION_KEY = "stadtkarte_board"
URL_PREFIX = "/netzwerk"


@dataclass
class BoardCache:
    """The board view of the newest version, per process (rebuilt when the version changes or a day passes)."""

    data_dir: Path
    today: Callable[[], date] = date.today
    _register: Register | None = None
    _view: BoardView | None = None
    _api: tuple[BoardView, bytes] | None = None
    _topics: Vocabulary | None = None
    _has_board: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def register(self) -> Register:
        """The register of ``data_dir``, opened on first use."""
        if self._register is None:
            from registry import Register

            self._register = Register.open(data_dir=self.data_dir)
        return self._register

    def view(self) -> BoardView:
        """The current board (one version lookup; matching only after a change)."""
        from registry.board import board_version, list_posts

        with self._lock:
            version, today = board_version(self.register), self.today()
            if self._view is None or self._view.version != version or self._view.today != today:
                self._view = build_view(list_posts(self.register, ["published"]), today, version)
                logger.info("board version %s: %d open posts matched", version, len(self._view.posts))
            return self._view

    def api_json(self) -> tuple[BoardView, bytes]:
        """The current board and its ``/api/board.json`` body, serialised once per board view."""
        import json

        from dashboard.board.model import api_document

        view = self.view()
        with self._lock:
            if self._api is None or self._api[0] is not view:
                body = json.dumps(api_document(view), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                self._api = (view, body)
            return self._api

    def has_board(self) -> bool:
        """True when the data folder is served from a migrated register (a plain build output has no board).

        Never creates a database: a missing SQLite file is answered from the file system. Once
        True it stays True (a register is not removed under a running server).
        """
        if not self._has_board:
            url = self.register.url
            if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
                return False
            self._has_board = self.register.revision() is not None
        return self._has_board

    def topics(self) -> Vocabulary:
        """The board topics of the register's city config (``[board_topics]`` over the bundled ones), loaded once."""
        from geodata.taxonomy import load_board_topics

        if self._topics is None:
            if not self.has_board():
                return load_board_topics()  # no register (yet): the bundled topics, asked again next time
            self._topics = load_board_topics(overrides=getattr(self.register.config, "board_topics", None))
        return self._topics

    def district_names(self) -> dict[str, str]:
        """District id -> name from the register's districts."""
        from registry.board import district_names
        from registry.register import META_DISTRICTS

        return district_names(self.register.meta(META_DISTRICTS))


@dataclass(frozen=True)
class FrameLink:
    """One link of the frame's header: its text, target and whether it is the current page."""

    label: str
    href: str
    current: bool = False
    code: str = ""
    dir: str = "ltr"


@dataclass(frozen=True)
class BoardFrame:
    """The header the board's pages share with the Dash pages, in one interface language."""

    lang: str
    skip: str
    brand: FrameLink
    demo_label: str
    nav_label: str
    menu_label: str
    nav: tuple[FrameLink, ...]
    languages_label: str
    languages: tuple[FrameLink, ...]
    a11y_label: str
    a11y: tuple[FrameLink, ...]


def board_frame(lang: str, path: str, args: dict[str, str], dataset: Dataset | None) -> BoardFrame:
    """The map's header for a board page at ``path`` with query ``args`` (pure).

    The links and labels are :func:`dashboard.layout.nav_items`, the language names of
    :func:`dashboard.layout.language_switch` and the texts of
    :func:`dashboard.components.a11y_links.accessibility_links`, so the board's header says
    exactly what the map's says. ``dataset`` is the current snapshot's (its demo flag gives
    the "Demodaten" label); None when the board is mounted without snapshots (tests): then no
    label and no district comparison link.
    """
    from dashboard.components.a11y_links import EASY_LANGUAGE_PATH, SIGN_LANGUAGE_PATH, page_href
    from dashboard.filters import FilterState, to_query
    from dashboard.i18n import text_direction, translator
    from dashboard.layout import nav_items
    from geodata.languages import native_name

    _ = translator(lang)
    state = FilterState(lang=lang)
    items = nav_items(dataset or cast("Dataset", SimpleNamespace(district_ids=())), state, _)
    return BoardFrame(
        lang=lang,
        skip=_("Zum Inhalt springen"),
        brand=FrameLink(_("Stadtkarte Integration"), "/" + to_query(state)),
        demo_label=_("Demodaten") if dataset is not None and dataset.is_demo else "",
        nav_label=_("Hauptnavigation"),
        menu_label=_("Menü"),
        nav=tuple(FrameLink(label, href, key == URL_PREFIX) for key, label, href in items),
        languages_label=_("Sprache der Oberfläche"),
        languages=tuple(
            FrameLink(
                native_name(code),
                path + "?" + urlencode({**args, "lang": code}),
                code == lang,
                code,
                text_direction(code),
            )
            for code in UI_LANGUAGES
        ),
        a11y_label=_("Leichte Sprache und Gebärdensprache"),
        a11y=(
            FrameLink(_("Leichte Sprache"), page_href(EASY_LANGUAGE_PATH, lang), code="easy"),
            FrameLink(_("Gebärdensprache"), page_href(SIGN_LANGUAGE_PATH, lang), code="sign"),
        ),
    )


def request_lang() -> str:
    """The interface language of the request's ``?lang=`` (German for anything else)."""
    lang = request.args.get("lang", DEFAULT_LANG)
    return lang if lang in UI_LANGUAGES else DEFAULT_LANG


def _current_dataset() -> Dataset | None:
    from dashboard.snapshot import EXTENSION_KEY as SNAPSHOTS
    from dashboard.snapshot import current_snapshot

    return current_snapshot().dataset if SNAPSHOTS in current_app.extensions else None


def frame_context() -> dict[str, Any]:
    """Template context of every board page: ``frame`` (:class:`BoardFrame`)."""
    return {"frame": board_frame(request_lang(), request.path, request.args.to_dict(), _current_dataset())}


def register_board(server: Flask, data_dir: Path | str, register: Register | None = None) -> BoardCache:
    """Mount ``/netzwerk``, ``/api/board.json``, the handouts and the workshop view on ``server``; returns the board's cache."""
    from dashboard.board.print_views import register_print_views
    from dashboard.board.views import blueprint

    cache = BoardCache(Path(data_dir), _register=register)
    server.extensions[EXTENSION_KEY] = cache
    server.register_blueprint(blueprint)
    server.template_context_processors[blueprint.name].append(frame_context)  # the map's header on every board page
    register_print_views(server)
    return cache


__all__ = ["BoardCache", "BoardFrame", "board_frame", "register_board"]
