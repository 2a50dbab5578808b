"""The data contract shared by the ETL and the dashboard.

Only this package is imported by both sides: the offer and district schema
(:mod:`geodata.schema`), the taxonomy (:mod:`geodata.taxonomy`), language codes
(:mod:`geodata.languages`), CRS helpers (:mod:`geodata.crs`), reading and atomic
writing of the GeoJSON files (:mod:`geodata.io`) and the bundled datasets
(:mod:`geodata.datasets`).
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
