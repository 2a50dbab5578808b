"""Pure filter logic: the filter state, its URL form and the boolean mask it selects.

Within one filter the selected values combine with OR, across filters with AND.
Free-text search is case-, accent- and umlaut-insensitive both ways ("turkisch",
"tuerkisch" and "türkisch" are one word): the query and the text go through the same
:func:`geodata.taxonomy.search_key` (:func:`~geodata.taxonomy.fold` itself, which the ETL
matches with, is unchanged). The text of an offer (:func:`geodata.taxonomy.offer_search_keys`) is its name,
organisation and description plus every label (all interface languages) and alias of its
category and subcategories, so "Moschee", "mosque" or "Sprachcafe" find what they name.
Several words must all match; when nothing matches, :func:`search_suggestion` names the
nearest known word ("Beratnug" -> "Beratung").
"""

from __future__ import annotations

import base64
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

import numpy as np

from dashboard.data import Dataset
from geodata.taxonomy import fold, search_key, term_text

#: Interface languages, German first (the default).
UI_LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk")
DEFAULT_LANG = "de"
MAX_QUERY_LENGTH = 200
_TRUE = frozenset({"1", "true", "yes", "ja", "on"})
_FALSE = frozenset({"", "0", "false", "no", "nein", "off"})
#: URL parameter -> FilterState field, in URL order.
PARAMS: tuple[tuple[str, str], ...] = (
    ("category", "categories"),
    ("language", "languages"),
    ("target", "target_groups"),
    ("district", "districts"),
)
#: Words of at least this many letters are offered as "did you mean" suggestions.
MIN_SUGGESTION_LENGTH = 4
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class FilterState:
    """What a user selected; ids as in the taxonomy / data contract, in canonical order."""

    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    q: str = ""
    barrier_free: bool = False
    lang: str = DEFAULT_LANG
    #: Only offers whose contact confirmed them (no ``unconfirmed_since``): URL ``confirmed=1``.
    confirmed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for a ``dcc.Store`` (lists instead of tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @property
    def is_filtered(self) -> bool:
        """True when any filter (not the interface language) is set."""
        return any(
            (
                self.categories,
                self.languages,
                self.target_groups,
                self.districts,
                self.q,
                self.barrier_free,
                self.confirmed,
            )
        )


@dataclass(frozen=True)
class Notice:
    """Something in the URL that was ignored: ``kind`` is a message key, ``param``/``value`` name it."""

    kind: str
    param: str
    value: str = field(default="")


def _values(raw: str | list[str] | tuple[str, ...] | None) -> list[str]:
    items = [raw] if isinstance(raw, str) else list(raw or [])
    return [v.strip() for item in items for v in str(item).split(",") if v.strip()]


def _vocabulary(dataset: Dataset, attr: str) -> tuple[str, ...]:
    return {
        "categories": dataset.category_ids,
        "languages": dataset.language_ids,
        "target_groups": dataset.target_ids,
        "districts": dataset.district_ids,
    }[attr]


def _resolve(dataset: Dataset, attr: str, value: str) -> str | None:
    """The id for ``value`` in the vocabulary of ``attr`` (ids exact; taxonomy labels/aliases folded)."""
    ids = _vocabulary(dataset, attr)
    if value in ids:
        return value
    key = fold(value)
    by_fold = {fold(i): i for i in ids}
    if attr == "categories":
        found = dataset.taxonomy.categories.resolve(value)
    elif attr == "target_groups":
        found = dataset.taxonomy.target_groups.resolve(value)
    elif attr == "districts":
        found = next((i for i, name in dataset.district_names.items() if fold(name) == key), None)
    else:
        found = None
    found = found or by_fold.get(key)
    return found if found in ids else None


def canonical(values: Iterable[str], ids: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` without duplicates, in the vocabulary's order."""
    chosen = set(values)
    return tuple(i for i in ids if i in chosen)


def parse_query(query: Mapping[str, str | list[str]], dataset: Dataset) -> tuple[FilterState, list[Notice]]:
    """Turn URL query parameters into a :class:`FilterState`; never raises.

    Unknown values are dropped and reported as :class:`Notice` (``kind`` one of
    ``unknown_value``, ``unknown_lang``, ``bad_flag``, ``long_query``).
    """
    notices: list[Notice] = []
    lang_values = _values(query.get("lang"))
    lang = DEFAULT_LANG
    if lang_values:
        if lang_values[0].lower() in UI_LANGUAGES:
            lang = lang_values[0].lower()
        else:
            notices.append(Notice("unknown_lang", "lang", lang_values[0]))
    selected: dict[str, tuple[str, ...]] = {}
    for param, attr in PARAMS:
        found = []
        for value in _values(query.get(param)):
            resolved = _resolve(dataset, attr, value)
            if resolved is None:
                notices.append(Notice("unknown_value", param, value))
            else:
                found.append(resolved)
        selected[attr] = canonical(found, _vocabulary(dataset, attr))
    raw_q = query.get("q") or ""
    q = " ".join((raw_q if isinstance(raw_q, str) else " ".join(raw_q)).split())
    if len(q) > MAX_QUERY_LENGTH:
        notices.append(Notice("long_query", "q", q[:20]))
        q = q[:MAX_QUERY_LENGTH]
    barrier_free = parse_flag(query, "barrier_free", notices)
    confirmed = parse_flag(query, "confirmed", notices)
    return FilterState(**selected, q=q, barrier_free=barrier_free, lang=lang, confirmed=confirmed), notices


def parse_flag(query: Mapping[str, str | list[str]], param: str, notices: list[Notice]) -> bool:
    """A yes/no URL parameter (``1``/``ja``/``true`` ...); anything else is False with a ``bad_flag`` notice."""
    flag = _values(query.get(param))
    if flag and flag[0].lower() not in _TRUE | _FALSE:
        notices.append(Notice("bad_flag", param, flag[0]))
    return bool(flag) and flag[0].lower() in _TRUE


def from_store(data: Mapping[str, Any] | None, dataset: Dataset, lang: str = DEFAULT_LANG) -> FilterState:
    """A :class:`FilterState` from the browser's filter store (unknown ids dropped silently)."""
    data = data or {}
    lists = {
        attr: canonical((str(v) for v in data.get(attr) or ()), _vocabulary(dataset, attr)) for _param, attr in PARAMS
    }
    q = " ".join(str(data.get("q") or "").split())[:MAX_QUERY_LENGTH]
    ui = str(data.get("lang") or lang)
    return FilterState(
        **lists,
        q=q,
        barrier_free=bool(data.get("barrier_free")),
        lang=ui if ui in UI_LANGUAGES else DEFAULT_LANG,
        confirmed=bool(data.get("confirmed")),
    )


def to_query(state: FilterState) -> str:
    """The URL query string of ``state`` (``""`` for the default view), defaults omitted.

    Example: ``?lang=tr&category=counselling&language=ar,tr&target=women&q=sprach&barrier_free=1&confirmed=1``.
    """
    pairs: list[tuple[str, str]] = []
    if state.lang != DEFAULT_LANG:
        pairs.append(("lang", state.lang))
    for param, attr in PARAMS:
        if values := getattr(state, attr):
            pairs.append((param, ",".join(values)))
    if state.q:
        pairs.append(("q", state.q))
    if state.barrier_free:
        pairs.append(("barrier_free", "1"))
    if state.confirmed:
        pairs.append(("confirmed", "1"))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def _any_of(matrix: np.ndarray, ids: tuple[str, ...], selected: tuple[str, ...]) -> np.ndarray | None:
    if not selected:
        return None
    columns = [ids.index(s) for s in selected if s in ids]
    if not columns:
        return np.zeros(matrix.shape[0], dtype=bool)
    return matrix[:, columns].any(axis=1)


def text_mask(search_text: Sequence[str], q: str, rows: np.ndarray | None = None) -> np.ndarray | None:
    """Rows whose search key contains every word of ``q``'s search key (None when ``q`` is empty).

    Only ``rows`` (indices; default all) are searched, the others are False. Each further word
    is tested only on the rows the words before it kept.
    """
    words = search_key(q).split()
    if not words:
        return None
    kept: list[int] = list(range(len(search_text))) if rows is None else rows.tolist()
    for word in words:
        kept = [i for i in kept if word in search_text[i]]
    mask = np.zeros(len(search_text), dtype=bool)
    mask[kept] = True
    return mask


def filter_mask(dataset: Dataset, state: FilterState) -> np.ndarray:
    """Boolean array over the offers (file order): True where the offer matches ``state``.

    Vectorised: one column selection per list filter; the text search (the costly
    part) runs last, only over the rows the other filters kept.
    """
    mask = np.ones(len(dataset), dtype=bool)
    parts = [
        _any_of(dataset.categories, dataset.category_ids, state.categories),
        _any_of(dataset.languages, dataset.language_ids, state.languages),
        _any_of(dataset.targets, dataset.target_ids, state.target_groups),
    ]
    if state.districts:
        wanted = [dataset.district_ids.index(d) for d in state.districts if d in dataset.district_ids]
        parts.append(np.isin(dataset.district_index, np.asarray(wanted, dtype=np.int32)))
    if state.barrier_free:
        parts.append(dataset.barrier_free)
    if state.confirmed:
        parts.append(confirmed_mask(dataset))
    for part in parts:
        if part is not None:
            mask &= part
    found = text_mask(dataset.search_text, state.q, np.flatnonzero(mask)) if fold(state.q) else None
    return mask if found is None else found


def confirmed_mask(dataset: Dataset) -> np.ndarray:
    """True where an offer is not marked ``unconfirmed_since`` (its contact answered, or was never asked)."""
    marked = dataset.offers["unconfirmed_since"].map(lambda v: bool(v) and v == v)  # None, NaN, "" -> confirmed
    return ~marked.to_numpy(dtype=bool)


def suggestion_words(dataset: Dataset) -> dict[str, str]:
    """Search key -> word as written, of every word a search can find (names, organisations, labels, aliases)."""
    texts = [*dataset.offers["name"].fillna(""), *dataset.offers["organization"].fillna("")]
    for vocabulary in (dataset.taxonomy.categories, dataset.taxonomy.subcategories):
        texts.extend(term_text(t) for t in vocabulary.terms)
    words: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(str(text)):
            if len(word) >= MIN_SUGGESTION_LENGTH:
                words.setdefault(search_key(word), word)
    return words


def search_suggestion(dataset: Dataset, q: str) -> str | None:
    """``q`` with each word no offer contains replaced by the nearest known word, or None.

    None when every word is found somewhere (then the other filters emptied the result) or no
    word has a near neighbour: ``"Beratnug"`` -> ``"Beratung"``, ``"Sprachkafe"`` -> ``"Sprachcafé"``.
    """
    words = q.split()
    if not words or not len(dataset):
        return None
    known = suggestion_words(dataset)
    keys = list(known)
    out, changed = [], False
    for word in words:
        key = search_key(word)
        found = text_mask(dataset.search_text, word)
        if key and found is not None and not found.any():
            match = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
            if match:
                out.append(known[match[0]])
                changed = True
                continue
        out.append(word)
    return " ".join(out) if changed else None


def search_notices(dataset: Dataset, state: FilterState, mask: np.ndarray) -> list[Notice]:
    """A ``did_you_mean`` notice (value: the suggested search) when the search ``state.q`` found nothing."""
    if mask.any() or not state.q:
        return []
    suggestion = search_suggestion(dataset, state.q)
    return [Notice("did_you_mean", "q", suggestion)] if suggestion else []


def encode_mask(mask: np.ndarray) -> str:
    """Base64 of a little-endian bitset: bit ``i`` (byte ``i >> 3``, bit ``i & 7``) = ``mask[i]``."""
    return base64.b64encode(np.packbits(np.asarray(mask, dtype=bool), bitorder="little").tobytes()).decode("ascii")


def decode_mask(text: str, n: int) -> np.ndarray:
    """Inverse of :func:`encode_mask` for ``n`` offers."""
    bits = np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8), bitorder="little")
    return bits[:n].astype(bool)


def visible_rows(dataset: Dataset, mask: np.ndarray, sort: str = "name") -> np.ndarray:
    """Row indices of the visible offers, ordered by ``sort`` (``"name"`` or ``"district"``)."""
    order = dataset.order_by_district if sort == "district" else dataset.order_by_name
    return order[mask[order]]
