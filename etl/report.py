"""The build report: what a build did, as written to ``build_report.json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class BuildReport:
    """What a build did; mirrors ``build_report.json``.

    ``out_dir`` (the data folder), ``version`` and ``snapshot_dir`` (the published
    snapshot) are known once the set is written and are not part of the file.

    ``rows_in == rows_out + rows_rejected`` always holds (checked on creation).
    ``rows_review`` counts the published offers located only approximately (``review.csv``);
    ``notices`` are build-wide remarks (e.g. which city settings were used without ``--config``)
    as ``{"code", "params", "message"}``.
    ``rows_in`` counts non-empty data rows; fully empty rows are listed in
    ``empty_rows`` and are neither offers nor rejects. ``timings_s`` (seconds per
    stage) is the only part that differs between two runs of the same input.
    """

    rows_in: int
    rows_out: int
    rows_rejected: int
    by_geocode_source: Mapping[str, int] = field(default_factory=dict)
    by_geocode_precision: Mapping[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    rows_review: int = 0
    notices: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[Mapping[str, Any], ...] = ()
    inputs: tuple[Mapping[str, str], ...] = ()
    city: str = ""
    empty_rows: tuple[int, ...] = ()
    timings_s: Mapping[str, float] = field(default_factory=dict)
    fingerprint: str = ""
    up_to_date: bool = False
    out_dir: str = ""
    version: str = ""
    snapshot_dir: str = ""
    rows_not_listed: int = 0  # of rows_out: kept for staff, left out of offers.geojson (listed: false)

    def __post_init__(self) -> None:
        if self.rows_in != self.rows_out + self.rows_rejected:
            raise AssertionError(
                f"rows_in {self.rows_in} != rows_out {self.rows_out} + rows_rejected {self.rows_rejected}: rows were lost"
            )

    def to_dict(self) -> dict[str, Any]:
        """The report as written to ``build_report.json`` (without ``out_dir``)."""
        # shallow on purpose: dataclasses.asdict would deep-copy every warning (seconds at 100k rows)
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_WRITTEN}
        data["by_geocode_source"] = dict(self.by_geocode_source)
        data["by_geocode_precision"] = dict(self.by_geocode_precision)
        data["timings_s"] = dict(self.timings_s)
        data["warnings"] = [dict(w) for w in self.warnings]
        data["notices"] = [dict(n) for n in self.notices]
        data["inputs"] = [dict(i) for i in self.inputs]
        data["empty_rows"] = list(self.empty_rows)
        return data


#: Fields known only once the set is written (not part of ``build_report.json``).
_NOT_WRITTEN = frozenset({"out_dir", "up_to_date", "version", "snapshot_dir"})
