"""The board's public forms end to end on a real SQLite register and a real SMTP server (aiosmtpd).

Posting (all problems at once, in Arabic), moderation, "Kontakt aufnehmen" (the poster's
address never in a response), closing through the private link with the match that
helped (counted in the quarterly figures), and refused private links.
"""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from registry import Register
from registry.board import PostValues, add_post, find_post, list_contacts, list_posts
from registry.board_stats import board_figures, totals

POSTER = "amal@elternverein.example"
OFFERER = "raum@moschee.example"

NEED = {
    "kind": "need",
    "topic": "rooms",
    "title": "Raum für Elterncafé gesucht",
    "text": "Wir suchen einen Gruppenraum am Nachmittag für 15 Eltern.",
    "languages": ["ar", "de"],
    "target_groups": ["families"],
    "district": "west",
    "location_visibility": "district",
    "organization": "Elternverein West",
    "contact_name": "Amal",
    "contact_email": POSTER,
    "consent": "yes",
}


def _offer(register: Register) -> int:
    values = PostValues(
        kind="offer",
        topic="rooms",
        title="Gruppenraum frei",
        text="Räume am Nachmittag",
        languages=("ar",),
        target_groups=("families",),
        district_id="west",
        organization="Moscheeverein",
        contact=OFFERER,
    )
    return add_post(register, values, actor="import", state="published").id


def _post_need(client: Any, form_post: Any, lang: str = "de", **changes: Any) -> Any:
    suffix = f"?lang={lang}" if lang != "de" else ""
    return form_post(client, "/netzwerk/eintragen" + suffix, {**NEED, **changes})


def test_arabic_form_shows_every_problem_at_once_and_keeps_the_input(
    client: Any, form_post: Any, board_register: Register
) -> None:
    bad = {
        "kind": "",
        "topic": "",
        "district": "",
        "contact_email": "kein-at",
        "valid_until": "2099-01-01",
        "consent": "",
    }
    answer = _post_need(client, form_post, "ar", **bad)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for field in ("kind", "topic", "district", "contact_email", "valid_until", "consent"):
        assert f'href="#{field}"' in summary, field
        assert f'id="{field}-error"' in page, field
    assert "يرجى" in summary  # the messages are Arabic, not the German msgids
    assert "Bitte" not in summary
    assert 'value="Raum für Elterncafé gesucht"' in page and "15 Eltern" in page  # input kept
    assert 'value="ar" checked' in page
    assert list_posts(board_register) == []


def test_a_need_is_posted_pending_approved_and_public(
    client: Any, form_post: Any, login: Any, board_register: Register, smtp: Any, mail_links: Any
) -> None:
    inbox, _settings = smtp
    offer_id = _offer(board_register)
    answer = _post_need(client, form_post)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:600]
    (post,) = list_posts(board_register, ["pending"])
    assert (post.kind, post.district_id, post.contact, post.contact_name_public) == ("need", "west", POSTER, False)
    (received,) = inbox.messages
    assert received["To"] == POSTER
    links = mail_links(received)
    assert any("/netzwerk/aendern/" in u for u in links) and any("/netzwerk/schliessen/" in u for u in links)
    assert client.get(f"/netzwerk/{post.id}").status_code == 404  # not public while pending

    assert client.get("/verwaltung/netzwerk").status_code == 302  # staff only
    login(client)
    queue = client.get("/verwaltung/netzwerk").get_data(as_text=True)
    assert "Raum für Elterncafé gesucht" in queue and 'id="board-figures"' in queue
    assert client.post(f"/verwaltung/netzwerk/{post.id}/freigeben").status_code == 400  # no CSRF token
    done = form_post(client, f"/verwaltung/netzwerk/{post.id}/freigeben", {}, page="/verwaltung/netzwerk")
    assert done.status_code == 302
    published = find_post(board_register, post.id)
    assert published is not None and published.state == "published" and published.published_at is not None
    assert [e.actor for e in board_register.audit(entry_id=f"board:{post.id}") if e.action == "board_published"] == [
        "moderator@stadt.example"
    ]
    detail = client.get(f"/netzwerk/{post.id}").get_data(as_text=True)
    assert "Raum für Elterncafé gesucht" in detail and "Gruppenraum frei" in detail  # shown with its match
    assert f"/netzwerk/{offer_id}/kontakt?lang=de&amp;from={post.id}" in detail
    assert POSTER not in detail
    approved = inbox.messages[-1]
    assert approved["To"] == POSTER and f"/netzwerk/{post.id}" in approved.get_payload()


def test_rejection_needs_a_reason_and_mails_it(
    client: Any, form_post: Any, login: Any, board_register: Register, smtp: Any, mail_text: Any
) -> None:
    _post_need(client, form_post)
    (post,) = list_posts(board_register)
    login(client)
    empty = form_post(client, f"/verwaltung/netzwerk/{post.id}/ablehnen", {"reason": " "}, page="/verwaltung/netzwerk")
    assert empty.status_code == 400 and "Begründung" in empty.get_data(as_text=True)
    done = form_post(
        client,
        f"/verwaltung/netzwerk/{post.id}/ablehnen",
        {"reason": "Bitte ohne Werbung."},
        page="/verwaltung/netzwerk",
    )
    assert done.status_code == 302
    rejected = find_post(board_register, post.id)
    assert rejected is not None and (rejected.state, rejected.reject_reason) == ("rejected", "Bitte ohne Werbung.")
    assert "Bitte ohne Werbung." in mail_text(smtp[0].messages[-1])


def test_contact_reaches_the_poster_with_reply_to_and_never_shows_the_address(
    client: Any, form_post: Any, board_register: Register, smtp: Any, mail_text: Any
) -> None:
    inbox, _settings = smtp
    offer_id = _offer(board_register)
    need_id = add_post(board_register, PostValues(kind="need", topic="rooms", title="Raum gesucht", languages=("ar",), district_id="west", contact=POSTER), actor="t", state="published").id  # fmt: skip
    url = f"/netzwerk/{offer_id}/kontakt?from={need_id}"
    data = {"sender_name": "Amal", "sender_email": POSTER, "message": "Wir brauchen dienstags einen Raum für 15 Eltern.", "consent": "yes", "from": str(need_id)}  # fmt: skip
    answer = form_post(client, url, data)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:600]
    (message,) = inbox.messages
    assert message["To"] == OFFERER and message["Reply-To"] == POSTER
    assert "15 Eltern" in mail_text(message) and "Amal" in mail_text(message)
    (contact,) = list_contacts(board_register)
    assert (contact.post_id, contact.match_post_id, contact.delivery) == (offer_id, need_id, "smtp")
    pages = [
        answer,
        client.get(url),
        client.get(f"/netzwerk/{offer_id}"),
        client.get("/netzwerk"),
        client.get("/api/board.json"),
    ]
    for response in pages:
        assert OFFERER not in response.get_data(as_text=True)
    assert totals(board_figures(board_register)).contacts_from_match == 1


def test_contact_form_problems_and_rate_limits(
    client: Any, form_post: Any, board_app: Any, board_register: Register, smtp: Any
) -> None:
    offer_id = _offer(board_register)
    url = f"/netzwerk/{offer_id}/kontakt"
    bad = form_post(
        client, url + "?lang=ar", {"sender_name": "", "sender_email": "x", "message": "Hallo", "consent": ""}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and all(
        f'href="#{f}"' in page for f in ("sender_name", "sender_email", "message", "consent")
    )
    board_app.extensions["stadtkarte_board_limits"].contact_ip = "2 per hour"
    good = {
        "sender_name": "A",
        "sender_email": "a@b.example",
        "message": "Eine Nachricht mit genug Zeichen.",
        "consent": "yes",
    }
    assert [form_post(client, url, good).status_code for _ in range(3)] == [200, 200, 429]
    assert len(smtp[0].messages) == 2 and len(list_contacts(board_register)) == 2
    limits = board_app.extensions["stadtkarte_board_limits"]
    limits.contact_ip, limits.contact_post = "100 per hour", "1 per day"  # one post, many senders
    other = add_post(
        board_register,
        PostValues(kind="need", topic="rooms", title="Raum", contact=POSTER),
        actor="t",
        state="published",
    )
    assert [form_post(client, f"/netzwerk/{other.id}/kontakt", good).status_code for _ in range(2)] == [200, 429]
    refused = form_post(client, f"/netzwerk/{other.id}/kontakt?lang=ar", good)
    assert refused.status_code == 429 and 'dir="rtl"' in refused.get_data(as_text=True)
    assert client.get("/netzwerk/999/kontakt").status_code == 404


def test_close_through_the_private_link_with_the_helpful_match(
    client: Any, form_post: Any, login: Any, board_register: Register, smtp: Any, mail_links: Any
) -> None:
    inbox, _settings = smtp
    offer_id = _offer(board_register)
    _post_need(client, form_post)
    (post,) = list_posts(board_register, ["pending"])
    login(client)
    form_post(client, f"/verwaltung/netzwerk/{post.id}/freigeben", {}, page="/verwaltung/netzwerk")
    close_url = next(u for u in mail_links(inbox.messages[0]) if "/netzwerk/schliessen/" in u)
    path = close_url.split("localhost", 1)[1]
    shown = client.get(path).get_data(as_text=True)
    assert "Gruppenraum frei" in shown and 'value="other"' in shown and 'value="none"' in shown
    done = form_post(client, path, {"outcome": "success", "helped": str(offer_id)})
    assert done.status_code == 200, done.get_data(as_text=True)[:600]
    closed = find_post(board_register, post.id)
    assert closed is not None and (closed.state, closed.outcome, closed.helped_post_id) == (
        "closed",
        "success",
        offer_id,
    )
    assert client.get(f"/netzwerk/{post.id}").status_code == 404  # off the public board
    total = totals(board_figures(board_register))
    assert (total.closed_success, total.closed_success_with_match, total.published) == (1, 1, 2)
    again = client.get(path)
    assert again.status_code == 410 and "schon benutzt" in again.get_data(as_text=True)


def test_forged_expired_foreign_and_closed_links_are_refused(
    client: Any, board_app: Any, board_register: Register, form_post: Any
) -> None:
    offer_id = _offer(board_register)
    secret = str(board_app.secret_key)

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 400 * 86400

    expired = URLSafeTimedSerializer(secret, salt="stadtkarte-link-edit", signer=Past).dumps(
        {"e": f"board:{offer_id}", "n": "x1"}
    )
    foreign = URLSafeTimedSerializer(secret, salt="stadtkarte-link-edit").dumps({"e": "lb-1", "n": "x2"})
    forged = URLSafeTimedSerializer("not-the-secret", salt="stadtkarte-link-edit").dumps(
        {"e": f"board:{offer_id}", "n": "x3"}
    )
    assert client.get(f"/netzwerk/aendern/{expired}").status_code == 410
    assert "abgelaufen" in client.get(f"/netzwerk/aendern/{expired}").get_data(as_text=True)
    for token in (foreign, forged, "kaputt"):
        answer = client.get(f"/netzwerk/aendern/{token}?lang=ar")
        assert answer.status_code == 403 and 'dir="rtl"' in answer.get_data(as_text=True)
    assert client.get(f"/netzwerk/schliessen/{forged}").status_code == 403  # an edit token never closes either


def test_a_change_through_the_link_goes_back_to_review(
    client: Any, form_post: Any, board_register: Register, smtp: Any, mail_links: Any
) -> None:
    _post_need(client, form_post)
    (post,) = list_posts(board_register)
    edit_url = next(u for u in mail_links(smtp[0].messages[0]) if "/netzwerk/aendern/" in u).split("localhost", 1)[1]
    shown = client.get(edit_url).get_data(as_text=True)
    assert 'value="Raum für Elterncafé gesucht"' in shown and POSTER in shown  # the poster sees their own address
    changed = form_post(client, edit_url, {**NEED, "title": "Raum für Elterncafé dienstags gesucht", "consent": ""})
    assert changed.status_code == 200, changed.get_data(as_text=True)[:600]
    stored = find_post(board_register, post.id)
    assert stored is not None and stored.title == "Raum für Elterncafé dienstags gesucht" and stored.state == "pending"


def test_an_address_is_placed_by_the_offers_geocoder_and_published_only_as_coarse_as_chosen(
    client: Any, form_post: Any, board_register: Register
) -> None:
    located = {
        "street": "Hauptstraße",
        "house_number": "5",
        "postal_code": "71634",
        "district": "",
        "location_visibility": "street",
    }
    answer = _post_need(client, form_post, **located)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]
    (post,) = list_posts(board_register)
    assert post.lon is not None and post.lat is not None and post.address == "Hauptstraße 5, 71634"
    public = post.public_point()
    assert public is not None and public != (post.lon, post.lat)  # a 250 m grid cell's centre, not the house
    missing = _post_need(client, form_post, **{**located, "street": "", "postal_code": ""})
    assert missing.status_code == 400 and 'href="#location_visibility"' in missing.get_data(as_text=True)
    unknown = _post_need(client, form_post, **{**located, "street": "Gibtsnichtweg", "postal_code": "99999"})
    assert unknown.status_code == 400 and 'id="street-error"' in unknown.get_data(as_text=True)
    assert len(list_posts(board_register)) == 1
