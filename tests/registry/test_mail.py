"""Mail: outbox by default (atomic .eml files), real SMTP on 127.0.0.1 when configured, German copy."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

import pytest

from registry.mail import MailConfigError, MailSendError, MailSettings, compose, deliver, mail_settings
from tests.support.mail import body
from tests.support.net import free_port

VALUES = {"name": "Frauencafé", "city": "Ludwigsburg", "edit": "http://x/e", "withdraw": "http://x/w", "days": 180}


def test_settings_default_to_the_outbox_and_read_the_password_from_env():
    assert not mail_settings(None).is_smtp
    s = mail_settings(
        {"host": "mail.stadt.de", "port": 587, "starttls": True, "user": "karte"}, {"STADTKARTE_SMTP_PASSWORD": "pw"}
    )
    assert s.is_smtp and s.port == 587 and s.starttls and s.password == "pw"


@pytest.mark.parametrize("table", [{"port": "x"}, {"starttls": "ja"}, {"sender": "nobody"}])
def test_bad_settings_name_the_fix(table):
    with pytest.raises(MailConfigError, match=r"\[mail\]"):
        mail_settings(table)


def test_message_in_the_submitters_language_with_a_german_copy():
    message = compose("received", "uk", "a@b.example", "karte@stadt.example", VALUES)
    text = message.get_content()
    assert "Дякуємо" in text and "Deutsch:" in text and "Vielen Dank" in text
    assert text.count("http://x/e") == 2
    assert "«Frauencafé»" in str(message["Subject"]) and "„Frauencafé“" in str(message["Subject"])


def test_outbox_keeps_each_message_as_an_eml_file(tmp_path: Path):
    message = compose("received", "de", "a@b.example", "karte@stadt.example", VALUES)
    where = deliver(message, MailSettings(), tmp_path, now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert [str(f) for f in files] == [where] and files[0].name.startswith("20261130T120000")
    assert "http://x/w" in message_from_bytes(files[0].read_bytes()).get_payload(decode=True).decode()


def test_real_smtp_server_receives_the_message(tmp_path: Path, smtp):
    inbox, settings = smtp
    deliver(compose("links", "tr", "a@b.example", settings.sender, VALUES), settings, tmp_path)
    assert len(inbox.messages) == 1 and "http://x/e" in body(inbox.messages[0])
    assert not (tmp_path / "outbox").exists()


def test_unreachable_server_raises_a_clear_error(tmp_path: Path):
    settings = MailSettings(host="127.0.0.1", port=free_port(), timeout_s=2)
    with pytest.raises(MailSendError, match=r"check \[mail\]"):
        deliver(compose("links", "de", "a@b.example", settings.sender, VALUES), settings, tmp_path)


def test_city_config_carries_mail_and_freshness_tables():
    from etl.config import config_from_mapping
    from etl.errors import ConfigError
    from registry.reminders import freshness_settings

    config = config_from_mapping({"mail": {"host": "127.0.0.1", "port": 2525}, "freshness": {"remind_after_months": 6}})
    assert mail_settings(config.mail).port == 2525
    assert freshness_settings(config.freshness).remind_after_months == 6
    assert not mail_settings(config_from_mapping({}).mail).is_smtp  # off by default
    with pytest.raises(ConfigError, match="unknown key 'hostname' in \\[mail\\]"):
        config_from_mapping({"mail": {"hostname": "x"}})
