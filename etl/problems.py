"""Problems as codes: what validation and geocoding found, rendered where it is shown.

A :class:`Problem` is a stable snake_case ``code``, the contract ``field`` it concerns,
``params`` (the values the message names) and a ``severity`` (``"error"``: the record is
rejected; ``"warning"``: it was fixed or a value dropped). :func:`render` turns it into a
sentence in one of :data:`LANGUAGES` from the one catalogue below; German is the clerk's
language and the default (``rejects.csv``, the command line), the other languages serve
the public forms.

Params are plain text, or a nested problem / a tuple of problems (rendered in the same
language and joined), so that e.g. "address not found: street unknown; postcode unknown"
translates as a whole. A few params name a term of the catalogue instead of free text
(``precision``: ``street``/``postcode``/``district``/``city``).

The catalogue is a Python table rather than gettext ``.po`` files: the messages belong
to the ETL's code (a new code and its five sentences land in one reviewed change, and a
test checks that every code has every language with the same placeholders), the ETL
needs no compile step or Babel at run time, and a build renders tens of thousands of
messages without a lookup layer. See docs/DESIGN.md.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from typing import Any

#: Languages every message exists in (German first: the default).
LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk")
DEFAULT_LANGUAGE = "de"
SEVERITIES: tuple[str, ...] = ("error", "warning")

#: Params whose value is the key of a term in the catalogue (``<param>.<value>``), not free text.
_TERM_PARAMS = frozenset({"precision"})
#: Codes with an optional ``suggestion``: without one, the ``<code>.plain`` sentence is used.
_OPTIONAL_SUGGESTION = frozenset({"unknown_category", "unknown_subcategory", "unknown_target_group"})
#: How a tuple of problems in a param is joined (catalogue key), per code and param; default ``join.list``.
_JOINS: Mapping[tuple[str, str], str] = {("parts_unknown", "parts"): "join.nor"}


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem of one record.

    Parameters
    ----------
    code
        Stable snake_case code, a key of :data:`CATALOGUE` (see :data:`CODES`).
    field
        The contract field it concerns (``"category"``, ``"lat"`` ...), or None for the whole record.
    params
        Values the message names: text, a nested :class:`Problem` or a tuple of them. Not to be mutated.
    severity
        ``"error"`` (the record cannot be published) or ``"warning"`` (fixed or a value dropped).
    """

    code: str
    field: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    severity: str = "warning"

    @property
    def is_error(self) -> bool:
        """True for an error (the record is rejected)."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (nested problems as dicts); inverse of :func:`problem_from_dict`."""
        return {
            "code": self.code,
            "field": self.field,
            "params": {k: _param_to_json(v) for k, v in self.params.items()},
            "severity": self.severity,
        }


def _param_to_json(value: Any) -> Any:
    if isinstance(value, Problem):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_param_to_json(v) for v in value]
    return value


def _param_from_json(value: Any) -> Any:
    if isinstance(value, dict) and "code" in value:
        return problem_from_dict(value)
    if isinstance(value, list):
        return tuple(_param_from_json(v) for v in value)
    return value


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """A :class:`Problem` from :meth:`Problem.to_dict`'s form (e.g. read back from a cache)."""
    params = data.get("params") or {}
    return Problem(
        code=str(data["code"]),
        field=data.get("field"),
        params={str(k): _param_from_json(v) for k, v in params.items()},
        severity=str(data.get("severity", "warning")),
    )


def error(code: str, field: str | None = None, **params: Any) -> Problem:
    """An error-severity :class:`Problem`."""
    return Problem(code, field, params, "error")


def warning(code: str, field: str | None = None, **params: Any) -> Problem:
    """A warning-severity :class:`Problem`."""
    return Problem(code, field, params, "warning")


# --------------------------------------------------------------------------------------------
# The catalogue: key -> (de, en, tr, ar, uk). German exactly as clerks have always seen it.
# --------------------------------------------------------------------------------------------

_ENTRIES: dict[str, tuple[str, str, str, str, str]] = {
    # --- validation: errors
    "name_missing": (
        "Name fehlt – bitte Spalte 'Name' ausfüllen",
        "Name is missing – please fill in the 'Name' column",
        "Ad eksik – lütfen 'Name' sütununu doldurun",
        "الاسم غير موجود – يُرجى ملء عمود 'Name'",
        "Назва відсутня – будь ласка, заповніть стовпець 'Name'",
    ),
    "category_missing": (
        "Kategorie fehlt – bitte Spalte 'Kategorie' ausfüllen (z. B. {examples})",
        "Category is missing – please fill in the 'Kategorie' column (e.g. {examples})",
        "Kategori eksik – lütfen 'Kategorie' sütununu doldurun (örneğin {examples})",
        "الفئة غير موجودة – يُرجى ملء عمود 'Kategorie' (مثلاً {examples})",
        "Категорія відсутня – будь ласка, заповніть стовпець 'Kategorie' (наприклад, {examples})",
    ),
    "unknown_category": (
        "unbekannte Kategorie '{value}' – meinten Sie {suggestion}? Bitte eine Kategorie der Liste verwenden.",
        "unknown category '{value}' – did you mean {suggestion}? Please use a category from the list.",
        "bilinmeyen kategori '{value}' – {suggestion} mı demek istediniz? Lütfen listedeki bir kategoriyi kullanın.",
        "فئة غير معروفة '{value}' – هل المقصود {suggestion}؟ يُرجى استخدام فئة من القائمة.",
        "невідома категорія '{value}' – можливо, ви мали на увазі {suggestion}? Будь ласка, виберіть категорію зі списку.",
    ),
    "unknown_category.plain": (
        "unbekannte Kategorie '{value}' Bitte eine Kategorie der Liste verwenden.",
        "unknown category '{value}' – please use a category from the list.",
        "bilinmeyen kategori '{value}' – lütfen listedeki bir kategoriyi kullanın.",
        "فئة غير معروفة '{value}' – يُرجى استخدام فئة من القائمة.",
        "невідома категорія '{value}' – будь ласка, виберіть категорію зі списку.",
    ),
    "duplicate_id": (
        "ID '{value}' kommt doppelt vor (schon in Zeile {first_row}) – bitte eine eindeutige ID vergeben",
        "ID '{value}' occurs twice (already in row {first_row}) – please give a unique ID",
        "'{value}' kimliği iki kez geçiyor (zaten {first_row}. satırda) – lütfen benzersiz bir kimlik verin",
        "المعرّف '{value}' مكرر (موجود في السطر {first_row}) – يُرجى إعطاء معرّف فريد",
        "ID '{value}' трапляється двічі (вже в рядку {first_row}) – будь ласка, вкажіть унікальний ID",
    ),
    "no_location": (
        "Keine Lage angegeben – bitte Breitengrad/Längengrad oder Adresse (Straße, PLZ) oder Stadtteil ausfüllen",
        "No location given – please fill in latitude/longitude, or an address (street, postcode), or a district",
        "Konum belirtilmemiş – lütfen enlem/boylam ya da adres (sokak, posta kodu) ya da semt girin",
        "لم يُذكر الموقع – يُرجى إدخال خط العرض/خط الطول أو العنوان (الشارع، الرمز البريدي) أو الحي",
        "Розташування не вказано – будь ласка, заповніть широту/довготу, або адресу (вулиця, поштовий індекс), "
        "або район",
    ),
    "coordinate_not_number_no_address": (
        "Koordinate {values} fehlt oder ist keine Zahl (Beispiel: 48,8973 und 9,1920) und keine Adresse angegeben"
        " – bitte Breitengrad/Längengrad prüfen",
        "Coordinate {values} is missing or not a number (example: 48.8973 and 9.1920) and no address is given"
        " – please check latitude/longitude",
        "{values} koordinatı eksik veya sayı değil (örnek: 48,8973 ve 9,1920) ve adres belirtilmemiş"
        " – lütfen enlem/boylamı kontrol edin",
        "الإحداثي {values} غير موجود أو ليس رقماً (مثال: 48.8973 و 9.1920) ولم يُذكر عنوان"
        " – يُرجى التحقق من خط العرض/خط الطول",
        "Координата {values} відсутня або не є числом (приклад: 48,8973 і 9,1920), і адресу не вказано"
        " – будь ласка, перевірте широту/довготу",
    ),
    "coordinates_out_of_range_no_address": (
        "Koordinaten ({lat} / {lon}) außerhalb des gültigen Bereichs (Breite -90..90, Länge -180..180)"
        " und keine Adresse angegeben – bitte Breitengrad/Längengrad prüfen",
        "Coordinates ({lat} / {lon}) outside the valid range (latitude -90..90, longitude -180..180)"
        " and no address is given – please check latitude/longitude",
        "Koordinatlar ({lat} / {lon}) geçerli aralığın dışında (enlem -90..90, boylam -180..180)"
        " ve adres belirtilmemiş – lütfen enlem/boylamı kontrol edin",
        "الإحداثيات ({lat} / {lon}) خارج النطاق الصالح (خط العرض -90..90، خط الطول -180..180)"
        " ولم يُذكر عنوان – يُرجى التحقق من خط العرض/خط الطول",
        "Координати ({lat} / {lon}) поза допустимим діапазоном (широта -90..90, довгота -180..180),"
        " і адресу не вказано – будь ласка, перевірте широту/довготу",
    ),
    "coordinates_outside_city_no_address": (
        "Koordinaten ({lat} / {lon}) liegen außerhalb von {city} und keine Adresse angegeben"
        " – bitte Breitengrad/Längengrad prüfen",
        "Coordinates ({lat} / {lon}) lie outside {city} and no address is given – please check latitude/longitude",
        "Koordinatlar ({lat} / {lon}) {city} dışında ve adres belirtilmemiş – lütfen enlem/boylamı kontrol edin",
        "الإحداثيات ({lat} / {lon}) تقع خارج {city} ولم يُذكر عنوان – يُرجى التحقق من خط العرض/خط الطول",
        "Координати ({lat} / {lon}) розташовані поза межами {city}, і адресу не вказано"
        " – будь ласка, перевірте широту/довготу",
    ),
    # --- validation: warnings
    "coordinate_not_number": (
        "Koordinate {values} fehlt oder ist keine Zahl (Beispiel: 48,8973 und 9,1920)"
        " – Lage wird aus der Adresse bestimmt",
        "Coordinate {values} is missing or not a number (example: 48.8973 and 9.1920)"
        " – the location is taken from the address",
        "{values} koordinatı eksik veya sayı değil (örnek: 48,8973 ve 9,1920) – konum adresten belirlenir",
        "الإحداثي {values} غير موجود أو ليس رقماً (مثال: 48.8973 و 9.1920) – يُحدَّد الموقع من العنوان",
        "Координата {values} відсутня або не є числом (приклад: 48,8973 і 9,1920) – розташування визначається"
        " за адресою",
    ),
    "coordinates_out_of_range": (
        "Koordinaten ({lat} / {lon}) außerhalb des gültigen Bereichs (Breite -90..90, Länge -180..180)"
        " – Lage wird aus der Adresse bestimmt",
        "Coordinates ({lat} / {lon}) outside the valid range (latitude -90..90, longitude -180..180)"
        " – the location is taken from the address",
        "Koordinatlar ({lat} / {lon}) geçerli aralığın dışında (enlem -90..90, boylam -180..180)"
        " – konum adresten belirlenir",
        "الإحداثيات ({lat} / {lon}) خارج النطاق الصالح (خط العرض -90..90، خط الطول -180..180) – يُحدَّد الموقع من العنوان",
        "Координати ({lat} / {lon}) поза допустимим діапазоном (широта -90..90, довгота -180..180)"
        " – розташування визначається за адресою",
    ),
    "coordinates_outside_city": (
        "Koordinaten ({lat} / {lon}) liegen außerhalb von {city} – Lage wird aus der Adresse bestimmt",
        "Coordinates ({lat} / {lon}) lie outside {city} – the location is taken from the address",
        "Koordinatlar ({lat} / {lon}) {city} dışında – konum adresten belirlenir",
        "الإحداثيات ({lat} / {lon}) تقع خارج {city} – يُحدَّد الموقع من العنوان",
        "Координати ({lat} / {lon}) розташовані поза межами {city} – розташування визначається за адресою",
    ),
    "coordinates_swapped": (
        "Breiten- und Längengrad vertauscht ({lat} / {lon}) – getauscht",
        "Latitude and longitude swapped ({lat} / {lon}) – swapped back",
        "Enlem ve boylam yer değiştirmiş ({lat} / {lon}) – düzeltildi",
        "خط العرض وخط الطول مُتبادَلان ({lat} / {lon}) – تم تصحيح الترتيب",
        "Широту й довготу переплутано ({lat} / {lon}) – виправлено",
    ),
    "several_categories": (
        "mehrere Kategorien '{value}' – nur {chosen} übernommen",
        "several categories '{value}' – only {chosen} kept",
        "birden fazla kategori '{value}' – yalnızca {chosen} alındı",
        "عدة فئات '{value}' – تم اعتماد {chosen} فقط",
        "кілька категорій '{value}' – збережено лише {chosen}",
    ),
    "unknown_subcategory": (
        "unbekannte Unterkategorie '{value}' – meinten Sie {suggestion}? – ignoriert",
        "unknown subcategory '{value}' – did you mean {suggestion}? – ignored",
        "bilinmeyen alt kategori '{value}' – {suggestion} mı demek istediniz? – dikkate alınmadı",
        "فئة فرعية غير معروفة '{value}' – هل المقصود {suggestion}؟ – تم تجاهلها",
        "невідома підкатегорія '{value}' – можливо, ви мали на увазі {suggestion}? – пропущено",
    ),
    "unknown_subcategory.plain": (
        "unbekannte Unterkategorie '{value}' – ignoriert",
        "unknown subcategory '{value}' – ignored",
        "bilinmeyen alt kategori '{value}' – dikkate alınmadı",
        "فئة فرعية غير معروفة '{value}' – تم تجاهلها",
        "невідома підкатегорія '{value}' – пропущено",
    ),
    "unknown_target_group": (
        "unbekannte Zielgruppe '{value}' – meinten Sie {suggestion}? – ignoriert",
        "unknown target group '{value}' – did you mean {suggestion}? – ignored",
        "bilinmeyen hedef grup '{value}' – {suggestion} mı demek istediniz? – dikkate alınmadı",
        "فئة مستهدفة غير معروفة '{value}' – هل المقصود {suggestion}؟ – تم تجاهلها",
        "невідома цільова група '{value}' – можливо, ви мали на увазі {suggestion}? – пропущено",
    ),
    "unknown_target_group.plain": (
        "unbekannte Zielgruppe '{value}' – ignoriert",
        "unknown target group '{value}' – ignored",
        "bilinmeyen hedef grup '{value}' – dikkate alınmadı",
        "فئة مستهدفة غير معروفة '{value}' – تم تجاهلها",
        "невідома цільова група '{value}' – пропущено",
    ),
    "unknown_language": (
        "unbekannte Sprache '{value}' – ignoriert (Name oder ISO-Code, z. B. 'Türkisch' oder 'tr')",
        "unknown language '{value}' – ignored (name or ISO code, e.g. 'Türkisch' or 'tr')",
        "bilinmeyen dil '{value}' – dikkate alınmadı (ad veya ISO kodu, örneğin 'Türkisch' veya 'tr')",
        "لغة غير معروفة '{value}' – تم تجاهلها (الاسم أو رمز ISO، مثلاً 'Türkisch' أو 'tr')",
        "невідома мова '{value}' – пропущено (назва або код ISO, наприклад 'Türkisch' або 'tr')",
    ),
    "email_invalid": (
        "E-Mail '{value}' ist ungültig – weggelassen (Beispiel: name@beispiel.de)",
        "E-mail '{value}' is not valid – left out (example: name@beispiel.de)",
        "E-posta '{value}' geçersiz – çıkarıldı (örnek: name@beispiel.de)",
        "البريد الإلكتروني '{value}' غير صالح – تم حذفه (مثال: name@beispiel.de)",
        "Електронна адреса '{value}' недійсна – пропущено (приклад: name@beispiel.de)",
    ),
    "email_several": (
        "mehrere E-Mail-Adressen – nur '{value}' übernommen",
        "several e-mail addresses – only '{value}' kept",
        "birden fazla e-posta adresi – yalnızca '{value}' alındı",
        "عدة عناوين بريد إلكتروني – تم اعتماد '{value}' فقط",
        "кілька електронних адрес – збережено лише '{value}'",
    ),
    "link_not_allowed": (
        "Link '{value}' nicht erlaubt (nur {allowed}) – weggelassen",
        "Link '{value}' not allowed (only {allowed}) – left out",
        "'{value}' bağlantısına izin verilmiyor (yalnızca {allowed}) – çıkarıldı",
        "الرابط '{value}' غير مسموح به (فقط {allowed}) – تم حذفه",
        "Посилання '{value}' не дозволено (лише {allowed}) – пропущено",
    ),
    "link_incomplete": (
        "Link '{value}' ist unvollständig – weggelassen",
        "Link '{value}' is incomplete – left out",
        "'{value}' bağlantısı eksik – çıkarıldı",
        "الرابط '{value}' غير مكتمل – تم حذفه",
        "Посилання '{value}' неповне – пропущено",
    ),
    "website_invalid": (
        "Webseite '{value}' ist keine gültige Adresse – weggelassen",
        "Website '{value}' is not a valid address – left out",
        "'{value}' web sitesi geçerli bir adres değil – çıkarıldı",
        "الموقع الإلكتروني '{value}' ليس عنواناً صالحاً – تم حذفه",
        "Вебсайт '{value}' не є дійсною адресою – пропущено",
    ),
    "website_not_address": (
        "Webseite '{value}' ist keine gültige Adresse – weggelassen (Beispiel: https://www.beispiel.de)",
        "Website '{value}' is not a valid address – left out (example: https://www.beispiel.de)",
        "'{value}' web sitesi geçerli bir adres değil – çıkarıldı (örnek: https://www.beispiel.de)",
        "الموقع الإلكتروني '{value}' ليس عنواناً صالحاً – تم حذفه (مثال: https://www.beispiel.de)",
        "Вебсайт '{value}' не є дійсною адресою – пропущено (приклад: https://www.beispiel.de)",
    ),
    "website_scheme_added": (
        "Webseite '{value}' ohne 'https://' – ergänzt zu '{url}'",
        "Website '{value}' without 'https://' – completed to '{url}'",
        "'{value}' web sitesinde 'https://' yok – '{url}' olarak tamamlandı",
        "الموقع الإلكتروني '{value}' بدون 'https://' – تم إكماله إلى '{url}'",
        "Вебсайт '{value}' без 'https://' – доповнено до '{url}'",
    ),
    "postcode_four_digits": (
        "PLZ '{value}' hat nur 4 Ziffern – führende 0 ergänzt ('{fixed}')",
        "Postcode '{value}' has only 4 digits – leading 0 added ('{fixed}')",
        "Posta kodu '{value}' yalnızca 4 haneli – başına 0 eklendi ('{fixed}')",
        "الرمز البريدي '{value}' من 4 أرقام فقط – أُضيف صفر في البداية ('{fixed}')",
        "Поштовий індекс '{value}' має лише 4 цифри – додано 0 на початку ('{fixed}')",
    ),
    "postcode_invalid": (
        "PLZ '{value}' ist keine fünfstellige Postleitzahl – bitte prüfen",
        "Postcode '{value}' is not a five-digit postcode – please check",
        "Posta kodu '{value}' beş haneli bir posta kodu değil – lütfen kontrol edin",
        "الرمز البريدي '{value}' ليس رمزاً من خمسة أرقام – يُرجى التحقق",
        "Поштовий індекс '{value}' не є п'ятизначним – будь ласка, перевірте",
    ),
    "accessibility_unclear": (
        "Barrierefrei '{value}' nicht verstanden (ja/teilweise/nein) – als unbekannt übernommen",
        "Accessible '{value}' not understood (ja/teilweise/nein) – recorded as unknown",
        "Engelsiz erişim '{value}' anlaşılamadı (ja/teilweise/nein) – bilinmiyor olarak alındı",
        "قيمة إمكانية الوصول '{value}' غير مفهومة (ja/teilweise/nein) – سُجّلت كغير معروفة",
        "Безбар'єрність '{value}' не зрозуміло (ja/teilweise/nein) – записано як невідомо",
    ),
    "date_invalid": (
        "Datum '{value}' ungültig (TT.MM.JJJJ) – weggelassen",
        "Date '{value}' not valid (DD.MM.YYYY) – left out",
        "Tarih '{value}' geçersiz (GG.AA.YYYY) – çıkarıldı",
        "التاريخ '{value}' غير صالح (يوم.شهر.سنة) – تم حذفه",
        "Дата '{value}' недійсна (ДД.ММ.РРРР) – пропущено",
    ),
    "demo_unclear": (
        "Demo '{value}' nicht verstanden (ja/nein) – Vorgabe der Stadt übernommen",
        "Demo '{value}' not understood (ja/nein) – the city's default is used",
        "Demo '{value}' anlaşılamadı (ja/nein) – şehrin varsayılanı kullanıldı",
        "قيمة العرض التجريبي '{value}' غير مفهومة (ja/nein) – تم اعتماد الإعداد الافتراضي للمدينة",
        "Демо '{value}' не зрозуміло (ja/nein) – застосовано типове значення міста",
    ),
    "id_invalid_chars": (
        "ID '{value}' enthält unerlaubte Zeichen – als '{id}' übernommen",
        "ID '{value}' contains characters that are not allowed – recorded as '{id}'",
        "'{value}' kimliği izin verilmeyen karakterler içeriyor – '{id}' olarak alındı",
        "المعرّف '{value}' يحتوي على أحرف غير مسموح بها – سُجّل بصيغة '{id}'",
        "ID '{value}' містить недозволені символи – записано як '{id}'",
    ),
    "id_same_name_address": (
        "gleicher Name und gleiche Adresse wie ein früherer Eintrag – ID '{id}' vergeben",
        "same name and address as an earlier entry – ID '{id}' given",
        "önceki bir kayıtla aynı ad ve adres – '{id}' kimliği verildi",
        "الاسم والعنوان نفسهما كما في إدخال سابق – أُعطي المعرّف '{id}'",
        "та сама назва й адреса, що й у попередньому записі – призначено ID '{id}'",
    ),
    # --- reading the file
    "column_duplicate": (
        "Spalte '{header}' ignoriert: '{used}' wird schon als {target} gelesen",
        "Column '{header}' ignored: '{used}' is already read as {target}",
        "'{header}' sütunu dikkate alınmadı: '{used}' zaten {target} olarak okunuyor",
        "تم تجاهل العمود '{header}': العمود '{used}' يُقرأ بالفعل كـ {target}",
        "Стовпець '{header}' пропущено: '{used}' уже читається як {target}",
    ),
    "cells_without_header": (
        "Zellen ohne Spaltenüberschrift ignoriert: {cells}",
        "Cells without a column heading ignored: {cells}",
        "Sütun başlığı olmayan hücreler dikkate alınmadı: {cells}",
        "تم تجاهل خلايا بلا عنوان عمود: {cells}",
        "Клітинки без заголовка стовпця пропущено: {cells}",
    ),
    # --- reading awkward files (issue 11: mixed encodings, workbooks, limits, district geometry)
    "encoding_windows_line": (
        "Zeile als Windows-1252 gelesen (der Rest der Datei ist UTF-8) – Umlaute prüfen und die Datei"
        " einheitlich als UTF-8 speichern",
        "Line read as Windows-1252 (the rest of the file is UTF-8) – check the umlauts and save the file"
        " as UTF-8 throughout",
        "Satır Windows-1252 olarak okundu (dosyanın geri kalanı UTF-8) – özel karakterleri kontrol edin ve"
        " dosyayı baştan sona UTF-8 olarak kaydedin",
        "قُرئ السطر بترميز Windows-1252 (بقية الملف بترميز UTF-8) – تحقّق من الأحرف الخاصة واحفظ الملف كله بترميز UTF-8",
        "Рядок прочитано як Windows-1252 (решта файлу в UTF-8) – перевірте умлаути й збережіть увесь файл у UTF-8",
    ),
    "cell_too_long": (
        "Zelle „{column}“ ist zu lang ({chars} Zeichen, höchstens {limit}) – Zeile nicht übernommen;"
        " Zelle kürzen oder [input] max_cell_chars in der Stadt-Konfiguration erhöhen",
        "Cell “{column}” is too long ({chars} characters, at most {limit}) – row not taken;"
        " shorten the cell or raise [input] max_cell_chars in the city config",
        "“{column}” hücresi çok uzun ({chars} karakter, en fazla {limit}) – satır alınmadı;"
        " hücreyi kısaltın veya şehir yapılandırmasında [input] max_cell_chars değerini yükseltin",
        "الخلية „{column}“ طويلة جداً ({chars} حرفاً، الحد الأقصى {limit}) – لم يُعتمد الصف؛"
        " اختصر الخلية أو ارفع [input] max_cell_chars في إعدادات المدينة",
        "Клітинка «{column}» задовга ({chars} символів, щонайбільше {limit}) – рядок не взято;"
        " скоротіть клітинку або збільште [input] max_cell_chars у конфігурації міста",
    ),
    "merged_cell_filled": (
        "verbundene Zellen {cells} in Spalte „{column}“: Wert „{value}“ von oben übernommen",
        "merged cells {cells} in column “{column}”: value “{value}” filled down",
        "“{column}” sütununda birleştirilmiş hücreler {cells}: “{value}” değeri aşağıya kopyalandı",
        "خلايا مدمجة {cells} في العمود „{column}“: نُسخت القيمة „{value}“ إلى الأسفل",
        "об'єднані клітинки {cells} у стовпці «{column}»: значення «{value}» перенесено вниз",
    ),
    "sheet_chosen": (
        "Tabellenblatt „{sheet}“ gelesen – davor ohne erkennbare Kopfzeile: {skipped}"
        " (ein anderes Blatt mit --sheet wählen)",
        "Worksheet “{sheet}” read – before it without a recognisable header row: {skipped}"
        " (choose another sheet with --sheet)",
        "“{sheet}” çalışma sayfası okundu – öncesinde tanınabilir başlık satırı olmayanlar: {skipped}"
        " (başka bir sayfa için --sheet kullanın)",
        "قُرئت ورقة العمل „{sheet}“ – الأوراق السابقة بلا صف عناوين معروف: {skipped} (لاختيار ورقة أخرى استخدم --sheet)",
        "Прочитано аркуш «{sheet}» – перед ним без упізнаваного рядка заголовків: {skipped}"
        " (інший аркуш можна вибрати через --sheet)",
    ),
    "rows_above_header": (
        "Kopfzeile in Zeile {row} erkannt; die Zeilen darüber ({rows}) sind keine Angebote und wurden"
        " übergangen: {text}",
        "Header row found in row {row}; the rows above it ({rows}) are not offers and were skipped: {text}",
        "Başlık satırı {row}. satırda bulundu; üstündeki satırlar ({rows}) teklif değil, atlandı: {text}",
        "عُثر على صف العناوين في الصف {row}؛ الصفوف التي فوقه ({rows}) ليست عروضاً وتم تخطيها: {text}",
        "Рядок заголовків знайдено в рядку {row}; рядки над ним ({rows}) не є пропозиціями й пропущені: {text}",
    ),
    "rows_after_gap_ignored": (
        "nach {count} leeren Zeilen ab Zeile {row} nicht weiter gelesen (das Blatt reicht bis Zeile {last})"
        " – stehen danach noch Angebote, [input] max_empty_rows erhöhen",
        "reading stopped after {count} empty rows from row {row} (the sheet extends to row {last})"
        " – if offers follow, raise [input] max_empty_rows",
        "{row}. satırdan itibaren {count} boş satırdan sonra okuma durduruldu (sayfa {last}. satıra kadar"
        " uzanıyor) – ardından teklifler varsa [input] max_empty_rows değerini yükseltin",
        "توقفت القراءة بعد {count} صفاً فارغاً بدءاً من الصف {row} (تمتد الورقة حتى الصف {last})"
        " – إن تلتها عروض فارفع [input] max_empty_rows",
        "читання зупинено після {count} порожніх рядків від рядка {row} (аркуш сягає рядка {last})"
        " – якщо далі є пропозиції, збільште [input] max_empty_rows",
    ),
    "district_simplified": (
        "Umriss von „{district}“ für die Karte vereinfacht: {vertices} → {kept} Punkte (Toleranz {tolerance} m);"
        " die Zuordnung der Angebote nutzt den vollen Umriss",
        "outline of “{district}” simplified for the map: {vertices} → {kept} points (tolerance {tolerance} m);"
        " offers are assigned with the full outline",
        "“{district}” sınırı harita için sadeleştirildi: {vertices} → {kept} nokta (tolerans {tolerance} m);"
        " teklifler tam sınırla eşleştirilir",
        "بُسّط حدّ „{district}“ للخريطة: {vertices} ← {kept} نقطة (التسامح {tolerance} م)؛"
        " تُنسب العروض باستخدام الحدّ الكامل",
        "контур «{district}» спрощено для карти: {vertices} → {kept} точок (допуск {tolerance} м);"
        " пропозиції зіставляються з повним контуром",
    ),
    # --- geocoding and districts
    "address_imprecise": (
        "Adresse nicht genau gefunden – Lage ungefähr ({precision})",
        "Address not found exactly – location approximate ({precision})",
        "Adres tam olarak bulunamadı – konum yaklaşık ({precision})",
        "لم يُعثر على العنوان بدقة – الموقع تقريبي ({precision})",
        "Адресу не знайдено точно – розташування приблизне ({precision})",
    ),
    "precision.street": (
        "nur die Straße",
        "the street only",
        "yalnızca sokak",
        "الشارع فقط",
        "лише вулиця",
    ),
    "precision.postcode": (
        "nur die Postleitzahl (Mitte des PLZ-Gebiets)",
        "the postcode only (centre of the postcode area)",
        "yalnızca posta kodu (posta kodu bölgesinin merkezi)",
        "الرمز البريدي فقط (وسط منطقة الرمز البريدي)",
        "лише поштовий індекс (центр району індексу)",
    ),
    "precision.district": (
        "nur der Stadtteil (Mitte des Stadtteils)",
        "the district only (centre of the district)",
        "yalnızca semt (semtin merkezi)",
        "الحي فقط (وسط الحي)",
        "лише район (центр району)",
    ),
    "precision.city": ("nur die Stadt", "the city only", "yalnızca şehir", "المدينة فقط", "лише місто"),
    "outside_districts": (
        "liegt in keinem Stadtteil – wird ohne Stadtteil angezeigt (Lage oder Stadtteilgrenzen prüfen)",
        "lies in no district – shown without a district (check the location or the district boundaries)",
        "hiçbir semtte değil – semt olmadan gösteriliyor (konumu veya semt sınırlarını kontrol edin)",
        "لا يقع في أي حي – يُعرض بدون حي (يُرجى التحقق من الموقع أو حدود الأحياء)",
        "не належить до жодного району – показано без району (перевірте розташування або межі районів)",
    ),
    "address_missing": (
        "Keine Adresse angegeben – bitte Straße und Hausnummer, PLZ oder Stadtteil eintragen oder Koordinaten angeben",
        "No address given – please enter street and house number, postcode or district, or give coordinates",
        "Adres belirtilmemiş – lütfen sokak ve kapı numarası, posta kodu veya semt girin ya da koordinat verin",
        "لم يُذكر عنوان – يُرجى إدخال الشارع ورقم المبنى أو الرمز البريدي أو الحي، أو إدخال الإحداثيات",
        "Адресу не вказано – будь ласка, введіть вулицю й номер будинку, поштовий індекс або район,"
        " або вкажіть координати",
    ),
    "address_not_found": (
        "Adresse nicht gefunden: {reasons} – bitte Adresse prüfen oder Koordinaten angeben",
        "Address not found: {reasons} – please check the address or give coordinates",
        "Adres bulunamadı: {reasons} – lütfen adresi kontrol edin veya koordinat verin",
        "لم يُعثر على العنوان: {reasons} – يُرجى التحقق من العنوان أو إدخال الإحداثيات",
        "Адресу не знайдено: {reasons} – будь ласка, перевірте адресу або вкажіть координати",
    ),
    "address_not_found_retry": (
        "Adresse nicht gefunden: {reasons} ({failures}) – bitte Adresse prüfen oder Koordinaten angeben"
        " oder später erneut versuchen",
        "Address not found: {reasons} ({failures}) – please check the address or give coordinates, or try again later",
        "Adres bulunamadı: {reasons} ({failures}) – lütfen adresi kontrol edin, koordinat verin"
        " veya daha sonra tekrar deneyin",
        "لم يُعثر على العنوان: {reasons} ({failures}) – يُرجى التحقق من العنوان أو إدخال الإحداثيات أو المحاولة لاحقاً",
        "Адресу не знайдено: {reasons} ({failures}) – будь ласка, перевірте адресу, вкажіть координати"
        " або спробуйте пізніше",
    ),
    "address_not_located": (
        "Adresse nicht gefunden",
        "Address not found",
        "Adres bulunamadı",
        "لم يُعثر على العنوان",
        "Адресу не знайдено",
    ),
    "service_unavailable": (
        "Dienst nicht erreichbar – {provider}: {detail}",
        "service not reachable – {provider}: {detail}",
        "hizmete ulaşılamıyor – {provider}: {detail}",
        "الخدمة غير متاحة – {provider}: {detail}",
        "сервіс недоступний – {provider}: {detail}",
    ),
    "part_unknown": (
        "{part} nicht bekannt",
        "{part} not known",
        "{part} bilinmiyor",
        "{part} غير معروف",
        "{part} невідомо",
    ),
    "parts_unknown": (
        "weder {parts} bekannt",
        "neither {parts} known",
        "{parts} bilinmiyor",
        "لا {parts} معروف",
        "ні {parts} невідомі",
    ),
    "part.street": (
        "Straße/Hausnummer",
        "street/house number",
        "sokak/kapı numarası",
        "الشارع/رقم المبنى",
        "вулиця/номер будинку",
    ),
    "part.postcode": (
        "PLZ {postcode}",
        "postcode {postcode}",
        "posta kodu {postcode}",
        "الرمز البريدي {postcode}",
        "індекс {postcode}",
    ),
    "part.district": (
        "Stadtteil „{district}“",
        "district “{district}”",
        "“{district}” semti",
        "الحي „{district}“",
        "район «{district}»",
    ),
    "street_not_in_register": (
        "Straße „{street}“ nicht im Adressregister",
        "street “{street}” not in the address register",
        "“{street}” sokağı adres kaydında yok",
        "الشارع „{street}“ غير موجود في سجل العناوين",
        "вулиці «{street}» немає в реєстрі адрес",
    ),
    "street_ambiguous": (
        "Straße „{street}“ gibt es in {count} PLZ-Bereichen – PLZ angeben",
        "street “{street}” exists in {count} postcode areas – give the postcode",
        "“{street}” sokağı {count} posta kodu bölgesinde var – posta kodunu girin",
        "الشارع „{street}“ موجود في {count} مناطق رموز بريدية – يُرجى ذكر الرمز البريدي",
        "вулиця «{street}» є в {count} поштових районах – вкажіть індекс",
    ),
    "street_not_at_postcode": (
        "Straße „{street}“ im Adressregister nicht unter dieser PLZ bzw. diesem Ort",
        "street “{street}” is not in the address register under this postcode or place",
        "“{street}” sokağı adres kaydında bu posta kodu veya yer altında yok",
        "الشارع „{street}“ غير موجود في سجل العناوين تحت هذا الرمز البريدي أو هذا المكان",
        "вулиці «{street}» немає в реєстрі адрес за цим індексом або населеним пунктом",
    ),
    "postcode_unknown": (
        "PLZ {postcode} gibt es nicht",
        "postcode {postcode} does not exist",
        "{postcode} posta kodu yok",
        "الرمز البريدي {postcode} غير موجود",
        "індексу {postcode} не існує",
    ),
    "postcode_outside_city": (
        "PLZ {postcode} liegt nicht im Stadtgebiet ({allowed})",
        "postcode {postcode} is not in the city area ({allowed})",
        "{postcode} posta kodu şehir sınırları içinde değil ({allowed})",
        "الرمز البريدي {postcode} ليس ضمن نطاق المدينة ({allowed})",
        "індекс {postcode} не належить до території міста ({allowed})",
    ),
    "district_unknown": (
        "Stadtteil „{district}“ unbekannt",
        "district “{district}” unknown",
        "“{district}” semti bilinmiyor",
        "الحي „{district}“ غير معروف",
        "район «{district}» невідомий",
    ),
    # --- which district an offer counts in (issue 12), the review list and the build's settings
    "district_undecided": (
        "Lage nur ungefähr ({precision}) – sagt nicht, in welchem Stadtteil das Angebot liegt; es wird keinem"
        " Stadtteil zugerechnet (bitte Stadtteil, Hausadresse oder Koordinaten angeben)",
        "Location only approximate ({precision}) – it does not tell which district the offer is in; it counts in no"
        " district (please give the district, a house address or coordinates)",
        "Konum yalnızca yaklaşık ({precision}) – teklifin hangi semtte olduğunu göstermiyor; hiçbir semte"
        " sayılmıyor (lütfen semt, ev adresi veya koordinat girin)",
        "الموقع تقريبي فقط ({precision}) – لا يبيّن في أي حي يقع العرض؛ لا يُحتسب في أي حي"
        " (يُرجى ذكر الحي أو عنوان المبنى أو الإحداثيات)",
        "Розташування лише приблизне ({precision}) – з нього не видно, в якому районі пропозиція; її не зараховано"
        " до жодного району (вкажіть район, адресу будинку або координати)",
    ),
    "precision_term": ("{precision}", "{precision}", "{precision}", "{precision}", "{precision}"),
    "district_named": (
        "Stadtteil „{district}“ aus der Spalte Stadtteil übernommen",
        "district “{district}” taken from the district column",
        "“{district}” semti semt sütunundan alındı",
        "الحي „{district}“ مأخوذ من عمود الحي",
        "район «{district}» взято зі стовпця району",
    ),
    "fix_house_number": (
        "Hausnummer ergänzen oder im Adressregister prüfen – oder Koordinaten angeben",
        "add the house number or check it in the address register – or give coordinates",
        "kapı numarasını ekleyin veya adres kaydında kontrol edin – ya da koordinat verin",
        "أضف رقم المبنى أو تحقّق منه في سجل العناوين – أو أدخل الإحداثيات",
        "додайте номер будинку або перевірте його в реєстрі адрес – або вкажіть координати",
    ),
    "fix_address": (
        "Straße und Hausnummer (im Adressregister) oder Koordinaten angeben",
        "give street and house number (as in the address register) or coordinates",
        "sokak ve kapı numarası (adres kaydındaki gibi) ya da koordinat verin",
        "أدخل الشارع ورقم المبنى (كما في سجل العناوين) أو الإحداثيات",
        "вкажіть вулицю й номер будинку (як у реєстрі адрес) або координати",
    ),
    "default_settings": (
        "Keine --config angegeben: Stadteinstellungen der Demo ({city}) und Stadtteile aus {districts} werden"
        " verwendet – für die eigene Stadt --config und --districts angeben",
        "No --config given: the demo's city settings ({city}) and the districts from {districts} are used"
        " – give --config and --districts for your own city",
        "--config verilmedi: demonun şehir ayarları ({city}) ve {districts} dosyasındaki semtler kullanılıyor"
        " – kendi şehriniz için --config ve --districts verin",
        "لم يُذكر --config: تُستخدم إعدادات المدينة التجريبية ({city}) والأحياء من {districts}"
        " – لمدينتك استخدم --config و --districts",
        "--config не вказано: використано налаштування демо-міста ({city}) і райони з {districts}"
        " – для свого міста вкажіть --config і --districts",
    ),
    # --- privacy levels (etl.validate._check_privacy): unclear cells take the most protective default
    "location_visibility_unclear": (
        "Standort anzeigen '{value}' nicht verstanden (genau/Straße/Stadtteil) – nur der Stadtteil wird gezeigt",
        "Show location '{value}' not understood (genau/Straße/Stadtteil) – only the district is shown",
        "Konumu göster '{value}' anlaşılamadı (genau/Straße/Stadtteil) – yalnızca semt gösterilir",
        "قيمة عرض الموقع '{value}' غير مفهومة (genau/Straße/Stadtteil) – يُعرض الحي فقط",
        "Показ місця '{value}' не зрозуміло (genau/Straße/Stadtteil) – показано лише район",
    ),
    "listed_unclear": (
        "Veröffentlichen '{value}' nicht verstanden (ja/nein) – nicht veröffentlicht, bitte klären",
        "Publish '{value}' not understood (ja/nein) – not published, please clarify",
        "Yayınla '{value}' anlaşılamadı (ja/nein) – yayınlanmadı, lütfen netleştirin",
        "قيمة النشر '{value}' غير مفهومة (ja/nein) – لم يُنشر، يرجى التوضيح",
        "Опублікувати '{value}' не зрозуміло (ja/nein) – не опубліковано, уточніть",
    ),
    # --- joining words
    "join.list": ("; ", "; ", "; ", "؛ ", "; "),
    "join.nor": (" noch ", " nor ", " ve ", " ولا ", " ні "),
}

#: Catalogue key -> language -> template (``str.format`` placeholders).
CATALOGUE: Mapping[str, Mapping[str, str]] = {
    key: dict(zip(LANGUAGES, texts, strict=True)) for key, texts in _ENTRIES.items()
}
#: The public problem codes (catalogue keys without the ``.plain`` variants, terms and joins).
CODES: frozenset[str] = frozenset(k for k in CATALOGUE if "." not in k)


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a catalogue template."""
    return frozenset(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)


def _key(problem: Problem) -> str:
    if problem.code in _OPTIONAL_SUGGESTION and not problem.params.get("suggestion"):
        return problem.code + ".plain"
    return problem.code


def _param_text(code: str, name: str, value: Any, lang: str) -> str:
    if isinstance(value, Problem):
        return render(value, lang)
    if isinstance(value, tuple | list):
        joiner = CATALOGUE[_JOINS.get((code, name), "join.list")][lang]
        return joiner.join(_param_text(code, name, v, lang) for v in value)
    if name in _TERM_PARAMS and f"{name}.{value}" in CATALOGUE:
        return CATALOGUE[f"{name}.{value}"][lang]
    return "" if value is None else str(value)


def render(problem: Problem, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message of ``problem`` in ``lang`` (one of :data:`LANGUAGES`; others fall back to German).

    Raises
    ------
    KeyError
        When ``problem.code`` is not in the catalogue (add it to ``etl/problems.py`` in all languages).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    try:
        template = CATALOGUE[_key(problem)][lang]
    except KeyError as exc:
        raise KeyError(f"problem code {problem.code!r} has no message: add it to etl/problems.py") from exc
    values = {name: _param_text(problem.code, name, value, lang) for name, value in problem.params.items()}
    return template.format_map(values)


def render_all(problems: tuple[Problem, ...] | list[Problem], lang: str = DEFAULT_LANGUAGE) -> str:
    """Several problems as one line (``"; "``-joined), e.g. a reject reason."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return CATALOGUE["join.list"][lang].join(render(p, lang) for p in problems)


__all__ = [
    "CATALOGUE",
    "CODES",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "SEVERITIES",
    "Problem",
    "error",
    "placeholders",
    "problem_from_dict",
    "render",
    "render_all",
    "warning",
]
