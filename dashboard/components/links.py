"""Safe links from data: only http, https, mailto and tel; phone numbers as ``tel:``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from geodata.schema import is_safe_url

_PHONE_KEEP = re.compile(r"[^0-9+]")


def tel_href(phone: str | None) -> str | None:
    """``tel:`` URI of a phone number (digits and a leading +), None when there are no digits."""
    if not phone:
        return None
    digits = _PHONE_KEEP.sub("", phone)
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if any(c.isdigit() for c in digits) else None


def mailto_href(email: str | None) -> str | None:
    """``mailto:`` URI for a plausible e-mail address, else None."""
    if not email or "@" not in email or any(c in email for c in " <>\"'"):
        return None
    return f"mailto:{email.strip()}"


def web_href(url: str | None) -> str | None:
    """``url`` when it is http(s), else None (no ``javascript:``, ``data:``...)."""
    if not url or not is_safe_url(url) or not url.lower().startswith(("http://", "https://")):
        return None
    return url


def route_href(template: str | None, offer: Mapping[str, Any]) -> str | None:
    """The router link for an offer from ``city.json``'s ``route_url`` template.

    The template may use ``{lat}``, ``{lon}`` (EPSG:4326 degrees) and ``{address}``
    (URL-encoded); a template that does not give an http(s) URL yields None.
    """
    if not template:
        return None
    address = " ".join(
        str(offer.get(k) or "") for k in ("street", "house_number", "postal_code", "city") if offer.get(k)
    )
    try:
        url = template.format(lat=f"{offer['lat']:.6f}", lon=f"{offer['lon']:.6f}", address=quote(address))
    except (KeyError, IndexError, ValueError):
        return None
    return web_href(url)
