"""The geocoding chain: cache first, then each provider in order; the first hit wins.

:func:`geocode_queries` is pure apart from the optional cache. A provider that fails for
one row raises :class:`ProviderError`; the failure is recorded and the chain goes on, so
a batch never aborts because one service hiccups. Rows nobody can place get a German
reason a clerk can act on (it ends up in ``rejects.csv``).

All coordinates here are longitude/latitude in EPSG:4326 (degrees).
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from etl.geocode.normalize import normalize_house_number, normalize_place, normalize_postcode, normalize_street
from etl.problems import Problem, error, render, warning
from geodata.schema import PRECISIONS, SOURCES

logger = logging.getLogger(__name__)

#: Bump when the cache layout or the meaning of a cached answer changes.
CACHE_VERSION = "2"
#: Sources a provider may report (``input`` is handled by validation before geocoding).
PROVIDER_SOURCES: tuple[str, ...] = tuple(s for s in SOURCES if s != "input")
#: Precisions a provider may report.
PROVIDER_PRECISIONS: tuple[str, ...] = tuple(p for p in PRECISIONS if p != "input")


class ProviderError(RuntimeError):
    """A provider could not answer for one row (timeout, HTTP 429/5xx, refused request).

    The chain records the message, goes on with the next provider and never
    caches the row's result, so the next run tries again.
    """


class GazetteerError(ValueError):
    """The configured address register cannot be used (missing column, unknown CRS, unreadable)."""


# --------------------------------------------------------------------------------------------
# Queries, locations, providers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressQuery:
    """An address to locate; every part is optional.

    Parameters
    ----------
    street, house_number, postal_code, city, district
        The parts as written in the input (``None`` or empty when absent).
    """

    street: str | None = None
    house_number: str | None = None
    postal_code: str | None = None
    city: str | None = None
    district: str | None = None

    def key(self) -> str:
        """Normalised form, equal for spellings that mean the same address (cache and matching key)."""
        return "|".join(
            (
                normalize_street(self.street),
                normalize_house_number(self.house_number),
                normalize_postcode(self.postal_code),
                normalize_place(self.city),
                normalize_place(self.district),
            )
        )

    def is_empty(self) -> bool:
        """True when no part that could locate the row is given."""
        return not any(
            (
                normalize_street(self.street),
                normalize_postcode(self.postal_code),
                normalize_place(self.district),
            )
        )


@dataclass(frozen=True)
class Location:
    """A located point.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (EPSG:4326).
    source
        Which provider found it, one of :data:`PROVIDER_SOURCES`.
    precision
        How exact it is, one of :data:`PROVIDER_PRECISIONS`.
    """

    lon: float
    lat: float
    source: str
    precision: str

    def __post_init__(self) -> None:
        if self.source not in PROVIDER_SOURCES:
            raise ValueError(f"Location source {self.source!r} is not one of {', '.join(PROVIDER_SOURCES)}")
        if self.precision not in PROVIDER_PRECISIONS:
            raise ValueError(f"Location precision {self.precision!r} is not one of {', '.join(PROVIDER_PRECISIONS)}")
        if not (-180.0 <= self.lon <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"Location ({self.lon}, {self.lat}) is not longitude/latitude in degrees (EPSG:4326)")


@runtime_checkable
class Provider(Protocol):
    """Something that can locate an address.

    ``locate`` returns ``None`` when the provider definitively does not know the
    address and raises :class:`ProviderError` when it could not answer this time.
    Providers may also offer ``fingerprint: str`` (changes whenever their answers
    could change; part of the cache key) and ``explain_miss(query) -> Problem | None``
    (a German reason why they had no answer).
    """

    name: str

    def locate(self, query: AddressQuery) -> Location | None:
        """Return the location of ``query`` or ``None`` when unknown."""
        ...


class AnswerStore(Protocol):
    """Where definitive answers are kept between runs (:class:`etl.geocode.cache.GeocodeCache`)."""

    def get_many(self, fingerprint: str, keys: Iterable[str]) -> dict[str, Answer]:
        """Stored answers for those of ``keys`` known under ``fingerprint``."""
        ...

    def put_many(self, fingerprint: str, answers: Mapping[str, Answer]) -> None:
        """Store definitive ``answers`` under ``fingerprint``."""
        ...


def chain_fingerprint(providers: Sequence[Provider]) -> str:
    """Fingerprint of a provider chain: changes when any provider's configuration or order changes."""
    parts = [CACHE_VERSION] + [str(getattr(p, "fingerprint", p.name)) for p in providers]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# The chain (pure apart from the optional cache)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The chain's answer for one distinct query.

    ``definitive`` is false when a provider failed on the way, so the answer is
    not cached and the next run tries again.
    """

    location: Location | None
    error: Problem | None
    definitive: bool


@dataclass(frozen=True)
class GeocodeOutcome:
    """Result of :func:`geocode_queries`, aligned with the input queries.

    Parameters
    ----------
    locations
        ``locations[i]`` is the :class:`Location` of query ``i`` or ``None``.
    problems
        ``problems[i]`` is the error-severity :class:`~etl.problems.Problem` saying why
        ``locations[i]`` is ``None``, else ``None``.
    stats
        Rows per source (``gazetteer``, ``online``, ``postcode``, ``district``; a
        cache hit counts under the source that produced it), ``cache_hits`` and
        ``unresolved``.
    """

    locations: tuple[Location | None, ...]
    problems: tuple[Problem | None, ...]
    stats: Mapping[str, int]

    @property
    def errors(self) -> tuple[str | None, ...]:
        """The problems rendered in German (the clerk's reasons), aligned with ``locations``."""
        return tuple(render(p) if p is not None else None for p in self.problems)


def unresolved_reason(query: AddressQuery, misses: Sequence[Problem], failures: Sequence[Problem]) -> Problem:
    """Why ``query`` could not be placed (an error for the rejects report, field ``street``).

    Parameters
    ----------
    query
        The address.
    misses
        Providers' own explanations of why they had no answer.
    failures
        ``service_unavailable`` problems of providers that failed (:class:`ProviderError`).
    """
    if query.is_empty():
        return error("address_missing", "street")
    known: list[Problem] = []
    if normalize_street(query.street):
        known.append(warning("part.street"))
    if postcode := normalize_postcode(query.postal_code):
        known.append(warning("part.postcode", postcode=postcode))
    if district := (query.district or "").strip():
        known.append(warning("part.district", district=district))
    reasons: tuple[Problem, ...]
    if misses:
        reasons = tuple(misses)
    elif len(known) == 1:
        reasons = (warning("part_unknown", part=known[0]),)
    else:
        reasons = (warning("parts_unknown", parts=tuple(known)),)
    if failures:
        return error("address_not_found_retry", "street", reasons=reasons, failures=tuple(failures))
    return error("address_not_found", "street", reasons=reasons)


def resolve_query(query: AddressQuery, providers: Sequence[Provider]) -> tuple[Answer, int]:
    """Walk the chain for one query; return the answer and the number of provider calls."""
    misses: list[Problem] = []
    failures: list[Problem] = []
    calls = 0
    for provider in providers:
        calls += 1
        try:
            location = provider.locate(query)
        except ProviderError as exc:
            failures.append(warning("service_unavailable", provider=provider.name, detail=str(exc)))
            continue
        if location is not None:
            return Answer(location, None, definitive=not failures), calls
        explain = getattr(provider, "explain_miss", None)
        if explain is not None and (reason := explain(query)):
            misses.append(reason)
    return Answer(None, unresolved_reason(query, misses, failures), definitive=not failures), calls


def _with_progress(items: list[str], progress: bool) -> Iterable[str]:
    if not (progress and items and sys.stderr.isatty()):
        return items
    from tqdm import tqdm

    return tqdm(items, desc="Geokodierung", unit="Adr.", file=sys.stderr, leave=False)


def geocode_queries(
    queries: Iterable[AddressQuery],
    providers: Sequence[Provider],
    cache: AnswerStore | None = None,
    progress: bool = False,
) -> GeocodeOutcome:
    """Locate every query: cache first, then the providers in order; the first hit wins.

    Identical queries (equal :meth:`AddressQuery.key`) are looked up once. A
    provider failure (:class:`ProviderError`) is recorded and the chain goes on;
    the batch never aborts. Definitive answers (hits, and misses without any
    failure) are written to ``cache``; answers reached after a failure are not.

    Parameters
    ----------
    queries
        The addresses, one per input row.
    providers
        The chain, e.g. from :func:`make_providers`.
    cache
        Optional persistent cache (:meth:`GeocodeCache.open`).
    progress
        Show a progress bar (only when stderr is a terminal).

    Returns
    -------
    GeocodeOutcome
        Locations and reasons aligned with ``queries``, plus counts.
    """
    queries = list(queries)
    keys = [q.key() for q in queries]
    first: dict[str, AddressQuery] = {}
    for key, query in zip(keys, queries, strict=True):
        first.setdefault(key, query)
    fingerprint = chain_fingerprint(providers)
    answers: dict[str, Answer] = dict(cache.get_many(fingerprint, first)) if cache is not None else {}
    cached = set(answers)
    todo = [k for k in first if k not in answers]
    started = time.perf_counter()
    fresh: dict[str, Answer] = {}
    calls = 0
    for key in _with_progress(todo, progress):
        answer, n = resolve_query(first[key], providers)
        calls += n
        answers[key] = answer
        if answer.definitive:
            fresh[key] = answer
    if cache is not None and fresh:
        cache.put_many(fingerprint, fresh)
    locations = tuple(answers[k].location for k in keys)
    problems = tuple(answers[k].error for k in keys)
    stats = _count(locations, [k in cached for k in keys])
    logger.info(
        "geocoded %d/%d rows (%d distinct addresses, %d provider calls in %.2f s): %s",
        len(keys) - stats["unresolved"],
        len(keys),
        len(first),
        calls,
        time.perf_counter() - started,
        ", ".join(f"{n} {name}" for name, n in stats.items() if n),
    )
    return GeocodeOutcome(locations, problems, MappingProxyType(stats))


def _count(locations: Sequence[Location | None], from_cache: Sequence[bool]) -> dict[str, int]:
    by_source = Counter(loc.source for loc in locations if loc is not None)
    stats = {source: by_source.get(source, 0) for source in PROVIDER_SOURCES}
    stats["cache_hits"] = sum(from_cache)
    stats["unresolved"] = sum(loc is None for loc in locations)
    return stats
