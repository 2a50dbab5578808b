"""The public form's privacy fields: "how exactly may the location be shown" and "do not list"."""

from __future__ import annotations


def test_form_offers_the_privacy_levels(client) -> None:
    text = client.get("/eintragen").get_data(as_text=True)
    assert 'name="location_visibility" value="district"' in text and 'id="listed"' in text
    assert 'id="lv-exact" name="location_visibility" value="exact" checked' in text  # exact by default


def test_district_only_and_do_not_list_are_stored_with_the_exact_point(
    client, register, smtp, form_data, post_form
) -> None:
    response = post_form(client, "/eintragen", {**form_data, "location_visibility": "district", "listed": "nein"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    entry = register.entry(register.queue(kind="new")[0].entry_id)
    assert entry is not None
    assert entry.properties["location_visibility"] == "district" and entry.properties["listed"] is False
    assert entry.properties["street"] == form_data["street"]  # the register keeps the address for staff


def test_defaults_are_exact_and_listed(client, register, smtp, form_data, post_form) -> None:
    post_form(client, "/eintragen", form_data)
    entry = register.entry(register.queue(kind="new")[0].entry_id)
    assert entry is not None
    assert entry.properties["location_visibility"] == "exact" and entry.properties["listed"] is True
