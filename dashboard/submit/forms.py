"""The public form's fields, limits and checks: pure functions from posted text to values and errors.

The contract fields go to the ETL's per-record check afterwards (the same rules as a
build); what is checked here is only what the check cannot know: size limits, the
submitter's private e-mail, the agreement to publication, the honeypot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from geodata.languages import COMMON_LANGUAGES

#: Contract fields of the form and the most characters each may hold.
FIELD_LIMITS: Mapping[str, int] = {
    "name": 200,
    "organization": 200,
    "category": 64,
    "languages": 400,
    "target_groups": 400,
    "street": 200,
    "house_number": 20,
    "postal_code": 10,
    "district": 100,
    "phone": 60,
    "email": 200,
    "url": 300,
    "opening_hours": 1000,
    "accessibility": 10,
    "accessibility_details": 500,
    "description": 2000,
    "location_visibility": 10,  # privacy levels (geodata.privacy): exact / street / district
    "listed": 5,  # "nein": do not list (kept for staff only)
}
SUBMITTER_LIMIT = 320
REPORT_TEXT_LIMIT = 1000
#: The whole request body (bytes): larger requests get 413 before any field is read.
#: Every field at its limit in Arabic, percent-encoded (6 bytes a character), stays below it.
MAX_REQUEST_BYTES = 64 * 1024
#: Hidden field a person never fills in; bots that fill every field do.
HONEYPOT = "homepage"
#: Languages offered as check boxes (more can be typed into ``languages_other``).
FORM_LANGUAGES: tuple[str, ...] = COMMON_LANGUAGES[:14]
MULTILINE: frozenset[str] = frozenset({"description", "opening_hours", "accessibility_details"})
#: accessibility: the form's value -> the text the per-record check reads.
ACCESSIBILITY_VALUES: Mapping[str, str] = {"": "", "yes": "ja", "no": "nein"}

#: The form's fields in the order the page shows them (the error summary follows it).
PAGE_ORDER: tuple[str, ...] = (
    "name",
    "organization",
    "category",
    "languages",
    "languages_other",
    "target_groups",
    "description",
    "street",
    "house_number",
    "postal_code",
    "district",
    "location_visibility",
    "listed",
    "phone",
    "email",
    "url",
    "opening_hours",
    "accessibility",
    "accessibility_details",
    "submitter_email",
    "consent",
)

Translator = Callable[..., str]


@dataclass(frozen=True)
class FormErrors:
    """Errors per form field (``None`` key: the whole form), each a sentence in the user's language."""

    by_field: Mapping[str | None, tuple[str, ...]]

    def __bool__(self) -> bool:
        return any(self.by_field.values())


def _text(form: Mapping[str, str], name: str) -> str:
    value = str(form.get(name) or "")
    return value.strip() if name in MULTILINE else " ".join(value.split())


def read_offer(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> dict[str, str]:
    """The contract fields as the per-record check reads them (lists joined by ", ").

    ``lists`` holds the check boxes (``languages``, ``target_groups``) as posted.
    """
    values = {name: _text(form, name) for name in FIELD_LIMITS}
    languages = [c for c in lists.get("languages", []) if c]
    other = _text(form, "languages_other")
    values["languages"] = ", ".join([*languages, *([other] if other else [])])
    values["target_groups"] = ", ".join(c for c in lists.get("target_groups", []) if c)
    values["accessibility"] = ACCESSIBILITY_VALUES.get(values["accessibility"], "")
    return values


def too_long(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> list[str]:
    """Fields over their size limit (as posted, before the check)."""
    out = [name for name, limit in FIELD_LIMITS.items() if len(str(form.get(name) or "")) > limit]
    if len(str(form.get("languages_other") or "")) > FIELD_LIMITS["languages"]:
        out.append("languages")
    for name in ("languages", "target_groups"):
        if sum(len(v) + 2 for v in lists.get(name, [])) > FIELD_LIMITS[name] and name not in out:
            out.append(name)
    return out


def is_email(text: str) -> bool:
    """A plausible e-mail address: one ``@``, a dot in the domain, no spaces, at most 320 characters."""
    local, at, domain = text.partition("@")
    return (
        bool(local and at and "." in domain.strip(".") and " " not in text and "@" not in domain) and len(text) <= 320
    )


def form_errors(form: Mapping[str, str], lists: Mapping[str, list[str]], _: Translator, *, new: bool) -> FormErrors:
    """What the form itself refuses (sizes; for a new entry the private e-mail and the agreement)."""
    errors: dict[str | None, list[str]] = {}
    for name in too_long(form, lists):
        limit = FIELD_LIMITS[name]
        errors.setdefault(name, []).append(_("Bitte kürzen Sie den Text auf höchstens {limit} Zeichen.", limit=limit))
    if new:
        submitter = str(form.get("submitter_email") or "").strip()
        if len(submitter) > SUBMITTER_LIMIT or not is_email(submitter):
            errors.setdefault("submitter_email", []).append(
                _(
                    "Bitte geben Sie Ihre E-Mail-Adresse an, z. B. name@verein.de – dorthin senden wir den privaten Link."
                )
            )
        if form.get("consent") != "yes":
            errors.setdefault("consent", []).append(
                _("Bitte stimmen Sie der Veröffentlichung zu – sonst können wir den Eintrag nicht zeigen.")
            )
    return FormErrors({k: tuple(v) for k, v in errors.items()})


def merge_errors(*parts: Mapping[str | None, tuple[str, ...]]) -> FormErrors:
    """Errors of several sources in one :class:`FormErrors`, in the form's page order, no repeats.

    Whole-form errors (key ``None``) come first, then the fields as :data:`PAGE_ORDER`
    lists them (unknown names last, in the order given), so the summary at the top
    reads like the page.
    """
    merged: dict[str | None, list[str]] = {}
    for part in parts:
        for name, messages in part.items():
            bucket = merged.setdefault(name, [])
            bucket.extend(m for m in messages if m not in bucket)
    rank = {name: i for i, name in enumerate((None, *PAGE_ORDER))}
    names = sorted(merged, key=lambda n: rank.get(n, len(rank)))
    return FormErrors({k: tuple(merged[k]) for k in names if merged[k]})


def form_field(contract_field: str | None) -> str | None:
    """The form field where a problem of ``contract_field`` is shown (coordinates -> the address)."""
    if contract_field in ("lat", "lon", "geocode_precision", "district_id", "house_number", "city"):
        return "street"
    return contract_field if contract_field in FIELD_LIMITS else None


def prefill(values: Mapping[str, str | None]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Form text and check boxes from an entry's form values (:meth:`registry.Register.form_values`)."""
    form = {name: str(values.get(name) or "") for name in FIELD_LIMITS}
    reverse = {v: k for k, v in ACCESSIBILITY_VALUES.items()}
    form["accessibility"] = reverse.get(form["accessibility"], "")
    codes = [c.strip() for c in form["languages"].split(",") if c.strip()]
    form["languages_other"] = ", ".join(c for c in codes if c not in FORM_LANGUAGES)
    lists = {
        "languages": [c for c in codes if c in FORM_LANGUAGES],
        "target_groups": [c.strip() for c in form["target_groups"].split(",") if c.strip()],
    }
    return form, lists
