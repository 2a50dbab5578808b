"""Reading the messages a real local SMTP server (aiosmtpd on 127.0.0.1) received."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any

from registry.mail import MailSettings
from tests.support.net import free_port

LINK = re.compile(r"https?://\S+")


class Inbox:
    """aiosmtpd handler that keeps every delivered message and refuses the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, MailSettings]]:
    """A real SMTP server on 127.0.0.1 and the settings that send to it (stopped on exit)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, MailSettings(host="127.0.0.1", port=port, sender="karte@stadt.example")
    finally:
        controller.stop()


def body(message: Message) -> str:
    """The decoded text of a single-part message."""
    part = message.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(message.get_content_charset() or "utf-8")


def subject(message: Message) -> str:
    """The decoded subject line of a message."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(str(message["Subject"]))))


def links(message: Message) -> list[str]:
    """Every http(s) link in the message's text."""
    return LINK.findall(body(message))
