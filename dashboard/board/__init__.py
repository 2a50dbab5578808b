"""The network's exchange board in public: ``/netzwerk``, ``/netzwerk/<id>`` and ``GET /api/board.json``.

Server-rendered HTML (a Flask blueprint, no JavaScript needed): offers and needs side by
side, filters in the URL (``topic``, ``language``, ``group``, ``district``, ``lang``), each
post with its best matches and their reason in words (:func:`analysis.matching.explain`).

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
from typing import TYPE_CHECKING

from flask import Flask

from dashboard.board.model import BoardView, build_view

if TYPE_CHECKING:
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

    def district_names(self) -> dict[str, str]:
        """District id -> name from the register's districts."""
        from registry.board import district_names
        from registry.register import META_DISTRICTS

        return district_names(self.register.meta(META_DISTRICTS))


def register_board(server: Flask, data_dir: Path | str, register: Register | None = None) -> BoardCache:
    """Mount ``/netzwerk`` and ``/api/board.json`` on ``server``; returns the board's cache."""
    from dashboard.board.views import blueprint

    cache = BoardCache(Path(data_dir), _register=register)
    server.extensions[EXTENSION_KEY] = cache
    server.register_blueprint(blueprint)
    return cache


__all__ = ["BoardCache", "register_board"]
