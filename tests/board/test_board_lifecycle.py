"""Posts' life after the form: the poster's changes and closing, contacts, and the funding report's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from registry import Register
from registry.board import (
    BoardPost,
    Contact,
    PostNotOpen,
    PostValues,
    add_post,
    close_post,
    list_contacts,
    list_posts,
    record_contact,
    set_state,
    update_post,
)
from registry.board_stats import board_figures, quarter_of, quarterly_figures, totals


def _values(**kw: object) -> PostValues:
    base: dict[str, object] = {"kind": "need", "topic": "rooms", "title": "Raum gesucht", "contact": "x@example.org"}
    return PostValues(**(base | kw))  # type: ignore[arg-type]


def _post(ident: int, **kw: object) -> BoardPost:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    base: dict[str, object] = dict(
        id=ident, kind="need", topic="rooms", title="t", text="", languages=(), target_groups=(), district_id=None,
        lon=None, lat=None, location_visibility="district", address="", organization="", contact="", valid_until=None,
        state="published", created_at=at, updated_at=at, version=1,
    )  # fmt: skip
    return BoardPost(**(base | kw))  # type: ignore[arg-type]


def test_contact_name_and_language_are_kept_and_publication_is_dated(board_register: Register) -> None:
    post = add_post(board_register, _values(contact_name="Amal", contact_name_public=False, lang="ar"), actor="public")
    assert (post.contact_name, post.public_contact_name(), post.lang, post.published_at) == ("Amal", "", "ar", None)
    published = set_state(board_register, post.id, "published", actor="mod@stadt.example")
    assert published.published_at is not None
    again = set_state(board_register, post.id, "published", actor="mod@stadt.example")
    assert again.published_at == published.published_at


def test_a_change_of_a_published_post_goes_back_to_review_and_is_audited(board_register: Register) -> None:
    post = add_post(board_register, _values(), actor="public")
    set_state(board_register, post.id, "published", actor="mod")
    changed = update_post(board_register, post.id, _values(title="Gruppenraum gesucht", contact="neu@example.org"))
    assert (changed.title, changed.state, changed.contact) == ("Gruppenraum gesucht", "pending", "neu@example.org")
    (event,) = [e for e in board_register.audit(entry_id=f"board:{post.id}") if e.action == "board_edit"]
    assert event.fields["title"] == ["Raum gesucht", "Gruppenraum gesucht"]
    assert "neu@example.org" not in str(event.fields) and "x@example.org" not in str(event.fields)


def test_close_with_the_helpful_match_and_refuse_a_second_close(board_register: Register) -> None:
    offer = add_post(board_register, _values(kind="offer", title="Raum frei"), actor="public", state="published")
    need = add_post(board_register, _values(), actor="public", state="published")
    closed = close_post(board_register, need.id, "success", "match", offer.id)
    assert (closed.state, closed.outcome, closed.helped, closed.helped_post_id) == (
        "closed",
        "success",
        "match",
        offer.id,
    )
    assert closed.closed_at is not None
    with pytest.raises(PostNotOpen, match="closed already"):
        close_post(board_register, need.id, "success")
    with pytest.raises(PostNotOpen):
        update_post(board_register, need.id, _values())
    with pytest.raises(ValueError, match="helped_post_id"):
        close_post(board_register, offer.id, "success", "match", None)
    withdrawn = close_post(board_register, offer.id, "withdrawn", "other")
    assert (withdrawn.outcome, withdrawn.helped) == ("withdrawn", "none")


def test_contacts_are_counted_without_sender_or_text(board_register: Register) -> None:
    post = add_post(board_register, _values(), actor="public", state="published")
    at = datetime(2026, 11, 30, 12, tzinfo=UTC)
    record_contact(board_register, Contact(post.id, None, at, "smtp"))
    record_contact(board_register, Contact(post.id, post.id, at, "outbox"))
    assert [(c.post_id, c.match_post_id, c.at, c.delivery) for c in list_contacts(board_register)] == [
        (post.id, None, at, "smtp"),
        (post.id, post.id, at, "outbox"),
    ]
    figures = board_figures(board_register)
    assert [(f.contacts, f.contacts_from_match) for f in figures if f.quarter == "2026-Q4"] == [(2, 1)]


def test_quarterly_figures_with_fixed_dates() -> None:
    def t(y: int, m: int, d: int) -> datetime:
        return datetime(y, m, d, 10, tzinfo=UTC)

    posts = [
        _post(1, published_at=t(2026, 3, 31)),  # Q1
        _post(
            2, published_at=t(2026, 4, 1), closed_at=t(2026, 6, 30), outcome="success", helped="match", helped_post_id=1
        ),
        _post(3, published_at=t(2026, 5, 2), closed_at=t(2026, 7, 1), outcome="success", helped="other"),
        _post(4, published_at=t(2026, 5, 3), closed_at=t(2026, 7, 2), outcome="withdrawn", helped="none"),
        _post(5, published_at=None, state="pending"),  # never published: not counted
    ]
    contacts = [
        Contact(1, None, t(2026, 4, 2), "smtp"),
        Contact(1, 2, t(2026, 4, 3), "smtp"),
        Contact(3, 1, t(2026, 10, 1), "outbox"),
    ]
    got = quarterly_figures(posts, contacts)
    assert [(f.quarter, f.published, f.contacts, f.contacts_from_match, f.closed_success, f.closed_success_with_match) for f in got] == [
        ("2026-Q1", 1, 0, 0, 0, 0),
        ("2026-Q2", 3, 2, 1, 1, 1),
        ("2026-Q3", 0, 0, 0, 1, 0),
        ("2026-Q4", 0, 1, 1, 0, 0),
    ]  # fmt: skip
    total = totals(got)
    assert (total.published, total.contacts, total.closed_success) == (4, 3, 2)
    assert quarter_of(datetime(2026, 12, 31, 23, 30)) == "2026-Q4"
    assert quarter_of(datetime.fromisoformat("2027-01-01T00:30:00+02:00")) == "2026-Q4"  # UTC: still 2026


def test_street_visibility_publishes_a_grid_point_only() -> None:
    exact = _post(1, lon=9.19123, lat=48.89456, location_visibility="exact")
    street = _post(2, lon=9.19123, lat=48.89456, location_visibility="street")
    district = _post(3, lon=9.19123, lat=48.89456, location_visibility="district")
    assert exact.public_point() == (9.19123, 48.89456)
    assert district.public_point() is None
    point = street.public_point()
    assert point is not None and point != (9.19123, 48.89456)
    assert abs(point[0] - 9.19123) < 0.005 and abs(point[1] - 48.89456) < 0.005


def test_migration_0007_gives_existing_posts_their_details(database_url: str, data_dir: Path) -> None:
    """A register with posts from before 0007: published ones count as published when created."""
    from sqlalchemy import text

    from registry import db

    register = Register.open(database_url, data_dir)
    try:
        db.upgrade(register.engine, "0006")
        at = datetime(2026, 5, 4, 12, tzinfo=UTC)
        with register.engine.begin() as conn:
            for state in ("published", "pending"):
                conn.execute(
                    text(
                        "INSERT INTO board_posts (kind, topic, title, text, languages, target_groups, location_visibility,"
                        " address, organization, contact, state, created_at, updated_at, version)"
                        " VALUES ('need', 'rooms', :title, '', '[]', '[]', 'district', '', 'V', '', :state, :at, :at, 1)"
                    ),
                    {"title": state, "state": state, "at": at},
                )
        register.upgrade()
        published, pending = list_posts(register)
        assert (published.published_at, pending.published_at) == (at, None)
        assert [f.published for f in board_figures(register)] == [1]
    finally:
        register.close()
