"""E-mail to associations: composed in the submitter's language with a German copy, sent or kept.

Off by default: without ``[mail] host`` in the city config every message is written to
``<data>/outbox/<timestamp>-<id>.eml`` (atomic write), so a clerk sees what would be sent
and nothing leaves the machine. With a host, messages go out through :mod:`smtplib`
(STARTTLS and login when configured; the password only from the environment variable
named by ``password_env``, default ``STADTKARTE_SMTP_PASSWORD``).

``[mail]`` keys: ``host``, ``port`` (25), ``starttls`` (false), ``user``, ``password_env``,
``sender`` (``stadtkarte@localhost``), ``timeout_s`` (10).

No Flask here: the public pages, ``stadtkarte remind`` and tests share these functions.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from geodata.io import atomic_write_bytes

logger = logging.getLogger(__name__)

OUTBOX_DIR = "outbox"
PASSWORD_ENV = "STADTKARTE_SMTP_PASSWORD"
DEFAULT_SENDER = "stadtkarte@localhost"
MAIL_LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk")


class MailConfigError(ValueError):
    """The ``[mail]`` table of the city config is unusable."""


class MailSendError(OSError):
    """The SMTP server refused or could not be reached (the message is not lost: it stays queued)."""


class MailBounced(MailSendError):
    """The SMTP server refused the recipient (e.g. ``550 no such user``): a bounce at send time.

    ``reply`` is the server's answer as ``"<code> <text>"``.
    """

    def __init__(self, message: str, reply: str) -> None:
        super().__init__(message)
        self.reply = reply


def refusal_reply(refused: Mapping[str, tuple[int, bytes | str]]) -> str:
    """The server's answer to refused recipients as one line: ``"550 5.1.1 no such user"``.

    ``refused`` is :attr:`smtplib.SMTPRecipientsRefused.recipients` (address -> (code, text)).
    """
    replies = []
    for code, text in refused.values():
        words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        replies.append(f"{code} {' '.join(words.split())}".strip())
    return "; ".join(dict.fromkeys(replies))[:500]


@dataclass(frozen=True)
class MailSettings:
    """How to send: ``host`` None = write to the outbox folder only."""

    host: str | None = None
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    timeout_s: float = 10.0

    @property
    def is_smtp(self) -> bool:
        """True when messages go to an SMTP server (else to the outbox)."""
        return bool(self.host)


def mail_settings(table: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> MailSettings:
    """Parse the ``[mail]`` table (``None``/empty: outbox only).

    Raises
    ------
    MailConfigError
        For a port that is no number, a non-boolean ``starttls`` or a sender without ``@``.
    """
    table = dict(table or {})
    env = os.environ if environ is None else environ
    port = table.get("port", 25)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise MailConfigError(f"[mail] port must be a number 1-65535, not {port!r}: e.g. port = 587")
    starttls = table.get("starttls", False)
    if not isinstance(starttls, bool):
        raise MailConfigError(f"[mail] starttls must be true or false, not {starttls!r}")
    sender = str(table.get("sender") or DEFAULT_SENDER)
    if "@" not in sender:
        raise MailConfigError(f"[mail] sender {sender!r} is not an e-mail address: e.g. sender = 'karte@stadt.de'")
    password_env = str(table.get("password_env") or PASSWORD_ENV)
    host = str(table["host"]).strip() if table.get("host") else None
    return MailSettings(
        host=host or None,
        port=port,
        starttls=starttls,
        user=str(table["user"]) if table.get("user") else None,
        password=env.get(password_env) or None,
        sender=sender,
        timeout_s=float(table.get("timeout_s", 10.0)),
    )


#: Texts of the messages: kind -> language -> (subject, body). ``{placeholders}`` are filled by :func:`compose`.
TEXTS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "received": {
        "de": (
            "Ihr Eintrag „{name}“ ist eingegangen",
            "Vielen Dank! Ihr Eintrag „{name}“ für die Stadtkarte {city} ist eingegangen.\n"
            "Die Integrationsstelle prüft ihn; danach erscheint er auf der Karte.\n\n"
            "Ändern: {edit}\nZurückziehen: {withdraw}\n\n"
            "Diese Links sind privat: Wer sie hat, kann den Eintrag ändern. Sie gelten {days} Tage;\n"
            "einen neuen Link können Sie jederzeit auf der Karte anfordern.",
        ),
        "en": (
            "Your entry “{name}” has been received",
            "Thank you! Your entry “{name}” for the Stadtkarte {city} has been received.\n"
            "The integration office reviews it; then it appears on the map.\n\n"
            "Change: {edit}\nWithdraw: {withdraw}\n\n"
            "These links are private: whoever has them can change the entry. They are valid for {days} days;\n"
            "you can request a new link on the map at any time.",
        ),
        "tr": (
            "“{name}” kaydınız alındı",
            "Teşekkürler! Stadtkarte {city} için “{name}” kaydınız alındı.\n"
            "Uyum ofisi kaydı inceliyor; ardından harita üzerinde görünecek.\n\n"
            "Değiştir: {edit}\nGeri çek: {withdraw}\n\n"
            "Bu bağlantılar size özeldir: bağlantıya sahip olan kişi kaydı değiştirebilir. {days} gün geçerlidir;\n"
            "haritadan istediğiniz zaman yeni bir bağlantı isteyebilirsiniz.",
        ),
        "ar": (
            "تم استلام إدخالك «{name}»",
            "شكرًا لك! تم استلام إدخالك «{name}» لخريطة Stadtkarte {city}.\n"
            "يراجعه مكتب الاندماج، ثم يظهر على الخريطة.\n\n"
            "تعديل: {edit}\nسحب: {withdraw}\n\n"
            "هذه الروابط خاصة: من يملكها يستطيع تعديل الإدخال. صالحة لمدة {days} يومًا؛\n"
            "يمكنك طلب رابط جديد من الخريطة في أي وقت.",
        ),
        "uk": (
            "Ваш запис «{name}» отримано",
            "Дякуємо! Ваш запис «{name}» для Stadtkarte {city} отримано.\n"
            "Офіс з питань інтеграції перевіряє його; потім він з'явиться на карті.\n\n"
            "Змінити: {edit}\nВідкликати: {withdraw}\n\n"
            "Ці посилання приватні: хто їх має, може змінити запис. Вони дійсні {days} днів;\n"
            "нове посилання можна будь-коли запросити на карті.",
        ),
    },
    "received_unplaced": {
        "de": (
            "Ihr Eintrag „{name}“ ist eingegangen",
            "Vielen Dank! Ihr Eintrag „{name}“ für die Stadtkarte {city} ist eingegangen.\n"
            "Die Adresse konnte nicht automatisch gefunden werden: Die Integrationsstelle prüft sie.\n"
            "Sobald der Eintrag angelegt ist, können Sie auf der Karte einen privaten Link zum Ändern anfordern.",
        ),
        "en": (
            "Your entry “{name}” has been received",
            "Thank you! Your entry “{name}” for the Stadtkarte {city} has been received.\n"
            "The address could not be found automatically: the integration office checks it.\n"
            "Once the entry exists, you can request a private link to change it on the map.",
        ),
        "tr": (
            "“{name}” kaydınız alındı",
            "Teşekkürler! Stadtkarte {city} için “{name}” kaydınız alındı.\n"
            "Adres otomatik olarak bulunamadı: uyum ofisi adresi kontrol ediyor.\n"
            "Kayıt oluşturulduğunda, haritadan değiştirmek için özel bir bağlantı isteyebilirsiniz.",
        ),
        "ar": (
            "تم استلام إدخالك «{name}»",
            "شكرًا لك! تم استلام إدخالك «{name}» لخريطة Stadtkarte {city}.\n"
            "تعذّر العثور على العنوان تلقائيًا: يتحقق منه مكتب الاندماج.\n"
            "عند إنشاء الإدخال يمكنك طلب رابط خاص لتعديله من الخريطة.",
        ),
        "uk": (
            "Ваш запис «{name}» отримано",
            "Дякуємо! Ваш запис «{name}» для Stadtkarte {city} отримано.\n"
            "Адресу не вдалося знайти автоматично: офіс з питань інтеграції перевіряє її.\n"
            "Щойно запис буде створено, ви зможете запросити на карті приватне посилання для змін.",
        ),
    },
    "links": {
        "de": (
            "Ihr privater Link für „{name}“",
            "Sie haben einen neuen Link für den Eintrag „{name}“ auf der Stadtkarte {city} angefordert.\n\n"
            "Ändern: {edit}\nZurückziehen: {withdraw}\n\nDie Links gelten {days} Tage.",
        ),
        "en": (
            "Your private link for “{name}”",
            "You asked for a new link for the entry “{name}” on the Stadtkarte {city}.\n\n"
            "Change: {edit}\nWithdraw: {withdraw}\n\nThe links are valid for {days} days.",
        ),
        "tr": (
            "“{name}” için özel bağlantınız",
            "Stadtkarte {city} üzerindeki “{name}” kaydı için yeni bir bağlantı istediniz.\n\n"
            "Değiştir: {edit}\nGeri çek: {withdraw}\n\nBağlantılar {days} gün geçerlidir.",
        ),
        "ar": (
            "رابطك الخاص لـ «{name}»",
            "طلبت رابطًا جديدًا للإدخال «{name}» على خريطة Stadtkarte {city}.\n\n"
            "تعديل: {edit}\nسحب: {withdraw}\n\nالروابط صالحة لمدة {days} يومًا.",
        ),
        "uk": (
            "Ваше приватне посилання для «{name}»",
            "Ви запросили нове посилання для запису «{name}» на Stadtkarte {city}.\n\n"
            "Змінити: {edit}\nВідкликати: {withdraw}\n\nПосилання дійсні {days} днів.",
        ),
    },
    "reminder": {
        "de": (
            "Ist „{name}“ noch aktuell?",
            "Der Eintrag „{name}“ auf der Stadtkarte {city} wurde zuletzt am {verified} bestätigt.\n"
            "Bitte wählen Sie mit einem Klick:\n\n"
            "Noch aktuell: {confirm}\nÄndern: {edit}\nArchivieren: {withdraw}\n\n"
            "Ohne Antwort innerhalb von {days} Tagen wird der Eintrag als „nicht bestätigt“ angezeigt.",
        ),
        "en": (
            "Is “{name}” still current?",
            "The entry “{name}” on the Stadtkarte {city} was last confirmed on {verified}.\n"
            "Please choose with one click:\n\n"
            "Still current: {confirm}\nChange: {edit}\nArchive: {withdraw}\n\n"
            "Without an answer within {days} days the entry is shown as “not confirmed”.",
        ),
        "tr": (
            "“{name}” hâlâ güncel mi?",
            "Stadtkarte {city} üzerindeki “{name}” kaydı en son {verified} tarihinde onaylandı.\n"
            "Lütfen tek tıkla seçin:\n\n"
            "Hâlâ güncel: {confirm}\nDeğiştir: {edit}\nArşivle: {withdraw}\n\n"
            "{days} gün içinde yanıt gelmezse kayıt “onaylanmadı” olarak gösterilir.",
        ),
        "ar": (
            "هل ما زال «{name}» محدّثًا؟",
            "تم تأكيد الإدخال «{name}» على خريطة Stadtkarte {city} آخر مرة في {verified}.\n"
            "يرجى الاختيار بنقرة واحدة:\n\n"
            "ما زال محدّثًا: {confirm}\nتعديل: {edit}\nأرشفة: {withdraw}\n\n"
            "إذا لم يصل رد خلال {days} يومًا يُعرض الإدخال على أنه «غير مؤكد».",
        ),
        "uk": (
            "Чи «{name}» ще актуальний?",
            "Запис «{name}» на Stadtkarte {city} востаннє підтверджено {verified}.\n"
            "Будь ласка, оберіть одним кліком:\n\n"
            "Ще актуальний: {confirm}\nЗмінити: {edit}\nАрхівувати: {withdraw}\n\n"
            "Якщо відповіді не буде протягом {days} днів, запис буде позначено як «не підтверджено».",
        ),
    },
    "approved": {
        "de": (
            "„{name}“ ist auf der Karte",
            "Die Integrationsstelle hat Ihren Eintrag „{name}“ freigegeben: Er ist jetzt auf der Stadtkarte {city}.",
        ),
        "en": (
            "“{name}” is on the map",
            "The integration office approved your entry “{name}”: it is now on the Stadtkarte {city}.",
        ),
        "tr": ("“{name}” haritada", "Uyum ofisi “{name}” kaydınızı onayladı: kayıt artık Stadtkarte {city} üzerinde."),
        "ar": (
            "«{name}» على الخريطة",
            "وافق مكتب الاندماج على إدخالك «{name}»: أصبح الآن على خريطة Stadtkarte {city}.",
        ),
        "uk": (
            "«{name}» на карті",
            "Офіс з питань інтеграції схвалив ваш запис «{name}»: тепер він на Stadtkarte {city}.",
        ),
    },
    "rejected": {
        "de": (
            "Ihr Eintrag „{name}“",
            "Die Integrationsstelle hat Ihren Eintrag „{name}“ nicht veröffentlicht. Begründung:\n\n{reason}",
        ),
        "en": (
            "Your entry “{name}”",
            "The integration office did not publish your entry “{name}”. Reason (in German):\n\n{reason}",
        ),
        "tr": ("“{name}” kaydınız", "Uyum ofisi “{name}” kaydınızı yayımlamadı. Gerekçe (Almanca):\n\n{reason}"),
        "ar": ("إدخالك «{name}»", "لم ينشر مكتب الاندماج إدخالك «{name}». السبب (بالألمانية):\n\n{reason}"),
        "uk": (
            "Ваш запис «{name}»",
            "Офіс з питань інтеграції не опублікував ваш запис «{name}». Причина (німецькою):\n\n{reason}",
        ),
    },
    "change_approved": {
        "de": (
            "Ihre Änderung an „{name}“ ist auf der Karte",
            "Die Integrationsstelle hat Ihre Änderung am Eintrag „{name}“ freigegeben: "
            "Sie ist jetzt auf der Stadtkarte {city} zu sehen.",
        ),
        "en": (
            "Your change to “{name}” is on the map",
            "The integration office approved your change to the entry “{name}”: it is now on the Stadtkarte {city}.",
        ),
        "tr": (
            "“{name}” kaydındaki değişikliğiniz haritada",
            "Uyum ofisi “{name}” kaydındaki değişikliğinizi onayladı: değişiklik artık Stadtkarte {city} üzerinde.",
        ),
        "ar": (
            "تعديلك على «{name}» على الخريطة",
            "وافق مكتب الاندماج على تعديلك على الإدخال «{name}»: أصبح الآن على خريطة Stadtkarte {city}.",
        ),
        "uk": (
            "Ваша зміна до «{name}» на карті",
            "Офіс з питань інтеграції схвалив вашу зміну до запису «{name}»: тепер вона на Stadtkarte {city}.",
        ),
    },
    "change_rejected": {
        "de": (
            "Ihre Änderung an „{name}“",
            "Die Integrationsstelle hat Ihre Änderung am Eintrag „{name}“ nicht übernommen; "
            "auf der Karte bleibt die bisherige Fassung. Begründung:\n\n{reason}",
        ),
        "en": (
            "Your change to “{name}”",
            "The integration office did not take over your change to the entry “{name}”; "
            "the map keeps the previous version. Reason (in German):\n\n{reason}",
        ),
        "tr": (
            "“{name}” kaydındaki değişikliğiniz",
            "Uyum ofisi “{name}” kaydındaki değişikliğinizi kabul etmedi; haritada önceki hâli kalıyor. "
            "Gerekçe (Almanca):\n\n{reason}",
        ),
        "ar": (
            "تعديلك على «{name}»",
            "لم يعتمد مكتب الاندماج تعديلك على الإدخال «{name}»؛ تبقى النسخة السابقة على الخريطة. "
            "السبب (بالألمانية):\n\n{reason}",
        ),
        "uk": (
            "Ваша зміна до «{name}»",
            "Офіс з питань інтеграції не прийняв вашу зміну до запису «{name}»; на карті залишається попередня версія. "
            "Причина (німецькою):\n\n{reason}",
        ),
    },
}

_GERMAN_COPY = "\n\n-- \nDeutsch:\n\n"


def compose(
    kind: str,
    lang: str,
    to: str,
    sender: str,
    values: Mapping[str, object],
    *,
    now: datetime | None = None,
    texts: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
) -> EmailMessage:
    """One message of ``kind`` in ``lang`` followed by the German copy of the same facts.

    ``texts`` are the message texts (default :data:`TEXTS`; the board brings its own).

    Raises
    ------
    KeyError
        For an unknown ``kind`` (a programming error).
    """
    chosen = (TEXTS if texts is None else texts)[kind]
    lang = lang if lang in chosen else "de"
    subject, body = (t.format(**values) for t in chosen[lang])
    if lang != "de":
        de_subject, de_body = (t.format(**values) for t in chosen["de"])
        subject = f"{subject} / {de_subject}"
        body = body + _GERMAN_COPY + de_body
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message["Date"] = (now or datetime.now(UTC)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body + "\n")  # before Content-Language: set_content drops every Content-* header
    message["Content-Language"] = lang if lang == "de" else f"{lang}, de"
    return message


def outbox_path(data_dir: Path, message: EmailMessage, at: datetime) -> Path:
    """Where the outbox keeps ``message``: ``<data>/outbox/<UTC timestamp>-<message id>.eml``."""
    ident = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
    safe = "".join(c for c in ident if c.isalnum() or c in "-._")[:60]
    return Path(data_dir) / OUTBOX_DIR / f"{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{safe}.eml"


def deliver(message: EmailMessage, settings: MailSettings, data_dir: Path, *, now: datetime | None = None) -> str:
    """Send ``message`` by SMTP, or keep it in the outbox when SMTP is off; returns where it went.

    Raises
    ------
    MailBounced
        When the SMTP server refuses the recipient (a bounce at send time).
    MailSendError
        When the SMTP server cannot be reached or refuses the message.
    """
    if not settings.is_smtp:
        path = outbox_path(data_dir, message, now or datetime.now(UTC))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, bytes(message))
        logger.info("mail kept in the outbox (SMTP is off): %s", path.name)
        return str(path)
    try:
        with smtplib.SMTP(str(settings.host), settings.port, timeout=settings.timeout_s) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        reply = refusal_reply(exc.recipients)
        raise MailBounced(f"the mail server refused the recipient ({reply})", reply) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise MailSendError(
            f"cannot send mail through {settings.host}:{settings.port} ({exc}): check [mail] in the city config"
        ) from exc
    logger.info("mail sent through %s:%d", settings.host, settings.port)
    return f"smtp://{settings.host}:{settings.port}"
