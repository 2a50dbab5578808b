"""The German Sign Language (DGS) page (BITV 2.0 § 4).

When the city config names a DGS video (``[dashboard] sign_language = { video, captions,
transcript }``), the page shows it in a ``<video>`` with German captions (``<track
kind="captions">``) and the transcript below. Video and caption files are served from the data
folder's ``media/`` directory at ``/media/<name>`` (:func:`register_media`); an ``https://`` URL
is used only because the city configured it explicitly. Without a video, the page says so and
names the alternatives: the Leichte Sprache page and the contact.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dash
from dash import html
from flask import current_app

from dashboard.components.a11y_links import EASY_LANGUAGE_PATH, SIGN_LANGUAGE_PATH, page_href
from dashboard.components.easy_markdown import render_markdown
from dashboard.components.links import mailto_href, tel_href
from dashboard.components.media import media_folder, media_src
from dashboard.components.notices import notices_block
from dashboard.filters import parse_query
from dashboard.i18n import Translator, translator
from dashboard.layout import frame, title_for
from dashboard.snapshot import DATA_DIR_KEY, current_snapshot

logger = logging.getLogger(__name__)

dash.register_page(__name__, path=SIGN_LANGUAGE_PATH, title=title_for(SIGN_LANGUAGE_PATH), name="Gebärdensprache")


def video_block(settings: Mapping[str, Any], folder: Path, _: Translator) -> html.Div | None:
    """The DGS video with German captions, or None when no playable video is configured."""
    video = media_src(settings.get("video"), folder)
    if not video:
        return None
    captions = media_src(settings.get("captions"), folder)
    tracks = (
        [html.Track(kind="captions", src=captions, srcLang="de", label=_("Untertitel (Deutsch)"), default=True)]
        if captions
        else []
    )
    return html.Div(
        [
            html.Video(
                [*tracks, html.P(_("Ihr Browser kann dieses Video nicht abspielen."))],
                src=video,
                controls=True,
                preload="metadata",
                crossOrigin="anonymous" if captions and captions.startswith("https://") else None,
                className="dgs-video",
                title=_("Video in Deutscher Gebärdensprache"),
            ),
            None if captions else html.P(_("Zu diesem Video gibt es noch keine Untertitel.")),
        ],
        className="dgs-video-wrap",
    )


def transcript_block(transcript: str | None, _: Translator) -> html.Section | None:
    """The video's transcript (German, rendered like the Leichte Sprache text)."""
    if not transcript:
        return None
    return html.Section(
        [html.H3(_("Abschrift des Videos")), html.Div(render_markdown(transcript), lang="de", dir="ltr")],
        className="dgs-transcript",
    )


def alternatives(city: Mapping[str, Any], lang: str, _: Translator) -> html.Section:
    """What to use when there is no video: the Leichte Sprache page and the contact."""
    contact = city.get("contact") or {}
    ways: list[Any] = [
        html.Li(html.A(_("Informationen in Leichter Sprache"), href=page_href(EASY_LANGUAGE_PATH, lang), hrefLang="de"))
    ]
    if href := mailto_href(contact.get("email")):
        ways.append(html.Li([_("E-Mail:"), " ", html.A(contact["email"], href=href, dir="ltr")]))
    if href := tel_href(contact.get("phone")):
        ways.append(html.Li([_("Telefon:"), " ", html.A(contact["phone"], href=href, dir="ltr")]))
    return html.Section(
        [
            html.H3(_("Andere Wege zu diesen Informationen")),
            html.Ul(ways),
            html.P(
                _(
                    "Wenn Sie für ein Gespräch eine Gebärdensprachdolmetscherin oder einen "
                    "Gebärdensprachdolmetscher brauchen, schreiben Sie uns bitte."
                )
            ),
        ]
    )


def sign_content(city: Mapping[str, Any], folder: Path, lang: str, _: Translator) -> html.Section:
    """The page content: the video and transcript when configured, else the notice and the alternatives."""
    settings = city.get("sign_language") or {}
    video = video_block(settings, folder, _)
    transcript = transcript_block(settings.get("transcript"), _)
    intro = (
        _(
            "In diesem Video erklären wir in Deutscher Gebärdensprache (DGS), was diese Seite bietet und wie Sie sie benutzen."
        )
        if video
        else _("Für diese Seite gibt es noch kein Video in Deutscher Gebärdensprache (DGS).")
    )
    return html.Section(
        [html.H2(_("Deutsche Gebärdensprache (DGS)")), html.P(intro), video, transcript, alternatives(city, lang, _)],
        className="sign-language",
    )


def layout(**query: Any) -> html.Div:
    """The DGS page in the interface language of ``?lang=``."""
    snapshot = current_snapshot()
    dataset = snapshot.dataset
    state, notices = parse_query({"lang": query.get("lang", "")}, dataset)
    _ = translator(state.lang)
    folder = media_folder(Path(current_app.config[DATA_DIR_KEY]))
    main = [sign_content(dataset.city, folder, state.lang, _)]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path=SIGN_LANGUAGE_PATH)
