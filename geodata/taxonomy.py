"""The taxonomy of categories and target groups.

A data file (``datasets/taxonomy.json``) holds one stable id per term with labels
in German (``de``), English (``en``) and further interface languages; a city
config may add terms or override labels (see :func:`load_taxonomy`).
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from geodata.datasets import get_path
from geodata.errors import DatasetError

DEFAULT_LANGUAGE = "de"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and umlaut-insensitive key: ``"Straße Ü"`` -> ``"strasse ue"``.

    Cached: offer lists repeat the same category, language and place names many times.
    """
    text = text.strip().lower()
    for src, dst in (("ß", "ss"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


#: Umlaut spellings that :func:`search_key` folds onto the plain vowel ("ue" -> "u").
_UMLAUT_DIGRAPHS: tuple[tuple[str, str], ...] = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def search_key(text: str) -> str:
    """Search key that forgives umlaut spellings both ways: ``"türkisch"``, ``"tuerkisch"``, ``"turkisch"`` -> ``"turkisch"``.

    :func:`fold` first (case, accents, ``ü`` -> ``ue``), then every ``ae``/``oe``/``ue`` becomes
    ``a``/``o``/``u``. Meant for free-text search where the same key is applied to the query and
    the text; :func:`fold` itself (used by the ETL's matching) is unchanged.
    """
    key = fold(text)
    for src, dst in _UMLAUT_DIGRAPHS:
        key = key.replace(src, dst)
    return key


def term_text(term: Term | None) -> str:
    """Every label (all languages) and alias of ``term`` in one space-separated string (``""`` for None)."""
    if term is None:
        return ""
    return " ".join([*term.labels.values(), *term.aliases])


@dataclass(frozen=True)
class Term:
    """One taxonomy term: a stable id, labels per language and accepted aliases."""

    id: str
    labels: Mapping[str, str]
    aliases: tuple[str, ...] = ()
    subcategories: tuple[Term, ...] = ()

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label in ``lang``, falling back to German, then to the id."""
        return self.labels.get(lang) or self.labels.get(DEFAULT_LANGUAGE) or self.id


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of terms with look-up by id, label or alias."""

    terms: tuple[Term, ...]
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for key in (term.id, *term.labels.values(), *term.aliases):
                self._index.setdefault(fold(key), term.id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.terms)

    def get(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def label(self, term_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
        term = self.get(term_id)
        return term.label(lang) if term else term_id

    def resolve(self, text: str) -> str | None:
        """The id whose id, label (any language) or alias matches ``text``, else None."""
        return self._index.get(fold(text))

    def suggest(self, text: str) -> str | None:
        """The nearest known id for an unknown ``text`` (for 'did you mean')."""
        match = difflib.get_close_matches(fold(text), list(self._index), n=1, cutoff=0.6)
        return self._index[match[0]] if match else None


@dataclass(frozen=True)
class Taxonomy:
    """Categories (each with optional subcategories) and target groups."""

    categories: Vocabulary
    target_groups: Vocabulary

    @cached_property
    def subcategories(self) -> Vocabulary:
        return Vocabulary(tuple(s for c in self.categories.terms for s in c.subcategories))


def _term(raw: Mapping[str, Any]) -> Term:
    if "id" not in raw or "labels" not in raw or DEFAULT_LANGUAGE not in raw["labels"]:
        raise DatasetError(f"taxonomy term {raw!r} needs an 'id' and 'labels' with at least 'de'")
    return Term(
        id=str(raw["id"]),
        labels=dict(raw["labels"]),
        aliases=tuple(raw.get("aliases", ())),
        subcategories=tuple(_term(s) for s in raw.get("subcategories", ())),
    )


def _merge(base: Iterable[Mapping[str, Any]], extra: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    merged = {str(t["id"]): dict(t) for t in base}
    for t in extra:
        old = merged.get(str(t["id"]), {})
        new = {**old, **t}
        new["labels"] = {**old.get("labels", {}), **t.get("labels", {})}
        merged[str(t["id"])] = new
    return list(merged.values())


def load_taxonomy(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Taxonomy:
    """Load the taxonomy from ``path`` (default: the bundled one) and apply ``overrides``.

    ``overrides`` has the shape of the ``[taxonomy]`` table of a city config:
    ``{"categories": [{"id": ..., "labels": {...}, "aliases": [...]}, ...],
    "target_groups": [...]}``; a term with a known id updates it, a new id is added.
    """
    source = Path(path) if path else get_path("taxonomy.json")
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"cannot read taxonomy {source}: {exc}") from exc
    overrides = overrides or {}
    cats = _merge(raw.get("categories", []), overrides.get("categories", []))
    groups = _merge(raw.get("target_groups", []), overrides.get("target_groups", []))
    return Taxonomy(Vocabulary(tuple(map(_term, cats))), Vocabulary(tuple(map(_term, groups))))


def load_board_topics(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Vocabulary:
    """Load the exchange board's topics (default: the bundled ``board_topics.json``).

    The topics say what associations offer to or seek from each other (rooms, volunteers,
    language mediation, ...). ``overrides`` has the shape of the ``[board_topics]`` table of a
    city config, ``{"topics": [{"id": ..., "labels": {...}, "aliases": [...]}, ...]}``; like
    :func:`load_taxonomy`, a term with a known id updates it and a new id is added at the end;
    a label the override replaces stays an alias, so files written with the bundled word still
    resolve (``Räume`` after a city renamed the topic ``Vereinsräume``).
    """
    source = Path(path) if path else get_path("board_topics.json")
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"cannot read board topics {source}: {exc}") from exc
    base = raw.get("topics", [])
    topics = _keep_old_labels(base, _merge(base, (overrides or {}).get("topics", [])))
    return Vocabulary(tuple(map(_term, topics)))


def _keep_old_labels(base: Iterable[Mapping[str, Any]], merged: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Labels an override replaced stay accepted as aliases (a survey written with the old word still imports)."""
    old = {str(t["id"]): t for t in base}
    for term in merged:
        before = old.get(str(term["id"]))
        if before is None:
            continue
        replaced = [label for label in before.get("labels", {}).values() if label not in term["labels"].values()]
        term["aliases"] = list(dict.fromkeys([*term.get("aliases", ()), *replaced]))
    return merged


def offer_search_keys(
    names: Sequence[Any],
    organizations: Sequence[Any],
    descriptions: Sequence[Any],
    categories: Sequence[Any],
    subcategories: Sequence[Any],
    taxonomy: Taxonomy,
) -> list[str]:
    """Search key per offer (:func:`search_key`) of its text and its terms' labels.

    Parameters
    ----------
    names, organizations, descriptions : sequence of str or None
        The offers' own text, row by row.
    categories : sequence of str
        Category id per offer.
    subcategories : sequence of list of str
        Subcategory ids per offer (None or empty for none).
    taxonomy : Taxonomy
        Gives every label (all languages) and alias of a category or subcategory id.
    """
    term_keys: dict[tuple[int, str], str] = {}

    def terms(ids: Iterable[str], vocabulary: Vocabulary) -> str:
        out = []
        for term_id in ids:
            key = (id(vocabulary), term_id)
            if key not in term_keys:
                term_keys[key] = term_text(vocabulary.get(term_id))
            out.append(term_keys[key])
        return " ".join(out)

    texts = []
    for name, org, desc, cat, subs in zip(names, organizations, descriptions, categories, subcategories, strict=True):
        sub_ids = subs if isinstance(subs, list | tuple) else ()
        labels = terms([cat] if cat else [], taxonomy.categories) + " " + terms(sub_ids, taxonomy.subcategories)
        texts.append(search_key(" ".join(str(t or "") for t in (name, org, desc, labels))))
    return texts
