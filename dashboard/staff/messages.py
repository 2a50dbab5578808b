"""The staff pages' own small catalogue (German and English).

Staff pages are server-rendered Jinja templates, not Dash pages, so they keep their texts
here instead of in the public pages' gettext catalogues: ``t("key", **values)`` returns
the text in the request's language (``?lang=de|en``; German for anything else).
Every key has both languages (a test checks it), so no page mixes languages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType

logger = logging.getLogger(__name__)

STAFF_LANGUAGES: tuple[str, ...] = ("de", "en")
STAFF_DEFAULT_LANG = "de"

_TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "brand": ("Stadtkarte Integration – Verwaltung", "Stadtkarte Integration – staff"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "nav_label": ("Verwaltung", "Staff area"),
    "nav_queue": ("Prüfliste", "Moderation queue"),
    "nav_entries": ("Einträge", "Entries"),
    "nav_audit": ("Protokoll", "Audit log"),
    "nav_board": ("Netzwerk-Börse", "Network exchange"),
    "nav_users": ("Konten", "Accounts"),
    "nav_map": ("Öffentliche Karte", "Public map"),
    "logout": ("Abmelden", "Log out"),
    "signed_in_as": ("Angemeldet als {email} ({role})", "Signed in as {email} ({role})"),
    "lang_label": ("Sprache", "Language"),
    "role_moderator": ("Redaktion", "moderator"),
    "role_admin": ("Administration", "admin"),
    "error_summary_title": ("Bitte korrigieren Sie:", "Please correct:"),
    "error_prefix": ("Fehler:", "Error:"),
    "none": ("—", "—"),
    "previous": ("Vorherige Seite", "Previous page"),
    "next": ("Nächste Seite", "Next page"),
    "paging_label": ("Seiten", "Pages"),
    "page_of": ("Einträge {first}–{last}", "Items {first}–{last}"),
    "search": ("Suche", "Search"),
    "apply_filter": ("Anzeigen", "Show"),
    "all": ("Alle", "All"),
    "empty_list": ("Keine Einträge.", "Nothing here."),
    # login
    "login_title": ("Anmeldung", "Sign in"),
    "email": ("E-Mail-Adresse", "E-mail address"),
    "password": ("Passwort", "Password"),
    "login_button": ("Anmelden", "Sign in"),
    "login_failed": (
        "E-Mail-Adresse oder Passwort ist falsch. Nach mehreren Fehlversuchen ist die Anmeldung einige Minuten gesperrt.",
        "E-mail address or password is wrong. After several failed attempts, signing in is locked for a few minutes.",
    ),
    "login_required": ("Bitte melden Sie sich an.", "Please sign in."),
    "logged_out": ("Sie sind abgemeldet.", "You are signed out."),
    "too_many_title": ("Zu viele Versuche", "Too many attempts"),
    "too_many": (
        "Zu viele Anmeldeversuche in kurzer Zeit. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.",
        "Too many sign-in attempts in a short time. Please wait a minute and try again.",
    ),
    # errors
    "csrf_title": ("Formular abgelaufen", "Form expired"),
    "csrf": (
        "Das Formular war abgelaufen oder unvollständig (Sicherheitsmerkmal fehlt). Bitte laden Sie die Seite neu und senden Sie es erneut.",
        "The form had expired or was incomplete (security token missing). Please reload the page and send it again.",
    ),
    "forbidden_title": ("Keine Berechtigung", "Not allowed"),
    "forbidden": ("Diese Seite ist der Administration vorbehalten.", "This page is for admins only."),
    "not_found_title": ("Nicht gefunden", "Not found"),
    "not_found": (
        "Diesen Eintrag oder diese Änderung gibt es nicht (mehr).",
        "This entry or change does not exist (any more).",
    ),
    "unauthorized": ("Anmeldung erforderlich.", "Sign-in required."),
    "register_error": ("Das ging nicht: {message}", "That did not work: {message}"),
    "back_to_queue": ("Zur Prüfliste", "Back to the queue"),
    # queue
    "queue_title": ("Prüfliste", "Moderation queue"),
    "queue_counts": ("Offene Vorgänge nach Art", "Open items by kind"),
    "kind": ("Art", "Kind"),
    "kind_new": ("Neu", "New"),
    "kind_change": ("Änderung", "Change"),
    "kind_archive": ("Archivierung", "Archiving"),
    "kind_report": ("Meldung", "Report"),
    "queue_caption": ("Offene Vorgänge", "Open items"),
    "col_entry": ("Eintrag", "Entry"),
    "col_when": ("Eingegangen", "Received"),
    "col_by": ("Von", "By"),
    "col_source": ("Quelle", "Source"),
    "col_problems": ("Hinweise", "Problems"),
    "open_change": ("Vorgang {id} ansehen", "View item {id}"),
    # change
    "change_title": ("Vorgang {id}: {kind}", "Item {id}: {kind}"),
    "change_meta": ("Angaben zum Vorgang", "About this item"),
    "state": ("Status", "State"),
    "base_version": ("Bezogen auf Version", "Based on version"),
    "problems_title": ("Hinweise der Prüfung", "Problems found by the check"),
    "diff_title": ("Änderungen Feld für Feld", "Changes field by field"),
    "diff_caption": ("Veröffentlicht und vorgeschlagen", "Published and proposed"),
    "col_field": ("Feld", "Field"),
    "col_before": ("Veröffentlicht", "Published"),
    "col_after": ("Vorgeschlagen", "Proposed"),
    "changed": ("geändert", "changed"),
    "no_diff": ("Keine Unterschiede.", "No differences."),
    "approve": ("Freigeben und veröffentlichen", "Approve and publish"),
    "reject": ("Ablehnen", "Reject"),
    "reason": ("Begründung", "Reason"),
    "reason_hint": ("Pflichtfeld; wird im Protokoll gespeichert.", "Required; kept in the audit log."),
    "reason_required": ("Bitte geben Sie eine Begründung für die Ablehnung an.", "Please give a reason for rejecting."),
    "approved": ("Freigegeben; veröffentlicht als Version {version}.", "Approved; published as version {version}."),
    "publish_failed": (
        "Gespeichert, aber die Veröffentlichung schlug fehl ({message}); die bisherige Karte bleibt online. Bitte „Jetzt veröffentlichen“ wählen.",
        "Saved, but publishing failed ({message}); the previous map stays online. Please choose “Publish now”.",
    ),
    "publish_now": ("Jetzt veröffentlichen", "Publish now"),
    "publish_hint": (
        "Schreibt alle freigegebenen Einträge neu auf die öffentliche Karte (geschieht nach jeder Freigabe von selbst).",
        "Writes all published entries to the public map again (happens by itself after every approval).",
    ),
    "published_now": ("Veröffentlicht als Version {version}.", "Published as version {version}."),
    "rejected": ("Abgelehnt.", "Rejected."),
    "not_pending": ("Dieser Vorgang ist bereits erledigt ({state}).", "This item is already done ({state})."),
    "edit_entry": ("Eintrag bearbeiten", "Edit entry"),
    "cstate_pending": ("offen", "open"),
    "cstate_approved": ("freigegeben", "approved"),
    "cstate_rejected": ("abgelehnt", "rejected"),
    # audit actions
    "action_propose": ("eingereicht", "proposed"),
    "action_approve": ("freigegeben", "approved"),
    "action_reject": ("abgelehnt", "rejected"),
    "action_edit": ("bearbeitet", "edited"),
    "action_archive": ("archiviert", "archived"),
    "action_restore": ("wiederhergestellt", "restored"),
    "action_publish": ("veröffentlicht", "published"),
    "action_adopt": ("übernommen", "adopted"),
    "action_import-new": ("importiert (neu)", "imported (new)"),
    "action_import-change": ("importiert (geändert)", "imported (changed)"),
    "action_user-add": ("Konto angelegt", "account added"),
    "action_user-disable": ("Konto gesperrt", "account disabled"),
    "action_user-password": ("Passwort geändert", "password changed"),
    # entries
    "entries_title": ("Einträge", "Entries"),
    "state_filter": ("Status", "State"),
    "state_draft": ("Entwurf", "draft"),
    "state_pending": ("In Prüfung", "pending"),
    "state_published": ("Veröffentlicht", "published"),
    "state_rejected": ("Abgelehnt", "rejected"),
    "state_archived": ("Archiviert", "archived"),
    "col_name": ("Name", "Name"),
    "col_version": ("Version", "Version"),
    "col_updated": ("Zuletzt geändert", "Last changed"),
    # entry
    "entry_title": ("Eintrag {id}", "Entry {id}"),
    "entry_meta": (
        "Status {state}, Version {version}, zuletzt geändert {when} von {who}",
        "State {state}, version {version}, last changed {when} by {who}",
    ),
    "save": ("Speichern", "Save"),
    "saved": ("Gespeichert (Version {version}).", "Saved (version {version})."),
    "saved_published": (
        "Gespeichert (Version {version}) und veröffentlicht.",
        "Saved (version {version}) and published.",
    ),
    "edit_hint": (
        "Listen (Sprachen, Zielgruppen, Unterkategorien) durch Komma trennen. Koordinaten leer lassen, um sie aus der Adresse zu ermitteln.",
        "Separate lists (languages, target groups, subcategories) with commas. Leave the coordinates empty to locate the address.",
    ),
    "archive": ("Archivieren", "Archive"),
    "archive_reason": ("Grund (optional)", "Reason (optional)"),
    "archived": ("Archiviert; nicht mehr auf der Karte.", "Archived; no longer on the map."),
    "restore": ("Wiederherstellen", "Restore"),
    "restored": ("Wiederhergestellt.", "Restored."),
    "entry_audit": ("Protokoll dieses Eintrags", "Audit log of this entry"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "unknown": ("unbekannt", "unknown"),
    "choose": ("– bitte wählen –", "– please choose –"),
    # conflict
    "conflict_title": ("Bearbeitungskonflikt", "Edit conflict"),
    "conflict_text": (
        "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet haben (jetzt Version {version}). Ihre Änderungen wurden NICHT gespeichert und nichts wurde überschrieben. Vergleichen Sie beide Fassungen; Sie können Ihre Fassung unten prüfen und auf der aktuellen Version speichern.",
        "Someone else saved this entry while you were editing it (now version {version}). Your changes were NOT saved and nothing was overwritten. Compare both versions; you can review your version below and save it on top of the current one.",
    ),
    "conflict_caption": ("Gespeicherte Fassung und Ihre Fassung", "Saved version and your version"),
    "col_current": ("Gespeichert (Version {version}, {who})", "Saved (version {version}, {who})"),
    "col_yours": ("Ihre Fassung", "Your version"),
    "differs": ("unterschiedlich", "differs"),
    "conflict_form": ("Ihre Fassung erneut prüfen und speichern", "Review and save your version"),
    # audit
    "audit_title": ("Protokoll", "Audit log"),
    "audit_caption": ("Protokollierte Aktionen, neueste zuerst", "Recorded actions, newest first"),
    "filter_entry": ("Eintrag (ID)", "Entry (id)"),
    "filter_actor": ("Person (E-Mail)", "Person (e-mail)"),
    "col_action": ("Aktion", "Action"),
    "col_fields": ("Felder: vorher → nachher", "Fields: before → after"),
    # freshness reminders
    "nav_reminders": ("Erinnerungen", "Reminders"),
    "reminders_title": ("Erinnerungen an die Einträge", "Reminders to the entries"),
    "reminders_intro": (
        "Was „stadtkarte remind“ verschickt hat, was unzustellbar war und was ohne Antwort blieb. Ohne Antwort innerhalb von {days} Tagen gilt ein Eintrag als nicht bestätigt und wird auf der Karte blass gezeigt.",
        "What “stadtkarte remind” sent, what bounced and what got no answer. Without an answer within {days} days an entry counts as unconfirmed and is shown faded on the map.",
    ),
    "reminders_counts": ("Erinnerungen nach Stand", "Reminders by state"),
    "reminders_caption": ("Erinnerungen, neueste zuerst", "Reminders, newest first"),
    "rstate_queued": ("nicht sicher gesendet", "not known to be sent"),
    "rstate_sent": ("gesendet, wartet auf Antwort", "sent, awaiting an answer"),
    "rstate_bounced": ("unzustellbar", "bounced"),
    "rstate_failed": ("nicht gesendet", "not sent"),
    "rstate_answered": ("beantwortet", "answered"),
    "rstate_expired": ("ohne Antwort (abgelaufen)", "no answer (expired)"),
    "col_verified": ("Zuletzt bestätigt", "Last confirmed"),
    "col_sent": ("Gesendet", "Sent"),
    "col_recipient": ("An", "To"),
    "col_note": ("Hinweis", "Note"),
    "col_actions": ("Aktionen", "Actions"),
    "not_sent": ("nicht gesendet (erfasst {when})", "not sent (recorded {when})"),
    "bounced_at": ("unzustellbar seit {when}", "bounced {when}"),
    "answered_at": ("beantwortet {when}", "answered {when}"),
    "unconfirmed_since": ("Eintrag nicht bestätigt seit {date}", "entry unconfirmed since {date}"),
    "mark_bounced": ("Als unzustellbar markieren", "Mark as bounced"),
    "bounce_note": ("Hinweis zur Unzustellbarkeit für {name}", "Note on the bounce for {name}"),
    "bounce_placeholder": ("z. B. Antwort des Mailservers", "e.g. the mail server's reply"),
    "bounce_recorded": (
        "Erinnerung an „{name}“ als unzustellbar erfasst.",
        "Reminder to “{name}” recorded as bounced.",
    ),
    "bounce_refused": (
        "Nur eine gesendete Erinnerung kann unzustellbar sein.",
        "Only a sent reminder can bounce.",
    ),
    "confirm_entry": ("Noch aktuell", "Still valid"),
    "confirm_entry_for": ("„{name}“ als noch aktuell bestätigen", "Confirm “{name}” as still valid"),
    "confirmed": ("„{name}“ als aktuell bestätigt.", "“{name}” confirmed as current."),
    "confirmed_published": (
        "„{name}“ als aktuell bestätigt; veröffentlicht als Version {version}.",
        "“{name}” confirmed as current; published as version {version}.",
    ),
    "action_confirm": ("als aktuell bestätigt", "confirmed as current"),
    "action_unconfirmed": ("nicht bestätigt (ohne Antwort)", "unconfirmed (no answer)"),
    "action_reminder-bounced": ("Erinnerung unzustellbar", "reminder bounced"),
    # users
    "users_title": ("Konten", "Accounts"),
    "users_caption": ("Konten der Mitarbeitenden", "Staff accounts"),
    "col_email": ("E-Mail", "E-mail"),
    "col_role": ("Rolle", "Role"),
    "col_active": ("Aktiv", "Active"),
    "col_created": ("Angelegt", "Created"),
    "role": ("Rolle", "Role"),
    "add_user": ("Konto anlegen", "Add account"),
    "password_hint": (
        "Mindestens {n} Zeichen; der Person auf sicherem Weg mitteilen.",
        "At least {n} characters; tell the person securely.",
    ),
    "disable": ("Sperren", "Disable"),
    "disable_user": ("{email} sperren", "Disable {email}"),
    "user_added": ("Konto {email} angelegt.", "Account {email} added."),
    "user_disabled": ("Konto {email} gesperrt.", "Account {email} disabled."),
    "email_invalid": (
        "Bitte geben Sie eine E-Mail-Adresse wie name@stadt.de ein.",
        "Enter an e-mail address like name@city.org.",
    ),
    "password_short": (
        "Das Passwort muss mindestens {n} Zeichen haben.",
        "The password must have at least {n} characters.",
    ),
    "role_invalid": ("Bitte wählen Sie eine Rolle.", "Please choose a role."),
    "cannot_disable_self": ("Sie können Ihr eigenes Konto nicht sperren.", "You cannot disable your own account."),
    "user_exists": ("Das Konto gibt es schon: {message}", "That account exists already: {message}"),
    # contract fields
    "field_id": ("ID", "Id"),
    "field_name": ("Name des Angebots", "Name of the offer"),
    "field_organization": ("Träger", "Organisation"),
    "field_category": ("Kategorie", "Category"),
    "field_subcategories": ("Unterkategorien", "Subcategories"),
    "field_languages": ("Sprachen", "Languages"),
    "field_target_groups": ("Zielgruppen", "Target groups"),
    "field_description": ("Beschreibung", "Description"),
    "field_street": ("Straße", "Street"),
    "field_house_number": ("Hausnummer", "House number"),
    "field_postal_code": ("PLZ", "Postcode"),
    "field_city": ("Ort", "Town"),
    "field_district": ("Stadtteil", "District"),
    "field_district_id": ("Stadtteil-ID", "District id"),
    "field_district_name": ("Stadtteil", "District"),
    "field_outside_districts": ("Außerhalb der Stadtteile", "Outside the districts"),
    "field_geocode_source": ("Herkunft der Lage", "Location source"),
    "field_geocode_precision": ("Genauigkeit der Lage", "Location precision"),
    "field_phone": ("Telefon", "Phone"),
    "field_email": ("E-Mail", "E-mail"),
    "field_url": ("Webseite", "Website"),
    "field_opening_hours": ("Öffnungszeiten", "Opening hours"),
    "field_accessibility": ("Barrierefrei", "Step-free access"),
    "field_accessibility_details": ("Hinweise Barrierefreiheit", "Accessibility details"),
    "field_last_verified": ("Zuletzt geprüft", "Last verified"),
    "field_source": ("Quelle", "Source"),
    "field_demo": ("Demo-Eintrag", "Demo record"),
    "field_location_visibility": ("Standort anzeigen", "Show location"),
    "field_listed": ("Veröffentlichen", "Publish"),
    "visibility_exact": ("genaue Adresse", "exact address"),
    "visibility_street": (
        "nur Straße (ohne Hausnummer, Punkt auf 250-m-Raster)",
        "street only (no house number, point on a 250 m grid)",
    ),
    "visibility_district": ("nur Stadtteil", "district only"),
    "listed_no": ("nein – nicht veröffentlichen (nur für die Verwaltung)", "no – do not list (staff only)"),
    "field_lat": ("Breitengrad", "Latitude"),
    "field_lon": ("Längengrad", "Longitude"),
    "field_state": ("Status", "State"),
}

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {lang: MappingProxyType({k: v[i] for k, v in _TEXTS.items()}) for i, lang in enumerate(STAFF_LANGUAGES)}
)

Translate = Callable[..., str]


def staff_lang(requested: str | None) -> str:
    """The staff interface language for a ``?lang=`` value (German unless it is a staff language)."""
    lang = (requested or "").strip().lower()
    return lang if lang in STAFF_LANGUAGES else STAFF_DEFAULT_LANG


def staff_text(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``{name}`` fields filled (the key itself when unknown)."""
    messages = MESSAGES.get(lang, MESSAGES[STAFF_DEFAULT_LANG])
    text = messages.get(key)
    if text is None:
        logger.warning("staff text %r missing", key)
        return key
    return text.format(**values) if values else text


def staff_translator(lang: str) -> Translate:
    """``t(key, **values) -> str`` for ``lang``."""

    def t(key: str, **values: object) -> str:
        return staff_text(lang, key, **values)

    return t


def has_text(key: str) -> bool:
    """True when ``key`` is in the catalogue."""
    return key in _TEXTS
