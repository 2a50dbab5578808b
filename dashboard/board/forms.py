"""The board's public forms (posting, contact, closing): fields, limits and checks as pure functions.

Posted text in, checked values and every problem at once out, each problem a sentence in
the user's language (``_`` is the request's translator). The shared form machinery of the
offer form is reused: :class:`dashboard.submit.forms.FormErrors`, ``is_email``,
``merge_errors`` and its language choices. Geocoding an address is I/O and happens in the
view (:func:`registry.board.locate_address`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.submit.forms import FORM_LANGUAGES, FormErrors, is_email, merge_errors
from registry.board import HELPED, KINDS, OUTCOMES, VISIBILITIES, PostValues

__all__ = ["FORM_LANGUAGES", "FormErrors", "merge_errors"]

Translator = Callable[..., str]

#: Fields of the posting form and the most characters each may hold.
POST_LIMITS: Mapping[str, int] = {
    "kind": 8,
    "topic": 64,
    "title": 200,
    "text": 2000,
    "languages_other": 400,
    "district": 64,
    "street": 200,
    "house_number": 20,
    "postal_code": 10,
    "location_visibility": 10,
    "organization": 200,
    "contact_name": 200,
    "contact_email": 320,
    "valid_until": 10,
}
#: Fields of the contact form and their limits.
CONTACT_LIMITS: Mapping[str, int] = {"sender_name": 200, "sender_email": 320, "message": 2000}
MULTILINE = frozenset({"text", "message"})
#: A post is valid for this many days unless the poster says otherwise, and at most for MAX_DAYS.
DEFAULT_DAYS = 182
MAX_DAYS = 366
#: Shortest contact message (characters): "Hallo" alone says nothing.
MIN_MESSAGE = 20


@dataclass(frozen=True)
class Address:
    """The address the poster typed (empty strings when none)."""

    street: str = ""
    house_number: str = ""
    postal_code: str = ""

    def __bool__(self) -> bool:
        return bool(self.street or self.postal_code)

    def text(self) -> str:
        """``"Schillerstraße 3, 71638"`` (empty parts left out)."""
        street = " ".join(x for x in (self.street, self.house_number) if x)
        return ", ".join(x for x in (street, self.postal_code) if x)


def clean(form: Mapping[str, str], name: str) -> str:
    """The posted text of ``name``: trimmed; single-line fields with inner whitespace collapsed."""
    value = str(form.get(name) or "")
    return value.strip() if name in MULTILINE else " ".join(value.split())


def default_valid_until(today: date) -> date:
    """The valid-until date the form suggests (about six months)."""
    return today + timedelta(days=DEFAULT_DAYS)


def parse_form_date(text: str) -> date | None:
    """``2027-03-31`` (a date input) or ``31.03.2027`` (typed); None for anything else."""
    from registry.board import RowError, parse_date

    try:
        return parse_date(text)
    except RowError:
        return None


def _add(errors: dict[str | None, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _too_long(form: Mapping[str, str], limits: Mapping[str, int], _: Translator) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    for name, limit in limits.items():
        if len(str(form.get(name) or "")) > limit:
            _add(errors, name, _("Bitte kürzen Sie den Text auf höchstens {limit} Zeichen.", limit=limit))
    return errors


def read_languages(form: Mapping[str, str], chosen: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Language codes from the check boxes and the free field; the free-field names not recognised."""
    from geodata.languages import resolve_language

    codes = [c for c in chosen if c in FORM_LANGUAGES]
    unknown = []
    for item in clean(form, "languages_other").split(","):
        item = item.strip()
        if not item:
            continue
        code = resolve_language(item)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    return tuple(codes), unknown


def check_post(
    form: Mapping[str, str],
    lists: Mapping[str, list[str]],
    _: Translator,
    *,
    today: date,
    topics: Collection[str],
    groups: Collection[str],
    districts: Collection[str],
    new: bool,
    lang: str = "de",
) -> tuple[PostValues, Address, FormErrors]:
    """Check the posting form; returns the values, the typed address and every problem at once.

    The values are usable only when there are no errors; the address still has to be
    placed (:func:`registry.board.locate_address`) when it is given.
    """
    errors = _too_long(form, POST_LIMITS, _)
    kind = clean(form, "kind")
    if kind not in KINDS:
        _add(errors, "kind", _("Bitte wählen Sie, ob Sie etwas anbieten oder suchen."))
    topic = clean(form, "topic")
    if topic not in topics:
        _add(errors, "topic", _("Bitte wählen Sie ein Thema."))
    title = clean(form, "title")
    if not title:
        _add(errors, "title", _("Bitte geben Sie einen kurzen Titel an, z. B. „Raum für Elterncafé gesucht“."))
    languages, unknown = read_languages(form, lists.get("languages", []))
    if unknown:
        _add(
            errors,
            "languages",
            _(
                "Diese Sprache kennen wir nicht: {names}. Bitte den Namen prüfen, z. B. Tigrinya.",
                names=", ".join(unknown),
            ),
        )
    target_groups = tuple(g for g in lists.get("target_groups", []) if g in groups)
    district = clean(form, "district")
    if district and district not in districts:
        _add(errors, "district", _("Bitte wählen Sie einen Stadtteil aus der Liste."))
    address = Address(clean(form, "street"), clean(form, "house_number"), clean(form, "postal_code"))
    visibility = clean(form, "location_visibility") or "district"
    if visibility not in VISIBILITIES:
        _add(errors, "location_visibility", _("Bitte wählen Sie, wie genau der Ort gezeigt werden darf."))
    elif visibility != "district" and not address:
        _add(
            errors,
            "location_visibility",
            _("Für diese Wahl fehlt die Adresse. Bitte eine Adresse angeben oder „Nur den Stadtteil“ wählen."),
        )
    if not district and not address:
        _add(errors, "district", _("Bitte wählen Sie einen Stadtteil oder geben Sie eine Adresse an."))
    organization = clean(form, "organization")
    if not organization:
        _add(errors, "organization", _("Bitte geben Sie Ihren Verein oder Ihre Einrichtung an."))
    email = clean(form, "contact_email")
    if not is_email(email):
        _add(
            errors,
            "contact_email",
            _("Bitte geben Sie Ihre E-Mail-Adresse an, z. B. name@verein.de – dorthin senden wir den privaten Link."),
        )
    valid_until = _valid_until(clean(form, "valid_until"), today, errors, _)
    if new and form.get("consent") != "yes":
        _add(
            errors,
            "consent",
            _("Bitte stimmen Sie der Veröffentlichung zu – sonst können wir den Beitrag nicht zeigen."),
        )
    values = PostValues(
        kind=kind if kind in KINDS else "need",
        topic=topic,
        title=title,
        text=clean(form, "text"),
        languages=languages,
        target_groups=target_groups,
        district_id=district or None,
        location_visibility=visibility if visibility in VISIBILITIES else "district",
        address=address.text(),
        organization=organization,
        contact=email,
        valid_until=valid_until,
        contact_name=clean(form, "contact_name"),
        contact_name_public=form.get("contact_name_public") == "yes",
        lang=lang,
    )
    return values, address, FormErrors({k: tuple(v) for k, v in errors.items()})


def _valid_until(text: str, today: date, errors: dict[str | None, list[str]], _: Translator) -> date | None:
    if not text:
        return default_valid_until(today)
    when = parse_form_date(text)
    latest = today + timedelta(days=MAX_DAYS)
    if when is None:
        _add(errors, "valid_until", _("Bitte geben Sie ein Datum an, z. B. 31.03.2027."))
    elif when < today:
        _add(errors, "valid_until", _("Dieses Datum liegt in der Vergangenheit. Bitte ein späteres Datum angeben."))
    elif when > latest:
        _add(
            errors,
            "valid_until",
            _(
                "Ein Beitrag gilt höchstens ein Jahr. Bitte ein Datum bis spätestens {date} angeben.",
                date=latest.strftime("%d.%m.%Y"),
            ),
        )
    return when


def form_of(post_values: PostValues) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The posting form prefilled from a stored post (for "Beitrag ändern")."""
    form = {
        "kind": post_values.kind,
        "topic": post_values.topic,
        "title": post_values.title,
        "text": post_values.text,
        "district": post_values.district_id or "",
        "location_visibility": post_values.location_visibility,
        "organization": post_values.organization,
        "contact_name": post_values.contact_name,
        "contact_name_public": "yes" if post_values.contact_name_public else "",
        "contact_email": post_values.contact,
        "valid_until": post_values.valid_until.isoformat() if post_values.valid_until else "",
        "languages_other": ", ".join(c for c in post_values.languages if c not in FORM_LANGUAGES),
    }
    street, _sep, postal = post_values.address.rpartition(", ")
    if not street:
        street, postal = postal, ""
    parts = street.rsplit(" ", 1)
    house = parts[1] if len(parts) == 2 and any(ch.isdigit() for ch in parts[1]) else ""
    form.update(street=parts[0] if house else street, house_number=house, postal_code=postal)
    lists = {
        "languages": [c for c in post_values.languages if c in FORM_LANGUAGES],
        "target_groups": list(post_values.target_groups),
    }
    return form, lists


@dataclass(frozen=True)
class ContactMessage:
    """A checked "Kontakt aufnehmen" message."""

    sender_name: str
    sender_email: str
    message: str


def check_contact(form: Mapping[str, str], _: Translator) -> tuple[ContactMessage, FormErrors]:
    """Check the contact form (every problem at once)."""
    errors = _too_long(form, CONTACT_LIMITS, _)
    name, email, message = clean(form, "sender_name"), clean(form, "sender_email"), clean(form, "message")
    if not name:
        _add(errors, "sender_name", _("Bitte geben Sie Ihren Namen an."))
    if not is_email(email):
        _add(
            errors,
            "sender_email",
            _("Bitte geben Sie Ihre E-Mail-Adresse an, z. B. name@verein.de – dorthin kommt die Antwort."),
        )
    if len(message) < MIN_MESSAGE:
        _add(errors, "message", _("Bitte schreiben Sie eine Nachricht mit mindestens {n} Zeichen.", n=MIN_MESSAGE))
    if form.get("consent") != "yes":
        _add(
            errors, "consent", _("Bitte stimmen Sie zu, dass wir Ihre Nachricht mit Ihrer E-Mail-Adresse weitergeben.")
        )
    return ContactMessage(name, email, message), FormErrors({k: tuple(v) for k, v in errors.items()})


def check_close(
    form: Mapping[str, str], match_ids: Collection[int], _: Translator
) -> tuple[tuple[str, str, int | None], FormErrors]:
    """Check the closing form: ``(outcome, helped, helped post id)`` and problems.

    ``helped`` is posted as a match's post id, ``other`` or ``none``; a match id must be
    one of the post's current matches (``match_ids``).
    """
    errors: dict[str | None, list[str]] = {}
    outcome = clean(form, "outcome")
    if outcome not in OUTCOMES:
        _add(errors, "outcome", _("Bitte wählen Sie, wie es ausgegangen ist."))
    helped_text = clean(form, "helped") or "none"
    helped, helped_id = helped_text, None
    if helped_text.isdigit() and int(helped_text) in match_ids:
        helped, helped_id = "match", int(helped_text)
    elif helped_text not in HELPED or helped_text == "match":
        _add(errors, "helped", _("Bitte wählen Sie einen Beitrag aus der Liste."))
        helped = "none"
    return (outcome, helped, helped_id), FormErrors({k: tuple(v) for k, v in errors.items()})
