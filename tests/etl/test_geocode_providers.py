"""Online (fake geopy geocoder, fake clock), postcode and district providers. No network."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest
from geopy import exc as geopy_exc

from etl.geocode import AddressQuery, GeocodeCache, GeocoderSettings, ProviderError, geocode_queries
from etl.geocode._providers import DistrictProvider, OnlineProvider, PostcodeProvider, Throttle
from etl.problems import render


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeResult:
    latitude: float
    longitude: float
    raw: dict[str, Any]


def nominatim_result(lon: float, lat: float, postcode: str, house: str | None = "1", country: str = "de") -> FakeResult:
    address = {"road": "Schillerstraße", "postcode": postcode, "country_code": country}
    if house:
        address["house_number"] = house
    return FakeResult(lat, lon, {"address": address, "addresstype": "building" if house else "road"})


@dataclass
class FakeGeocoder:
    """Stands in for geopy's Nominatim/Photon: scripted answers or exceptions, records call times."""

    clock: FakeClock
    script: list[Any] = field(default_factory=list)
    calls: list[tuple[float, Any, dict[str, Any]]] = field(default_factory=list)

    def geocode(self, query: Any, **kwargs: Any) -> Any:
        self.calls.append((self.clock(), query, kwargs))
        step = self.script.pop(0) if self.script else []
        if isinstance(step, Exception):
            raise step
        return step


def online(geocoder: FakeGeocoder, clock: FakeClock, **settings: Any) -> OnlineProvider:
    options = {"online": True, "url": "https://nominatim.example.invalid", "min_delay_seconds": 1.0} | settings
    return OnlineProvider(
        GeocoderSettings(**options), ["71634", "71638"], geocoder=geocoder, clock=clock, sleep=clock.sleep
    )


QUERY = AddressQuery("Schillerstraße", "1", "71638", "Ludwigsburg")


def test_online_asks_structured_and_restricted_to_germany() -> None:
    clock = FakeClock()
    geocoder = FakeGeocoder(clock, [[nominatim_result(9.19, 48.89, "71638")]])
    found = online(geocoder, clock).locate(QUERY)
    assert found is not None and (found.source, found.precision) == ("online", "address")
    assert (found.lon, found.lat) == (9.19, 48.89)
    _, request, kwargs = geocoder.calls[0]
    assert request == {"street": "1 Schillerstraße", "postalcode": "71638", "city": "Ludwigsburg"}
    assert kwargs["country_codes"] == "de" and kwargs["timeout"] == 10.0


def test_online_skips_results_outside_city_postcodes_or_country_or_too_coarse() -> None:
    clock = FakeClock()
    results = [
        nominatim_result(8.0, 49.0, "76131"),  # another city
        nominatim_result(6.0, 50.0, "71638", country="fr"),
        FakeResult(48.9, 9.2, {"address": {"postcode": "71638", "country_code": "de"}, "addresstype": "city"}),
        nominatim_result(9.2, 48.9, "71638", house=None),  # the street: accepted at street precision
    ]
    found = online(FakeGeocoder(clock, [results]), clock).locate(QUERY)
    assert found is not None and found.precision == "street" and found.lon == 9.2
    assert online(FakeGeocoder(clock, [results[:3]]), clock).locate(QUERY) is None


def test_online_throttle_keeps_one_second_between_requests() -> None:
    clock = FakeClock()
    geocoder = FakeGeocoder(clock)
    provider = online(geocoder, clock)
    for number in range(4):
        provider.locate(AddressQuery("Schillerstraße", str(number), "71638"))
    times = [t for t, _, _ in geocoder.calls]
    assert len(times) == 4
    assert all(b - a >= 1.0 for a, b in pairwise(times))


def test_throttle_does_not_sleep_when_enough_time_passed() -> None:
    clock = FakeClock()
    throttle = Throttle(1.0, clock, clock.sleep)
    throttle.wait()
    clock.now += 5
    throttle.wait()
    assert clock.sleeps == []


def test_online_retries_429_and_timeouts_with_backoff() -> None:
    clock = FakeClock()
    script = [geopy_exc.GeocoderRateLimited("429", retry_after=7), geopy_exc.GeocoderTimedOut("slow")]
    geocoder = FakeGeocoder(clock, [*script, [nominatim_result(9.19, 48.89, "71638")]])
    provider = online(geocoder, clock, max_retries=2)
    assert provider.locate(QUERY) is not None
    times = [t for t, _, _ in geocoder.calls]
    assert times[1] - times[0] >= 7  # Retry-After honoured
    assert times[2] - times[1] >= 4  # doubling back-off
    assert provider.requests == 3


def test_online_gives_up_after_retries_and_chain_goes_on(tmp_path) -> None:
    clock = FakeClock()
    geocoder = FakeGeocoder(clock, [geopy_exc.GeocoderServiceError("HTTP 502")] * 3)
    provider = online(geocoder, clock, max_retries=2)
    with pytest.raises(ProviderError, match="nicht verfügbar"):
        provider.locate(QUERY)
    assert len(geocoder.calls) == 3

    geocoder.script = [geopy_exc.GeocoderTimedOut("slow")] * 3
    with GeocodeCache.open(tmp_path) as cache:
        outcome = geocode_queries([QUERY], [provider, PostcodeProvider(["71638"])], cache)
        assert outcome.locations[0].source == "postcode"
        assert len(cache) == 0  # reached after a transient failure: asked again next run


def test_online_refusal_stops_asking() -> None:
    clock = FakeClock()
    geocoder = FakeGeocoder(clock, [geopy_exc.GeocoderInsufficientPrivileges("403")])
    provider = online(geocoder, clock)
    with pytest.raises(ProviderError, match="verweigert"):
        provider.locate(QUERY)
    with pytest.raises(ProviderError):
        provider.locate(AddressQuery("Andere Straße", "2", "71638"))
    assert len(geocoder.calls) == 1


def test_online_does_not_ask_without_street() -> None:
    clock = FakeClock()
    geocoder = FakeGeocoder(clock)
    assert online(geocoder, clock).locate(AddressQuery(None, None, "71638", "Ludwigsburg")) is None
    assert geocoder.calls == []


def test_photon_gets_free_text_and_its_results_are_read() -> None:
    clock = FakeClock()
    feature = {"properties": {"type": "house", "postcode": "71638", "countrycode": "DE", "housenumber": "1"}}
    geocoder = FakeGeocoder(clock, [[FakeResult(48.89, 9.19, feature)]])
    found = online(geocoder, clock, provider="photon").locate(QUERY)
    assert found is not None and found.precision == "address"
    assert geocoder.calls[0][1] == "Schillerstraße 1, 71638 Ludwigsburg"


def test_unknown_online_provider_names_the_choices() -> None:
    with pytest.raises(ValueError, match="nominatim"):
        OnlineProvider(GeocoderSettings(online=True, provider="google"))


def test_postcode_centroid_only_for_allowed_postcodes() -> None:
    provider = PostcodeProvider(["71634", "71638"])
    found = provider.locate(AddressQuery(postal_code="71638"))
    assert found is not None and found.precision == "postcode"
    assert 9.0 < found.lon < 9.4 and 48.8 < found.lat < 49.0  # lon/lat order, Ludwigsburg
    far = AddressQuery(postal_code="10115")  # Berlin: real, but not the city's
    assert provider.locate(far) is None
    assert "nicht im Stadtgebiet" in render(provider.explain_miss(far))
    assert provider.locate(AddressQuery(postal_code="71999")) is None
    assert "gibt es nicht" in render(provider.explain_miss(AddressQuery(postal_code="71999")))
    assert PostcodeProvider(None).locate(far) is not None  # no filter: any German postcode


def test_district_point_matches_folded_names() -> None:
    provider = DistrictProvider({"Ludwigsburg-Mitte": (9.19, 48.89), "Oßweil": (9.22, 48.91)})
    assert provider.locate(AddressQuery(district="ludwigsburg mitte")).lon == 9.19
    assert provider.locate(AddressQuery(district="OSSWEIL")).precision == "district"
    assert provider.locate(AddressQuery(district="Nirgendwo")) is None
    assert "unbekannt" in render(provider.explain_miss(AddressQuery(district="Nirgendwo")))
