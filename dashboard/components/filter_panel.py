"""The filter panel: native fieldsets of toggle buttons plus a search field; single-choice radio groups.

Dash 4 has no ``html.Input`` and its ``dcc.Checklist`` markup trips axe, so each
choice is a ``<button type="button" aria-pressed>`` (a toggle button: keyboard
operable, announced as pressed/not pressed) inside a ``<fieldset>``/``<legend>``.
``assets/filters.js`` keeps ``aria-pressed`` and the filter store in step.

Keyboard (WCAG 2.1.1, 2.4.3): each group of toggles is **one Tab stop** (roving ``tabindex``: the
first pressed toggle, else the first, has ``tabindex=0``, the others ``-1``); the arrow keys, Home
and End move inside the group (``assets/filters.js``), Space/Enter toggle. Single choices (list
order, map or list view) are radio groups (:func:`radio_group`: ``role="radiogroup"`` of
``role="radio"`` buttons with ``aria-checked``): Dash 4 has no ``<input type=radio>`` and its
``dcc.RadioItems`` failed axe; the arrow keys move and select, as in a native radio group.
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import dcc, html

from dashboard import ids
from dashboard.components.data_text import data_text
from dashboard.data import Dataset
from dashboard.filters import FilterState
from dashboard.i18n import Translator, content_language
from geodata.languages import language_label_parts


def chip(label: object, pressed: bool, **attrs: str) -> html.Button:
    """A toggle button (``aria-pressed``, styled as a chip); ``attrs`` are its ``data-*`` attributes."""
    return html.Button(
        label, type="button", className="chip", **{"aria-pressed": "true" if pressed else "false"}, **attrs
    )


def toggle(field: str, value: str, label: object, pressed: bool, **attrs: str) -> html.Button:
    """One filter toggle; ``data-filter``/``data-value`` tell the script what it selects."""
    return chip(label, pressed, **{"data-filter": field, "data-value": value}, **attrs)


def roving_index(flags: list[bool]) -> int:
    """Index of the group member that takes the group's one Tab stop: the first set flag, else 0."""
    return next((i for i, on in enumerate(flags) if on), 0)


def with_tab_stop(buttons: list[html.Button], flags: list[bool]) -> list[html.Button]:
    """``buttons`` with a roving ``tabIndex``: 0 on the :func:`roving_index` one, -1 on the others."""
    stop = roving_index(flags)
    for i, button in enumerate(buttons):
        button.tabIndex = 0 if i == stop else -1
    return buttons


def radio(label: object, checked: bool, **attrs: str) -> html.Button:
    """One choice of a :func:`radio_group` (``role="radio"``, ``aria-checked``, styled as a chip)."""
    return html.Button(
        label,
        type="button",
        role="radio",
        className="chip",
        tabIndex=0 if checked else -1,
        **{"aria-checked": "true" if checked else "false"},
        **attrs,
    )


def radio_group(options: Iterable[tuple[object, bool, dict[str, str]]], label_id: str, **attrs: str) -> html.Div:
    """A single-choice group labelled by ``label_id``: ``options`` are ``(label, checked, data-attributes)``.

    One Tab stop (the checked choice); arrow keys move and select (``assets/filters.js``).
    """
    choices = [radio(label, checked, **data) for label, checked, data in options]
    return html.Div(
        choices,
        role="radiogroup",
        className=" ".join(c for c in ("radio-group", attrs.pop("className", "")) if c),
        **{"aria-labelledby": label_id},
        **attrs,
    )


def filter_toggle_button(_: Translator) -> html.Button:
    """Shows and hides the filter panel, on every screen (collapsed at first on phones by ``assets/filters.js``).

    The state is not kept in the URL: a shared link shows the filters open (they are what a link is
    about), and the button says whether they are shown (``aria-expanded``).
    """
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
    """A group of toggles for one filter (values combine with OR): one Tab stop, arrow keys inside."""
    options = list(options)
    flags = [value in selected for value, _label in options]
    buttons = [toggle(field, value, label, on) for (value, label), on in zip(options, flags, strict=True)]
    return html.Fieldset(
        [
            html.Legend(legend),
            html.Div(with_tab_stop(buttons, flags), className="chips", **{"data-roving": "true"}),
        ],
        className=f"filter filter-{field}",
    )


def language_label(code: str, lang: str = "de") -> html.Span:
    """A language as "own name (name in the interface language ``lang``)": "ትግርኛ (Tigrinisch)".

    The own name is marked with its ``lang`` (and isolated), the interface-language name is plain
    text of the page; a language whose two names are the same shows once ("Deutsch" on a German page).
    """
    own, local = language_label_parts(code, lang)
    parts: list[object] = [html.Span(own, lang=code, dir="auto")]
    if local:
        parts += [" (", local, ")"]
    return html.Span(parts)


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
                        className="search-input",
                    ),
                    # what the search covers, as visible text (a placeholder is cut off and vanishes
                    # on typing; a translated example would find nothing in the German data)
                    html.P(
                        _("Name, Träger oder Beschreibung – in den deutschen Angaben"),
                        id="search-hint",
                        className="hint search-hint",
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
                ((c, language_label(c, lang)) for c in dataset.language_ids),
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
                (
                    (d, data_text(dataset.district_names[d], content_language(dataset.city)))
                    for d in sorted(dataset.district_ids, key=dataset.district_names.get)
                ),
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
