"""/eintragen reports every problem of one submit at once: its own checks and the ETL's, input kept."""

from __future__ import annotations

import re


def summary_links(html: str) -> list[str]:
    """The field anchors the error summary links to, in order."""
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary"
    return re.findall(r'<a href="#([a-z_]+)">', found.group(0))


def test_missing_consent_and_missing_category_are_both_shown_at_once(client, register, smtp, form_data, post_form):
    bad = {**form_data, "consent": "", "category": "", "name": "Teestube Oststadt"}
    response = post_form(client, "/eintragen?lang=tr", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    anchors = summary_links(html)
    assert "category" in anchors and "consent" in anchors  # one round, both problems
    assert anchors.index("category") < anchors.index("consent")  # in the page's order
    assert 'id="category-error"' in html and 'id="consent-error"' in html  # at each field too
    assert 'value="Teestube Oststadt"' in html  # input kept
    assert register.queue() == [] and smtp[0].messages == []


def test_bad_submitter_email_and_unknown_category_in_one_round(client, register, smtp, form_data, post_form):
    bad = {**form_data, "submitter_email": "kein-at", "category": "Beratnug"}
    response = post_form(client, "/eintragen?lang=en", bad)
    anchors = summary_links(response.get_data(as_text=True))
    assert response.status_code == 400 and {"category", "submitter_email"} <= set(anchors)
    assert register.queue() == []


def test_a_valid_submission_still_goes_through(client, register, smtp, form_data, post_form):
    response = post_form(client, "/eintragen", form_data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert len(register.queue(kind="new")) == 1
