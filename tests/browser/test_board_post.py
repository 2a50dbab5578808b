"""Posting on the exchange board in real Chromium on a 375 px phone, in Arabic: post a need, a moderator
approves it, it shows with its matching offer and the reason, "Kontakt aufnehmen" delivers a message to
a real SMTP server (aiosmtpd on 127.0.0.1) without revealing the poster's address, and the poster closes
the need through the private link naming the match that helped. axe runs on every new page in de and ar.

Served by the project's Dash app (production CSP and headers) on a SQLite register in ``tmp_path``.
"""

from __future__ import annotations

import re
import secrets
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from tests.support.mail import LINK, Inbox, body

OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
"""
MODERATOR = "moderator@stadt.example"
OFFERER = "raum@moschee.example"
POSTER = "amal@elternverein.example"


@pytest.fixture
def board_site(tmp_path: Path, serve: Any, tools: Any, smtp: tuple[Inbox, Any]) -> dict[str, Any]:
    """The dashboard with one published offer post (a room, Arabic, Kernstadt) and a moderator; mail to ``smtp``."""
    from registry import Register
    from registry.board import PostValues, add_post
    from registry.importer import import_offers
    from registry.mail import MailSettings
    from registry.tokens import link_secret

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "angebote.csv").write_text(OFFER_LIST, encoding="utf-8")
    password = secrets.token_urlsafe(16)
    with Register.open(data_dir=data) as register:
        register.upgrade()
        import_offers(register, tmp_path / "angebote.csv", apply=True)
        register.publish(data)
        register.add_user(MODERATOR, password, role="moderator")
        offer = PostValues(
            kind="offer",
            topic="rooms",
            title="Gruppenraum frei",
            text="Räume am Nachmittag und am Abend",
            languages=("ar",),
            target_groups=("families",),
            district_id="kernstadt",
            organization="Moscheeverein",
            contact=OFFERER,
        )
        offer_id = add_post(register, offer, actor="test", state="published").id
    app = tools.create_dashboard(data)
    app.server.extensions["stadtkarte_submit"].mail = MailSettings(
        host="127.0.0.1", port=smtp[1].port, sender="karte@stadt.example"
    )
    return {"url": serve(app), "password": password, "offer_id": offer_id, "secret": link_secret(data)}


def _check(page: Any, tools: Any, width: int | None = 375) -> None:
    """axe finds nothing; a public page fits the phone's width (the staff pages are for desks)."""
    violations = tools.axe(page)
    assert not violations, f"{page.url}:\n" + tools.describe_violations(violations)
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_arabic_need_posted_approved_matched_contacted_and_closed(
    page: Any, context: Any, board_site: dict[str, Any], smtp: tuple[Inbox, Any], tools: Any
) -> None:
    base, mails = board_site["url"], smtp[0]
    page.set_viewport_size({"width": 375, "height": 800})

    # 1. the association posts a need in Arabic
    page.goto(f"{base}/netzwerk/eintragen?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    _check(page, tools)
    page.check("#kind-need")
    page.select_option("#topic", "rooms")
    page.fill("#title", "قاعة لمقهى الأهالي")
    page.fill("#text", "نبحث عن قاعة بعد الظهر لخمسة عشر شخصًا")
    page.check("#lang-ar")
    page.select_option("#district", "kernstadt")
    page.fill("#organization", "Elternverein West")
    page.fill("#contact_email", POSTER)
    page.check("#consent")
    page.click("form.board-form button[type=submit]")
    page.wait_for_selector("p.message")
    _check(page, tools)
    (received,) = mails.messages
    assert received["To"] == POSTER and "قاعة لمقهى الأهالي" in body(received)
    close_link = next(u for u in LINK.findall(body(received)) if "/netzwerk/schliessen/" in u)

    # 2. a moderator approves it
    page.goto(f"{base}/verwaltung/netzwerk")
    page.fill("#f-email", MODERATOR)
    page.fill("#f-password", board_site["password"])
    page.press("#f-password", "Enter")
    page.wait_for_url("**/verwaltung/netzwerk")
    _check(page, tools, width=None)
    article = page.locator("article.board-post", has_text="قاعة لمقهى الأهالي")
    post_id = int(str(article.get_attribute("id")).rsplit("-", 1)[1])
    article.locator("button", has_text="Freigeben").click()
    page.wait_for_selector(".flash.success")
    assert "قاعة لمقهى الأهالي" in str(make_header(decode_header(mails.messages[-1]["Subject"])))

    # 3. it is public with its matching offer and the reason
    page.goto(f"{base}/netzwerk/{post_id}?lang=ar")
    _check(page, tools)
    card = page.locator("article.post").first
    assert "Gruppenraum frei" in card.inner_text()
    assert "العربية" in card.locator(".reason").first.inner_text()

    # 4. "Kontakt aufnehmen" from the match: the offer's poster gets the message, reply-to the sender
    page.locator(".match-contacts a").first.click()
    page.wait_for_url(re.compile(rf".*/netzwerk/{board_site['offer_id']}/kontakt.*"))
    _check(page, tools)
    page.fill("#sender_name", "Amal")
    page.fill("#sender_email", POSTER)
    page.fill("#message", "نحتاج إلى القاعة أيام الثلاثاء بعد الظهر، هل هذا ممكن؟")
    page.check("#consent")
    page.click("form.board-form button[type=submit]")
    page.wait_for_selector("p.message")
    _check(page, tools)
    contact = mails.messages[-1]
    assert contact["To"] == OFFERER and contact["Reply-To"] == POSTER
    assert "أيام الثلاثاء" in body(contact)
    for url in (
        f"{base}/netzwerk/{board_site['offer_id']}?lang=ar",
        f"{base}/netzwerk?lang=ar",
        f"{base}/api/board.json",
    ):
        assert OFFERER not in context.request.get(url).text()
    assert OFFERER not in page.content()

    # 5. the poster closes the need through the private link, naming the match that helped
    page.goto(close_link)
    _check(page, tools)
    page.check("#outcome-success")
    page.check(f"#helped-{board_site['offer_id']}")
    page.click("form.board-form button[type=submit]")
    page.wait_for_selector("p.message")
    assert context.request.get(f"{base}/netzwerk/{post_id}").status == 404
    assert f'"id":{post_id},' not in context.request.get(f"{base}/api/board.json").text()
    page.goto(f"{base}/verwaltung/netzwerk")
    figures = page.locator("#board-figures tr.total td").all_inner_texts()
    assert figures == ["2", "1", "1", "1", "1"], figures  # published, contacts, from a match, closed ok, naming it


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_new_pages_pass_axe_on_a_phone(page: Any, board_site: dict[str, Any], tools: Any, lang: str) -> None:
    from registry.tokens import make_token

    base, offer_id = board_site["url"], board_site["offer_id"]
    page.set_viewport_size({"width": 375, "height": 800})
    token = make_token(board_site["secret"], f"board:{offer_id}", "archive")
    edit = make_token(board_site["secret"], f"board:{offer_id}", "edit")
    for path in (
        "/netzwerk/eintragen",
        f"/netzwerk/{offer_id}/kontakt",
        f"/netzwerk/schliessen/{token}",
        f"/netzwerk/aendern/{edit}",
    ):
        page.goto(f"{base}{path}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        _check(page, tools)
