"""The printable district profile ("/profile?district=<id>").

One district's offers by category, languages (in their own names), target groups,
white spots, residents (with the population method) and rank by offers per 1,000
residents, for the current filters. Print CSS (assets/coverage.css) hides the header,
navigation and buttons so that the browser's print to PDF gives a clean page. Registered by
the thin page module ``dashboard/pages/profile.py``.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.notices import notices_block
from dashboard.coverage import view
from dashboard.coverage.compute import CoverageContext, DistrictProfile, district_profile
from dashboard.coverage.context import coverage_context
from dashboard.filters import FilterState, filter_mask, parse_query, to_query
from dashboard.i18n import Translator, translator
from dashboard.layout import frame
from dashboard.snapshot import current_snapshot

PATH = "/profile"
TITLE = "Stadtteilprofil – Stadtkarte Integration"
NAME = "Profil"


def layout(**query: Any) -> html.Div:
    """The profile of ``?district=`` (a list of districts to choose from when missing or unknown)."""
    snapshot = current_snapshot()
    dataset = snapshot.dataset
    wanted = str(query.pop("district", "") or "")
    state, notices = parse_query(query, dataset)
    _ = translator(state.lang)
    ctx = coverage_context(snapshot)
    known = wanted if wanted in dataset.district_ids else None
    if known is None:
        known = next((d for d, n in dataset.district_names.items() if n == wanted), None)
    main: list[Any]
    if known is None or ctx is None:
        main = [
            html.P(
                _("Unbekannter Stadtteil „{value}“. Wählen Sie einen Stadtteil:", value=wanted)
                if wanted
                else _("Wählen Sie einen Stadtteil:")
            ),
            html.Ul(
                [
                    html.Li(html.A(dataset.district_names[d], href=f"/profile{_join(state)}district={d}"))
                    for d in sorted(dataset.district_ids, key=dataset.district_names.get)
                ]
            ),
        ]
    else:
        profile = district_profile(ctx, filter_mask(dataset, state), known)
        filters = to_query(FilterState(**{**state.__dict__, "lang": "de"}))
        main = [
            html.Article(
                [
                    html.P(_("Stadtteilprofil"), className="eyebrow"),
                    *with_sketches(
                        view.profile_block(profile, ctx, state.lang, _, level=2), profile, ctx, _, state.lang
                    ),
                    html.P(
                        [_("Filter:"), " ", html.Code(filters[1:] if filters else _("keine"))],
                        className="profile-filter",
                    ),
                    view.method_note(profile.method, _),
                ],
                className="profile",
            ),
            html.P(
                [
                    html.A(_("Zur Abdeckung"), href=f"/coverage{_join(state)}district_focus={known}"),
                    " · ",
                    html.Button(_("Drucken"), type="button", className="reset", **{"data-action": "print"}),
                ],
                className="page-nav no-print",
            ),
        ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path=PATH)


def with_sketches(
    block: list[Any], profile: DistrictProfile, ctx: CoverageContext, _: Translator, lang: str = "de"
) -> list[Any]:
    """The profile block with the outline and the bar right after its heading and key figures."""
    return [*block[:2], view.profile_sketches(profile, ctx, _, lang), *block[2:]]


def _join(state: FilterState) -> str:
    query = to_query(state)
    return f"{query}&" if query else "?"
