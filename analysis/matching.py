"""Explainable matching of the exchange board: what one association offers, another seeks.

A :class:`Post` is an *offer* or a *need* of an association or institution on one topic of
the board (:func:`geodata.taxonomy.load_board_topics`: rooms, volunteers, language mediation,
...). :func:`match_posts` ranks, for every open post, the open posts of the other kind on the
same topic; :func:`matches_for` does it for one post. Every :class:`Match` carries its
:class:`Factor` s, so a page can say *why* two posts fit ("passt: beide Räume, beide Arabisch,
1,2 km entfernt", see :func:`explain`) and an API can return the reasons as stable codes.

Which posts can match
---------------------
* An offer matches only needs and a need only offers, **on the same topic** (required: posts
  on different topics never match, however similar their words).
* Both posts are **open**: their state is in ``open_states`` (default ``{"published"}``:
  pending, rejected and closed posts never match) and ``valid_until`` is not before ``today``
  (an expired post is never matched, neither way, and gets no matches itself).
* Posts of the **same organisation** (names equal after :func:`~geodata.taxonomy.fold`) do not
  match each other: the board is there to make new contacts.

Score
-----
The score of a pair is ``sum(weight * value)`` over the factors below; the weights are
normalised to sum to 1 and every value lies in ``[0, 1]``, so the score does too, and the
contributions (``weight * value``) of a match's factors add up to its score exactly.

========================  =======  ===========================================================
code                      weight   value
========================  =======  ===========================================================
``same_topic``            0.25     1 (every match shares the topic; it names the topic)
``shared_languages``      0.20     Jaccard index of the two language sets: shared / all named
``shared_target_groups``  0.15     Jaccard index of the two target-group sets
``distance``              0.20     ``0.5 ** (metres / 2000)``: both posts have a location
``same_district``         (0.20)   0.5: a location is missing but both name the same district
``similar_words``         0.15     cosine similarity of the posts' words (title and text)
``fresh``                 0.05     ``0.5 ** (days / 90)``: days since the *other* post was updated
========================  =======  ===========================================================

Why these weights: the topic is the precondition and says what is exchanged; a language in
common decides whether people can work together at all (the network's offers are in many
languages, and language mediation is itself a topic), so it weighs most of the rest, followed
by nearness (volunteers, rooms and equipment are used on foot or by bus) and the target groups
(the network's goal of reaching new groups). Words refine the order among posts that agree on
the rest; freshness only breaks near-ties in favour of posters who are still active.

**Distance** is measured in EPSG:25832 metres between the posts' points and decays by half
every 2 km (1 km: 0.71, 2 km: 0.5, 4 km: 0.25): 2 km is a 25-minute walk or a short bus ride
across a town the size of Ludwigsburg (about 8 km across). **Same district** counts only when
a distance cannot be measured (one post names only its district, the privacy level "district
only"); it is worth 0.5, what a distance of 2 km, about the size of a district, is worth.
When both posts have points, districts are ignored: a partner 200 m away across a district
boundary is closer in practice than one 3 km away in the same district (0.93 against 0.35 of
the proximity weight; the board's users walk distances, not administrative boundaries).

**Words**: title and description are split into words, folded (case, accents, umlauts,
``ß``; ``ä``/``ae`` both become ``a`` so that "Räume" and "Raeume" agree), and common function
words are dropped. Each word is cut into character trigrams, which handles German compounds
and inflection without a dictionary ("Sprachmittlung" and "Sprachmittlerin" share 9 of their
trigrams, "Raum" lies inside "Räume" and "Gruppenraum"). The trigrams of a post are weighted
by TF-IDF over the posts being matched (trigrams found in every post, such as "ung", count
little) and two posts' vectors are compared by cosine. The factor names the word pairs that
are alike (``("Räume", "Raum")``): two words are alike when they are equal after folding, or
when most trigrams of the shorter one (of at least 4 letters) occur in the longer one.

**Freshness** halves every 90 days since the *other* post's last update (the network meets
about once a quarter); it is the only factor that depends on which side of the pair one looks
from, so the score of A for B and of B for A may differ by at most its weight.

Ties are broken by the other post's id, so the ranking is deterministic.

Speed: posts are grouped by topic, the factors computed as matrices per topic (numpy for
distances and the language and target-group overlaps, a sparse TF-IDF product for words) and
only each post's best ``limit`` matches become Python objects; ``bench/matching.py`` times
5,000 posts.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from babel.lists import format_list
from babel.numbers import format_decimal
from scipy import sparse

from geodata.crs import to_metric
from geodata.languages import language_name
from geodata.taxonomy import Vocabulary, fold, load_board_topics, load_taxonomy

logger = logging.getLogger(__name__)

#: The two kinds of post: what an association offers and what it seeks.
KINDS: Final = ("offer", "need")
#: States in which a post is matched by default (the register's moderated, public posts).
OPEN_STATES: Final = frozenset({"published"})
#: Stable factor codes, in the order they are listed and explained.
FACTOR_CODES: Final = (
    "same_topic",
    "shared_languages",
    "shared_target_groups",
    "distance",
    "same_district",
    "similar_words",
    "fresh",
)
#: Interface languages of :func:`explain`.
EXPLAIN_LANGUAGES: Final = ("de", "en", "tr", "ar", "uk")

_WORD_RE: Final = re.compile(r"\w+")
#: Two words count as alike (for the explanation) from this trigram overlap on.
_ALIKE: Final = 0.6
#: At most this many word pairs are named in a ``similar_words`` factor.
_MAX_WORD_PAIRS: Final = 3
#: Function words (German, English) and the board's own verbs, ignored when comparing words.
_STOP_WORDS: Final = frozenset(
    """
    aber alle allem allen aller alles als also am an auch auf aus bei beim bis bitte da damit
    dann das dass dem den der des die dies diese diesem diesen dieser dieses doch dort durch ein
    eine einem einen einer eines es etwa etwas euch euer eure für gerne gern gibt haben hat
    hier ich ihr ihre im in ist ja je jede jeden jeder jedes kann können kein keine mehr mit
    möchten nach nicht noch nur ob oder ohne pro sehr sich sie sind so uns unser unsere unseren
    unserer unseres um und unter vom von vor war was weitere welche wenn wer werden wie wir
    wird wo zu zum zur zwei über
    bieten bietet biete anbieten suchen sucht suche gesucht angebot
    a an and are as at be by for from have in is it of on or our the this to we with you your
    offer offers need needs seek seeking looking
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

#: Message templates of :func:`explain`, one row per message id, one column per language.
#: ``*.many`` rows are used for lists of more than one item where a language needs a plural.
MESSAGES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "prefix": {
            "de": "passt: {reasons}",
            "en": "matches: {reasons}",
            "tr": "uygun: {reasons}",
            "ar": "مناسب: {reasons}",
            "uk": "підходить: {reasons}",
        },
        "separator": {"de": ", ", "en": ", ", "tr": ", ", "ar": "، ", "uk": ", "},
        "same_topic": {
            "de": "beide {topic}",
            "en": "same topic ({topic})",
            "tr": "aynı konu ({topic})",
            "ar": "الموضوع نفسه ({topic})",
            "uk": "та сама тема ({topic})",
        },
        "shared_languages": {
            "de": "beide {languages}",
            "en": "both {languages}",
            "tr": "ikisi de {languages}",
            "ar": "لغة مشتركة: {languages}",
            "uk": "спільна мова: {languages}",
        },
        "shared_languages.many": {
            "de": "beide {languages}",
            "en": "both {languages}",
            "tr": "ikisi de {languages}",
            "ar": "لغات مشتركة: {languages}",
            "uk": "спільні мови: {languages}",
        },
        "shared_target_groups": {
            "de": "beide für {groups}",
            "en": "both for {groups}",
            "tr": "ikisi de {groups} için",
            "ar": "الفئة المستهدفة نفسها: {groups}",
            "uk": "та сама цільова група: {groups}",
        },
        "shared_target_groups.many": {
            "de": "beide für {groups}",
            "en": "both for {groups}",
            "tr": "ikisi de {groups} için",
            "ar": "الفئات المستهدفة نفسها: {groups}",
            "uk": "ті самі цільові групи: {groups}",
        },
        "distance.m": {
            "de": "{distance} m entfernt",
            "en": "{distance} m away",
            "tr": "{distance} m uzaklıkta",
            "ar": "على بعد {distance} م",
            "uk": "за {distance} м",
        },
        "distance.km": {
            "de": "{distance} km entfernt",
            "en": "{distance} km away",
            "tr": "{distance} km uzaklıkta",
            "ar": "على بعد {distance} كم",
            "uk": "за {distance} км",
        },
        "same_district": {
            "de": "beide im Stadtteil {district}",
            "en": "both in {district}",
            "tr": "ikisi de {district} semtinde",
            "ar": "كلاهما في حي {district}",
            "uk": "обидва в районі {district}",
        },
        "similar_words": {
            "de": "ähnliche Wörter: {words}",
            "en": "similar words: {words}",
            "tr": "benzer kelimeler: {words}",
            "ar": "كلمات متشابهة: {words}",
            "uk": "схожі слова: {words}",
        },
        "fresh": {
            "de": "kürzlich aktualisiert",
            "en": "recently updated",
            "tr": "yakın zamanda güncellendi",
            "ar": "حُدِّث مؤخرًا",
            "uk": "нещодавно оновлено",
        },
    }
)


class PostError(ValueError):
    """A post or a matching setting is not usable (wrong kind, half a coordinate, ...)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Post:
    """One post of the exchange board, as the matcher sees it.

    Parameters
    ----------
    id
        Stable id of the post (unique among the posts matched together).
    kind
        ``"offer"`` (the association provides it) or ``"need"`` (it seeks it).
    topic
        Id of a board topic (:func:`geodata.taxonomy.load_board_topics`).
    title, text
        Short title and description, in any language.
    languages
        ISO 639 codes the poster works in (:mod:`geodata.languages`).
    target_groups
        Target-group ids of the offer taxonomy.
    district_id
        Id of the city district, or None.
    lon, lat
        Location in EPSG:4326 degrees, both or neither (None when only the district is public).
    organization
        Name of the posting association or institution.
    valid_until
        Last day the post is valid, or None for open-ended.
    created, updated
        Dates of creation and last change (``updated`` defaults to ``created``).
    state
        Register state; only states in ``open_states`` (default ``"published"``) match.
    """

    id: str
    kind: str
    topic: str
    title: str
    text: str = ""
    languages: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    district_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    organization: str = ""
    valid_until: date | None = None
    created: date
    updated: date | None = None
    state: str = "published"

    def __post_init__(self) -> None:
        if not str(self.id).strip():
            raise PostError("a post needs a non-empty id")
        if self.kind not in KINDS:
            raise PostError(f"post {self.id!r}: kind {self.kind!r} is neither 'offer' nor 'need'")
        if not self.topic:
            raise PostError(f"post {self.id!r} needs a topic id (see geodata.taxonomy.load_board_topics)")
        if (self.lon is None) != (self.lat is None):
            raise PostError(f"post {self.id!r}: give both lon and lat (EPSG:4326) or neither")
        if self.lon is not None and self.lat is not None:
            lon, lat = float(self.lon), float(self.lat)
            if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
                raise PostError(f"post {self.id!r}: lon/lat ({lon}, {lat}) is not in EPSG:4326 degrees")
        object.__setattr__(self, "languages", tuple(dict.fromkeys(self.languages)))
        object.__setattr__(self, "target_groups", tuple(dict.fromkeys(self.target_groups)))
        if self.updated is None:
            object.__setattr__(self, "updated", self.created)

    @property
    def last_change(self) -> date:
        """The date of the last update (or of creation)."""
        return self.updated or self.created


@dataclass(frozen=True)
class MatchWeights:
    """Weights of the factors and the decay of distance and age (see the module docstring).

    Weights need not sum to 1: they are normalised. ``proximity`` weighs ``distance`` and,
    when no distance can be measured, ``same_district``.
    """

    same_topic: float = 0.25
    shared_languages: float = 0.20
    shared_target_groups: float = 0.15
    proximity: float = 0.20
    similar_words: float = 0.15
    fresh: float = 0.05
    #: Distance in metres at which the distance value has halved.
    distance_half_m: float = 2000.0
    #: Value of ``same_district`` (what a distance of ``distance_half_m`` is worth by default).
    same_district_value: float = 0.5
    #: Age in days at which the freshness value has halved.
    fresh_half_days: float = 90.0

    def __post_init__(self) -> None:
        weights = (
            self.same_topic,
            self.shared_languages,
            self.shared_target_groups,
            self.proximity,
            self.similar_words,
            self.fresh,
        )
        if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            raise PostError(f"match weights must be >= 0 with a positive sum, got {weights}")
        if not (self.distance_half_m > 0 and self.fresh_half_days > 0):
            raise PostError("distance_half_m and fresh_half_days must be positive")
        if not 0 <= self.same_district_value <= 1:
            raise PostError(f"same_district_value must lie in [0, 1], got {self.same_district_value}")

    def normalised(self) -> dict[str, float]:
        """Weight per factor code, summing to 1 over the codes that can occur together."""
        raw = {
            "same_topic": self.same_topic,
            "shared_languages": self.shared_languages,
            "shared_target_groups": self.shared_target_groups,
            "distance": self.proximity,
            "same_district": self.proximity,
            "similar_words": self.similar_words,
            "fresh": self.fresh,
        }
        total = sum(raw.values()) - self.proximity  # distance and same_district exclude each other
        return {code: w / total for code, w in raw.items()}


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason of a match: ``contribution = weight * value``.

    ``params`` carry what the reason names: ``topic``, ``languages``, ``target_groups``,
    ``metres``, ``district``, ``words`` (pairs of this post's and the other's word), ``days``.
    """

    code: str
    weight: float
    value: float
    contribution: float
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Match:
    """A post of the other kind that fits, with its score in [0, 1] and the reasons."""

    other_id: str
    score: float
    factors: tuple[Factor, ...]

    def factor(self, code: str) -> Factor | None:
        """The factor with ``code``, or None when it did not contribute."""
        return next((f for f in self.factors if f.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (scores rounded to 4 decimals, tuples as lists)."""
        return {
            "other_id": self.other_id,
            "score": round(self.score, 4),
            "factors": [
                {
                    "code": f.code,
                    "weight": round(f.weight, 4),
                    "value": round(f.value, 4),
                    "contribution": round(f.contribution, 4),
                    "params": {k: _jsonable(v) for k, v in f.params.items()},
                }
                for f in self.factors
            ],
        }


def match_from_dict(data: Mapping[str, Any]) -> Match:
    """The :class:`Match` of :meth:`Match.as_dict` (e.g. read back from a cache or the API).

    Lists become tuples again (``words`` as pairs), so :func:`explain` renders it as before.
    """
    try:
        factors = tuple(
            Factor(
                str(f["code"]),
                float(f["weight"]),
                float(f["value"]),
                float(f["contribution"]),
                {k: _tuples(v) for k, v in dict(f.get("params", {})).items()},
            )
            for f in data["factors"]
        )
        return Match(str(data["other_id"]), float(data["score"]), factors)
    except (KeyError, TypeError, ValueError) as exc:
        raise PostError(f"not a match as written by Match.as_dict(): {exc!r}") from exc


def is_open(post: Post, today: date, open_states: frozenset[str] = OPEN_STATES) -> bool:
    """True when ``post`` may match: its state is open and it has not expired before ``today``."""
    return post.state in open_states and (post.valid_until is None or post.valid_until >= today)


def match_posts(
    posts: Iterable[Post],
    today: date,
    *,
    limit: int = 5,
    weights: MatchWeights = MatchWeights(),
    open_states: frozenset[str] = OPEN_STATES,
    min_score: float = 0.0,
) -> dict[str, list[Match]]:
    """The best matches of every post, best first.

    Parameters
    ----------
    posts
        All posts of the board (any state; closed and expired ones are skipped).
    today
        The day of matching: posts valid until before it have expired; ages count to it.
    limit
        At most this many matches per post.
    weights
        Factor weights and decays.
    open_states
        States that match (default: published only).
    min_score
        Matches below this score are left out.

    Returns
    -------
    dict
        Post id -> its matches (score descending, ties by the other's id); an empty list for
        posts that are not open or have no match.
    """
    posts = list(posts)
    _check(posts, limit, min_score)
    result: dict[str, list[Match]] = {p.id: [] for p in posts}
    prep = _prepare([p for p in posts if is_open(p, today, open_states)], today)
    for offers, needs in _topic_blocks(prep):
        result.update(_rank(prep, offers, needs, weights, limit, min_score))
        result.update(_rank(prep, needs, offers, weights, limit, min_score))
    logger.info(
        "matched %d open of %d posts: %d with at least one match",
        len(prep.posts),
        len(posts),
        sum(1 for m in result.values() if m),
    )
    return result


def matches_for(
    post: Post,
    candidates: Iterable[Post],
    today: date,
    *,
    limit: int = 5,
    weights: MatchWeights = MatchWeights(),
    open_states: frozenset[str] = OPEN_STATES,
    min_score: float = 0.0,
) -> list[Match]:
    """The best matches of one ``post`` among ``candidates`` (parameters as :func:`match_posts`).

    ``candidates`` may contain ``post`` itself. Word weights are computed over ``post`` and the
    open candidates, so ``matches_for(p, posts, ...) == match_posts(posts, ...)[p.id]``.
    """
    _check([post], limit, min_score)
    if not is_open(post, today, open_states):
        return []
    others = {c.id: c for c in candidates if c.id != post.id and is_open(c, today, open_states)}
    prep = _prepare([post, *others.values()], today)
    row = prep.index[post.id]
    cols = np.flatnonzero((prep.kind != prep.kind[row]) & (prep.topic == prep.topic[row]))
    ranked = _rank(prep, np.array([row]), cols, weights, limit, min_score)
    return ranked.get(post.id, [])


def unanswered_needs(
    posts: Iterable[Post],
    today: date,
    *,
    matches: Mapping[str, Sequence[Match]] | None = None,
    open_states: frozenset[str] = OPEN_STATES,
) -> list[Post]:
    """Open needs without any match (for the workshop view and the planners' coverage table).

    ``matches`` is a result of :func:`match_posts` over the same ``posts`` (computed with the
    defaults when None). Sorted by topic, district and id; count them by ``topic`` and
    ``district_id`` for the planners' table.
    """
    posts = list(posts)
    found = match_posts(posts, today, open_states=open_states) if matches is None else matches
    needs = [p for p in posts if p.kind == "need" and is_open(p, today, open_states) and not found.get(p.id)]
    return sorted(needs, key=lambda p: (p.topic, p.district_id or "", p.id))


def explain(
    match: Match,
    lang: str = "de",
    *,
    topics: Vocabulary | None = None,
    target_groups: Vocabulary | None = None,
    district_names: Mapping[str, str] | None = None,
) -> str:
    """The reasons of ``match`` as one line in ``lang`` ("passt: beide Räume, beide Arabisch, ...").

    Parameters
    ----------
    match
        A match from :func:`match_posts` or :func:`matches_for`.
    lang
        One of :data:`EXPLAIN_LANGUAGES` (a region suffix such as ``de-AT`` is ignored; any
        other language falls back to German).
    topics, target_groups
        Vocabularies for the labels (default: the bundled board topics and target groups; pass
        the city's overridden ones).
    district_names
        District id -> name (default: the id).

    Returns
    -------
    str
        Numbers and lists formatted for the locale (Babel); a factor without a nameable reason
        (word similarity without an alike word pair, an old post) is not mentioned.
    """
    lang = lang.split("-")[0].split("_")[0].lower()
    lang = lang if lang in EXPLAIN_LANGUAGES else "de"
    if topics is None or target_groups is None:
        default_topics, default_groups = _default_vocabularies()
        topics, target_groups = topics or default_topics, target_groups or default_groups
    parts = [_reason(f, lang, topics, target_groups, district_names or {}) for f in _sorted_factors(match.factors)]
    reasons = MESSAGES["separator"][lang].join(p for p in parts if p)
    return MESSAGES["prefix"][lang].format(reasons=reasons)


# --- preparation: everything per post, computed once ------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """Posts sorted by id and their features as arrays (row i = ``posts[i]``)."""

    posts: tuple[Post, ...]
    index: Mapping[str, int]
    kind: np.ndarray
    topic: np.ndarray
    organization: np.ndarray
    district: np.ndarray
    x: np.ndarray
    y: np.ndarray
    languages: np.ndarray
    target_groups: np.ndarray
    words: sparse.csr_matrix
    #: Per post, the (folded key, spelling) of the words that may be named as alike.
    named_words: tuple[tuple[tuple[str, str], ...], ...]
    age_days: np.ndarray


def _prepare(posts: Sequence[Post], today: date) -> _Prepared:
    ordered = tuple(sorted(posts, key=lambda p: p.id))
    n = len(ordered)
    lon = np.array([np.nan if p.lon is None else p.lon for p in ordered], dtype=float)
    lat = np.array([np.nan if p.lat is None else p.lat for p in ordered], dtype=float)
    x, y = to_metric(lon, lat) if n else (lon, lat)
    word_lists = tuple(_post_words(p) for p in ordered)
    common = _common_words(word_lists)
    return _Prepared(
        posts=ordered,
        index=MappingProxyType({p.id: i for i, p in enumerate(ordered)}),
        kind=np.array([p.kind for p in ordered], dtype=object),
        topic=np.array([p.topic for p in ordered], dtype=object),
        organization=np.array([fold(p.organization) for p in ordered], dtype=object),
        district=np.array([p.district_id or "" for p in ordered], dtype=object),
        x=np.asarray(x, dtype=float),
        y=np.asarray(y, dtype=float),
        languages=_bitsets([p.languages for p in ordered]),
        target_groups=_bitsets([p.target_groups for p in ordered]),
        words=_tfidf([[key for key, _ in words] for words in word_lists]),
        named_words=tuple(tuple(w for w in words if w[0] not in common) for words in word_lists),
        age_days=np.array([max(0, (today - p.last_change).days) for p in ordered], dtype=float),
    )


def _check(posts: Sequence[Post], limit: int, min_score: float) -> None:
    if limit < 1:
        raise PostError(f"limit must be at least 1, got {limit}")
    if not 0 <= min_score <= 1:
        raise PostError(f"min_score must lie in [0, 1], got {min_score}")
    seen: set[str] = set()
    for p in posts:
        if p.id in seen:
            raise PostError(f"post id {p.id!r} occurs twice; ids must be unique")
        seen.add(p.id)


def _bitsets(sets: Sequence[tuple[str, ...]]) -> np.ndarray:
    """Posts x ceil(codes / 64) matrix of uint64 bit sets: overlaps become AND + popcount."""
    codes = {c: j for j, c in enumerate(sorted({c for s in sets for c in s}))}
    out = np.zeros((len(sets), max(1, -(-len(codes) // 64))), dtype=np.uint64)
    for i, s in enumerate(sets):
        for code in s:
            j = codes[code]
            out[i, j // 64] |= np.uint64(1 << (j % 64))
    return out


@lru_cache(maxsize=1)
def _stop_keys() -> frozenset[str]:
    return frozenset(_word_key(w) for w in _STOP_WORDS)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    """Folded word with umlaut spellings collapsed: "Räume", "Raeume", "raume" -> "raume"."""
    key = fold(word)
    for spelled, vowel in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        key = key.replace(spelled, vowel)
    return key


@lru_cache(maxsize=65536)
def _trigrams(key: str) -> frozenset[str]:
    """Character trigrams of a folded word (the word itself when shorter than 4 letters)."""
    return frozenset(key[i : i + 3] for i in range(len(key) - 2)) if len(key) > 3 else frozenset({key})


def _post_words(post: Post) -> tuple[tuple[str, str], ...]:
    """Distinct content words of title and text: (folded key, first spelling)."""
    stop = _stop_keys()
    seen: dict[str, str] = {}
    for surface in _WORD_RE.findall(f"{post.title} {post.text}"):
        key = _word_key(surface)
        if len(key) >= 3 and not key.isdigit() and key not in stop:
            seen.setdefault(key, surface)
    return tuple(seen.items())


def _common_words(word_lists: Sequence[Sequence[tuple[str, str]]]) -> frozenset[str]:
    """Words in more than a tenth of the posts (and more than 5): too common to name as a reason.

    "Verein" or the city's name may be shared by many posts; they still count in the word
    similarity (with a low TF-IDF weight) but a reason should name what is specific.
    """
    df = Counter(key for words in word_lists for key, _ in words)
    cap = max(5, len(word_lists) // 10)
    return frozenset(key for key, count in df.items() if count > cap)


def _tfidf(docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Row-normalised TF-IDF matrix of the trigrams of each document's words."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, keys in enumerate(docs):
        for key in keys:
            for gram in _trigrams(key):
                rows.append(i)
                cols.append(vocab.setdefault(gram, len(vocab)))
    n = len(docs)
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n) / (1 + df)) + 1.0
    weighted = sparse.csr_matrix(counts.multiply(idf[np.newaxis, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def _topic_blocks(prep: _Prepared) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """(offer rows, need rows) per topic that has both."""
    for topic in sorted(set(prep.topic.tolist())):
        on_topic = prep.topic == topic
        offers = np.flatnonzero(on_topic & (prep.kind == "offer"))
        needs = np.flatnonzero(on_topic & (prep.kind == "need"))
        if offers.size and needs.size:
            yield offers, needs


# --- scoring: factor values as matrices, ranking, and the Match objects ------------------------


def _values(prep: _Prepared, rows: np.ndarray, cols: np.ndarray, weights: MatchWeights) -> dict[str, np.ndarray]:
    """Value in [0, 1] of every factor for every (row, col) pair, as rows x cols matrices.

    Also ``"metres"``: the distances (NaN where a post has no point).
    """
    shape = (rows.size, cols.size)
    dist = np.hypot(prep.x[rows, None] - prep.x[None, cols], prep.y[rows, None] - prep.y[None, cols])
    measured = np.isfinite(dist)
    district_r, district_c = prep.district[rows, None], prep.district[None, cols]
    same_district = ~measured & (district_r == district_c) & (district_r != "")
    return {
        "metres": dist,
        "same_topic": (prep.topic[rows, None] == prep.topic[None, cols]).astype(float),
        "shared_languages": _jaccard(prep.languages[rows], prep.languages[cols]),
        "shared_target_groups": _jaccard(prep.target_groups[rows], prep.target_groups[cols]),
        "distance": np.where(measured, 0.5 ** (np.where(measured, dist, 0.0) / weights.distance_half_m), 0.0),
        "same_district": np.where(same_district, weights.same_district_value, 0.0),
        "similar_words": np.clip((prep.words[rows] @ prep.words[cols].T).toarray(), 0.0, 1.0),
        "fresh": np.broadcast_to(0.5 ** (prep.age_days[cols] / weights.fresh_half_days), shape),
    }


def _jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard index of every row bit set of ``a`` with every row bit set of ``b`` (0 if both empty)."""
    inter = np.zeros((a.shape[0], b.shape[0]), dtype=np.int64)
    for w in range(a.shape[1]):
        inter += np.bitwise_count(a[:, None, w] & b[None, :, w])
    union = np.bitwise_count(a).sum(axis=1)[:, None] + np.bitwise_count(b).sum(axis=1)[None, :] - inter
    return np.divide(inter, union, out=np.zeros(inter.shape), where=union > 0)


def _rank(
    prep: _Prepared, rows: np.ndarray, cols: np.ndarray, weights: MatchWeights, limit: int, min_score: float
) -> dict[str, list[Match]]:
    """Best ``limit`` matches among ``cols`` for every post in ``rows``."""
    if not rows.size or not cols.size:
        return {}
    values = _values(prep, rows, cols, weights)
    norm = weights.normalised()
    score = np.zeros((rows.size, cols.size))
    for code in FACTOR_CODES:
        score += norm[code] * values[code]
    org_r, org_c = prep.organization[rows, None], prep.organization[None, cols]
    allowed = (
        (prep.kind[rows, None] != prep.kind[None, cols])
        & (values["same_topic"] > 0)
        & ((org_r != org_c) | (org_r == ""))
        & (score >= min_score)
    )
    score = np.where(allowed, score, -np.inf)
    best = _top(score, limit)
    r_idx = np.repeat(np.arange(rows.size), best.shape[1])
    c_idx = best.ravel()
    keep = np.isfinite(score[r_idx, c_idx])
    r_idx, c_idx = r_idx[keep], c_idx[keep]
    picked = {code: values[code][r_idx, c_idx].tolist() for code in FACTOR_CODES}
    table = _alike_table(sorted({k for i in (*rows.tolist(), *cols.tolist()) for k, _ in prep.named_words[i]}))
    metres = values["metres"][r_idx, c_idx].tolist()
    row_list, col_list = rows[r_idx].tolist(), cols[c_idx].tolist()
    codes = [code for code in FACTOR_CODES if norm[code] > 0]
    params = {code: _params(code, prep, row_list, col_list, picked[code], metres, table) for code in codes}
    out: dict[str, list[Match]] = {prep.posts[row].id: [] for row in rows.tolist()}
    for t, (row, col) in enumerate(zip(row_list, col_list, strict=True)):
        factors = tuple(
            Factor(code, norm[code], value, norm[code] * value, params[code][t])
            for code in codes
            if (value := picked[code][t]) > 0
        )
        out[prep.posts[row].id].append(Match(prep.posts[col].id, sum(f.contribution for f in factors), factors))
    return out


def _top(score: np.ndarray, limit: int) -> np.ndarray:
    """Column indices of the ``limit`` highest scores per row, best first (may include -inf).

    Columns ascend by post id and the sort is stable, so ties go to the smaller id.
    """
    return np.argsort(-score, axis=1, kind="stable")[:, :limit]


def _params(
    code: str,
    prep: _Prepared,
    rows: list[int],
    cols: list[int],
    values: list[float],
    metres: list[float],
    table: Mapping[str, Mapping[str, tuple[float, float]]],
) -> list[dict[str, Any]]:
    """What factor ``code`` names for each (row, col) pair, e.g. the shared languages in the
    row post's order (an empty dict where the factor's value is 0 and it is not listed)."""
    posts = prep.posts
    pairs = zip(rows, cols, values, strict=True)
    if code == "same_topic":
        return [{"topic": posts[r].topic} for r in rows]
    if code == "shared_languages":
        return [
            {"languages": tuple(x for x in posts[r].languages if x in posts[c].languages)} if v > 0 else {}
            for r, c, v in pairs
        ]
    if code == "shared_target_groups":
        return [
            {"target_groups": tuple(g for g in posts[r].target_groups if g in posts[c].target_groups)} if v > 0 else {}
            for r, c, v in pairs
        ]
    if code == "distance":
        return [{"metres": round(m)} if v > 0 else {} for m, v in zip(metres, values, strict=True)]
    if code == "same_district":
        return [{"district": posts[r].district_id} for r in rows]
    if code == "similar_words":
        return [
            {"words": _alike_words(prep.named_words[r], prep.named_words[c], table)} if v > 0 else {}
            for r, c, v in pairs
        ]
    return [{"days": int(prep.age_days[c])} for c in cols]


def _alike_table(keys: Sequence[str]) -> dict[str, dict[str, tuple[float, float]]]:
    """For each folded word, the words alike to it with the sort key ``(-overlap, -jaccard)``.

    Alike: equal, or the share of the shorter word's trigrams found in the longer one (a compound
    contains its parts) is at least 0.6, for words of at least 4 letters. Ties go to the higher
    Jaccard index, so "Raum" pairs with "Räume" before "Gruppenraum". Computed for all word pairs
    at once as a sparse product of the words' trigram indicator matrix with itself.
    """
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, key in enumerate(keys):
        for gram in _trigrams(key):
            rows.append(i)
            cols.append(vocab.setdefault(gram, len(vocab)))
    grams = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), max(len(vocab), 1)))
    shared = sparse.coo_matrix(grams @ grams.T)
    a, b, n_shared = shared.row, shared.col, shared.data
    n_grams = np.asarray(grams.sum(axis=1)).ravel()
    length = np.array([len(k) for k in keys])
    overlap = n_shared / np.minimum(n_grams[a], n_grams[b])
    jaccard = n_shared / (n_grams[a] + n_grams[b] - n_shared)
    alike = (a == b) | ((np.minimum(length[a], length[b]) >= 4) & (overlap >= _ALIKE))
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for i, j, o, jc in zip(
        a[alike].tolist(), b[alike].tolist(), overlap[alike].tolist(), jaccard[alike].tolist(), strict=True
    ):
        table.setdefault(keys[i], {})[keys[j]] = (-o, -jc)
    return table


def _alike_words(
    mine: Sequence[tuple[str, str]],
    theirs: Sequence[tuple[str, str]],
    table: Mapping[str, Mapping[str, tuple[float, float]]],
) -> tuple[tuple[str, str], ...]:
    """Up to three (my word, their word) pairs that are alike, most alike first, each word once."""
    their_words = dict(theirs)
    candidates = []
    for key_a, word_a in mine:
        alike = table.get(key_a)
        if alike:
            for key_b in alike.keys() & their_words.keys():
                candidates.append((*alike[key_b], key_a, key_b, word_a, their_words[key_b]))
    pairs: list[tuple[str, str]] = []
    used_a: set[str] = set()
    used_b: set[str] = set()
    for _, _, key_a, key_b, word_a, word_b in sorted(candidates):
        if key_a not in used_a and key_b not in used_b:
            pairs.append((word_a, word_b))
            used_a.add(key_a)
            used_b.add(key_b)
            if len(pairs) == _MAX_WORD_PAIRS:
                break
    return tuple(pairs)


# --- explanation --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _default_vocabularies() -> tuple[Vocabulary, Vocabulary]:
    return load_board_topics(), load_taxonomy().target_groups


def _sorted_factors(factors: Iterable[Factor]) -> list[Factor]:
    order = {code: i for i, code in enumerate(FACTOR_CODES)}
    return sorted(factors, key=lambda f: order.get(f.code, len(order)))


def _isolate(text: str, lang: str) -> str:
    """Wrap user text in Unicode first-strong isolates inside right-to-left sentences."""
    return f"\u2068{text}\u2069" if lang == "ar" else text


def _message(key: str, lang: str, count: int = 1) -> str:
    return MESSAGES[f"{key}.many"][lang] if count > 1 and f"{key}.many" in MESSAGES else MESSAGES[key][lang]


def _reason(
    factor: Factor, lang: str, topics: Vocabulary, groups: Vocabulary, district_names: Mapping[str, str]
) -> str | None:
    """One reason in ``lang``, or None when the factor names nothing a person can check."""
    p = factor.params
    if factor.code == "same_topic":
        return MESSAGES["same_topic"][lang].format(topic=topics.label(p["topic"], lang))
    if factor.code == "shared_languages" and p.get("languages"):
        names = [language_name(code, lang) for code in p["languages"]]
        return _message("shared_languages", lang, len(names)).format(languages=format_list(names, locale=lang))
    if factor.code == "shared_target_groups" and p.get("target_groups"):
        names = [groups.label(g, lang) for g in p["target_groups"]]
        return _message("shared_target_groups", lang, len(names)).format(groups=format_list(names, locale=lang))
    if factor.code == "distance":
        metres = float(p["metres"])
        if metres < 1000:
            rounded = format_decimal(round(metres, -1), format="#,##0", locale=lang)
            return MESSAGES["distance.m"][lang].format(distance=rounded)
        return MESSAGES["distance.km"][lang].format(
            distance=format_decimal(metres / 1000, format="#,##0.0", locale=lang)
        )
    if factor.code == "same_district" and p.get("district"):
        name = district_names.get(p["district"], p["district"])
        return MESSAGES["same_district"][lang].format(district=_isolate(name, lang))
    if factor.code == "similar_words" and p.get("words"):
        pairs = [a if _word_key(a) == _word_key(b) else f"{a} ≈ {b}" for a, b in p["words"]]
        return MESSAGES["similar_words"][lang].format(
            words=MESSAGES["separator"][lang].join(_isolate(w, lang) for w in pairs)
        )
    if factor.code == "fresh" and factor.value > 0.5:  # updated less than a half-life ago
        return MESSAGES["fresh"][lang]
    return None


def _tuples(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_tuples(v) for v in value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value
