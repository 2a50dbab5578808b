"""Media files of the data folder (the city's DGS video and its captions), served at ``/media/<name>``.

Only ``.mp4``, ``.webm`` and ``.vtt`` files directly inside ``<data folder>/media/`` are served
(no sub-folders, no hidden files); anything else is a 404.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

from dashboard.snapshot import DATA_DIR_KEY

logger = logging.getLogger(__name__)

#: Folder of the data folder whose files are served at ``/media/<name>`` (DGS video, captions).
MEDIA_DIR = "media"
MEDIA_URL = "/media/"
_MIMETYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".vtt": "text/vtt"}


def media_folder(data_dir: Path) -> Path:
    """The folder of served media files inside the data folder ``data_dir``."""
    return Path(data_dir) / MEDIA_DIR


def media_src(ref: str | None, folder: Path) -> str | None:
    """The URL of a configured media file: an explicit https URL as is, a file of ``folder`` at
    ``/media/<name>`` when it exists, else None (logged, so a missing upload is noticed)."""
    if not ref:
        return None
    if ref.startswith("https://"):
        return ref
    if "/" in ref or "\\" in ref or ref.startswith("."):
        logger.warning("sign language media %r is not a plain file name: ignored", ref)
        return None
    if not (folder / ref).is_file():
        logger.warning("sign language media %s is missing in %s: upload it there", ref, folder)
        return None
    return MEDIA_URL + ref


def serve_media(name: str) -> Response:
    """Flask view: a video or caption file of the data folder's ``media/`` (404 for anything else)."""
    suffix = Path(name).suffix.lower()
    if suffix not in _MIMETYPES or "/" in name or name.startswith("."):
        abort(404)
    folder = media_folder(Path(current_app.config[DATA_DIR_KEY]))
    return send_from_directory(folder, name, mimetype=_MIMETYPES[suffix], conditional=True, max_age=3600)


def register_media(server: Flask) -> None:
    """Serve ``/media/<name>`` (DGS video and captions) from the data folder's ``media/`` directory."""
    server.add_url_rule(MEDIA_URL + "<name>", "stadtkarte_media", serve_media)
