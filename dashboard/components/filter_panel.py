"""The filter panel: native fieldsets of toggle buttons plus a search field.

Dash 4 has no ``html.Input`` and its ``dcc.Checklist`` markup trips axe, so each
choice is a ``<button type="button" aria-pressed>`` (a toggle button: keyboard
operable, announced as pressed/not pressed) inside a ``<fieldset>``/``<legend>``.
``assets/filters.js`` keeps ``aria-pressed`` and the filter store in step.
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import dcc, html

from dashboard import ids
from dashboard.data import Dataset
from dashboard.filters import FilterState
from dashboard.i18n import Translator
from geodata.languages import native_name


def chip(label: object, pressed: bool, **attrs: str) -> html.Button:
    """A toggle button (``aria-pressed``, styled as a chip); ``attrs`` are its ``data-*`` attributes."""
    return html.Button(
        label, type="button", className="chip", **{"aria-pressed": "true" if pressed else "false"}, **attrs
    )


def toggle(field: str, value: str, label: object, pressed: bool, **attrs: str) -> html.Button:
    """One filter toggle; ``data-filter``/``data-value`` tell the script what it selects."""
    return chip(label, pressed, **{"data-filter": field, "data-value": value}, **attrs)


def filter_toggle_button(_: Translator) -> html.Button:
    """Shows and hides the filter panel (collapsed on phones by ``assets/filters.js``)."""
    return html.Button(
        _("Filter ein-/ausblenden"),
        id=ids.FILTER_TOGGLE,
        type="button",
        className="filter-toggle",
        **{"aria-expanded": "true", "aria-controls": ids.FILTER_PANEL},
    )


def fieldset(
    field: str, legend: str, options: Iterable[tuple[str, object]], selected: tuple[str, ...]
) -> html.Fieldset:
    """A group of toggles for one filter (values combine with OR)."""
    return html.Fieldset(
        [
            html.Legend(legend),
            html.Div([toggle(field, value, label, value in selected) for value, label in options], className="chips"),
        ],
        className=f"filter filter-{field}",
    )


def language_label(code: str) -> html.Span:
    """A language in its own name and script ("Türkçe", "العربية"), marked with its ``lang``."""
    return html.Span(native_name(code), lang=code, dir="auto")


def filter_panel(dataset: Dataset, state: FilterState, _: Translator) -> html.Section:
    """The collapsible filter panel (a search landmark) for ``state``."""
    lang = state.lang
    tax = dataset.taxonomy
    return html.Section(
        [
            html.H2(_("Filter"), id="filter-heading"),
            html.Div(
                [
                    html.Label(_("Suche in Name, Träger, Beschreibung und Kategorie"), htmlFor=ids.SEARCH),
                    dcc.Input(
                        id=ids.SEARCH,
                        type="search",
                        value=state.q,
                        debounce=0.3,
                        autoComplete="off",
                        placeholder=_("z. B. Sprachcafé"),
                        className="search-input",
                    ),
                ],
                className="filter filter-search",
            ),
            fieldset(
                "categories",
                _("Kategorie"),
                ((c, tax.categories.label(c, lang)) for c in dataset.category_ids),
                state.categories,
            ),
            fieldset(
                "languages",
                _("Angebot in der Sprache"),
                ((c, language_label(c)) for c in dataset.language_ids),
                state.languages,
            ),
            fieldset(
                "target_groups",
                _("Zielgruppe"),
                ((t, tax.target_groups.label(t, lang)) for t in dataset.target_ids),
                state.target_groups,
            ),
            fieldset(
                "districts",
                _("Stadtteil"),
                ((d, dataset.district_names[d]) for d in sorted(dataset.district_ids, key=dataset.district_names.get)),
                state.districts,
            )
            if dataset.district_ids
            else None,
            html.Fieldset(
                [
                    html.Legend(_("Barrierefreiheit")),
                    html.Div(
                        toggle("barrier_free", "1", _("nur barrierefreie Angebote"), state.barrier_free),
                        className="chips",
                    ),
                ],
                className="filter filter-barrier-free",
            ),
            html.Fieldset(
                [
                    html.Legend(_("Aktualität")),
                    html.Div(
                        toggle("confirmed", "1", _("nur bestätigte Angebote"), state.confirmed),
                        className="chips",
                    ),
                ],
                className="filter filter-confirmed",
            ),
            html.Button(
                _("Alle Filter zurücksetzen"),
                id=ids.RESET,
                type="button",
                className="reset",
                **{"data-action": "reset"},
            ),
        ],
        id=ids.FILTER_PANEL,
        className="filter-panel",
        role="search",
        **{"aria-labelledby": "filter-heading"},
    )
