"""Pure helpers of the staff pages (no server, no register)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dashboard.staff.forms import (
    FORM_FIELDS,
    FieldError,
    choose,
    clean_query,
    conflict_rows,
    errors_by_field,
    form_text,
    form_values,
    make_page,
    parse_offset,
    problem_errors,
    safe_next,
    user_form_errors,
)
from dashboard.staff.messages import staff_translator


@dataclass(frozen=True)
class _Problem:
    field: str | None
    message: str
    severity: str = "error"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/verwaltung/queue?kind=new", "/verwaltung/queue?kind=new"),
        ("/verwaltung", "/verwaltung"),
        ("https://evil.example/verwaltung", "/d"),
        ("//evil.example/verwaltung/queue", "/d"),
        ("/verwaltungX/queue", "/d"),
        ("/api/offers.geojson", "/d"),
        ("/verwaltung\\..\\x", "/d"),
        ("", "/d"),
        (None, "/d"),
    ],
)
def test_safe_next_allows_only_local_staff_paths(target, expected):
    assert safe_next(target, "/verwaltung", "/d") == expected


def test_make_page_uses_the_extra_item_only_to_know_more_follow():
    page = make_page(list(range(51)), offset=50, limit=50)
    assert page.items == tuple(range(50))
    assert page.has_next and page.has_previous
    assert (page.previous_offset, page.next_offset) == (0, 100)
    last = make_page([1, 2], offset=0, limit=50)
    assert not last.has_next and not last.has_previous


@pytest.mark.parametrize(("text", "expected"), [("20", 20), ("-5", 0), ("abc", 0), (None, 0), ("", 0)])
def test_parse_offset(text, expected):
    assert parse_offset(text) == expected


def test_choose_and_clean_query():
    assert choose("new", ("new", "change")) == "new"
    assert choose("<script>", ("new", "change")) is None
    assert clean_query("  Sprachcafé ") == "Sprachcafé"
    assert clean_query("   ") is None
    assert clean_query("x" * 500) == "x" * 200


def test_form_values_strip_and_keep_only_contract_fields():
    posted = {"name": "  Neu  ", "description": "a\r\nb", "csrf_token": "t", "state": "published", "email": ""}
    values = form_values(posted)
    assert set(values) == set(FORM_FIELDS)
    assert values["name"] == "Neu"
    assert values["description"] == "a\nb"
    assert values["email"] is None
    assert form_text(values)["email"] == ""


def test_problem_errors_attach_to_form_fields():
    problems = [
        _Problem("category", "unbekannte Kategorie 'Beratnug'"),
        _Problem("geocode_source", "Adresse nicht gefunden"),
        _Problem("district_name", "Stadtteil unbekannt"),
        _Problem(None, "kaputt"),
        _Problem("url", "Link entfernt", "warning"),
    ]
    errors = problem_errors(problems, lambda p, lang: p.message, "de")
    assert [(e.field, e.message) for e in errors] == [
        ("category", "unbekannte Kategorie 'Beratnug'"),
        ("street", "Adresse nicht gefunden"),
        ("district", "Stadtteil unbekannt"),
        ("street", "kaputt"),
    ]
    assert errors_by_field([*errors, FieldError(None, "x")])["street"] == ["Adresse nicht gefunden", "kaputt"]


def test_user_form_errors_name_each_field():
    t = staff_translator("en")
    errors = user_form_errors("not-an-address", "short", "root", t)
    assert [e.field for e in errors] == ["email", "password", "role"]
    assert "at least 12" in errors[1].message
    assert user_form_errors("a@stadt.de", "x" * 12, "moderator", t) == []


def test_conflict_rows_mark_differences():
    rows = conflict_rows({"name": "Alt", "city": "LB"}, {"name": "Neu", "city": "LB"})
    by_field = {r[0]: r for r in rows}
    assert by_field["name"] == ("name", "Alt", "Neu", True)
    assert by_field["city"][3] is False
