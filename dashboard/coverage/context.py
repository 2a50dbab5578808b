"""The coverage context of a snapshot: built on first use, cached per snapshot, warmed in the background.

Nothing here is captured at registration or kept per process: :func:`coverage_context`
asks the snapshot (``snapshot.derived``), so a newly published snapshot gets its own
population cells (the grid named in its ``city.json``), its own model and its own
background warm-up the first time a page, callback or the CSV export sees it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from dashboard.coverage.compute import CATCHMENT, CoverageContext, CoverageSetupError, build_context
from dashboard.snapshot import Snapshot

logger = logging.getLogger(__name__)

#: Key of the coverage context among a snapshot's derived structures.
CONTEXT_KEY = ("coverage", "context")
#: Name prefix of the background threads that precompute a model's search structures.
WARM_THREAD = "coverage-warm"


@dataclass(frozen=True)
class CoverageUnavailable:
    """Why a snapshot has no coverage analysis (e.g. no districts); cached like a context."""

    reason: str


def coverage_context(snapshot: Snapshot) -> CoverageContext | None:
    """The snapshot's coverage context (built once per snapshot), or None when it has no districts."""
    result = snapshot.derived(CONTEXT_KEY, lambda: prepare(snapshot))
    return result if isinstance(result, CoverageContext) else None


def prepare(snapshot: Snapshot) -> CoverageContext | CoverageUnavailable:
    """Build the snapshot's context and start warming its model (called once per snapshot)."""
    try:
        ctx = build_context(snapshot.dataset, snapshot.path)
    except CoverageSetupError as exc:
        logger.warning("coverage analysis not available for snapshot %s: %s", snapshot.version, exc)
        return CoverageUnavailable(str(exc))
    start_warm(ctx, snapshot.version)
    return ctx


def start_warm(ctx: CoverageContext, version: str) -> threading.Thread:
    """Precompute the model's filter-independent search structures in a daemon thread (answers go on meanwhile)."""
    thread = threading.Thread(target=ctx.model.warm, args=((CATCHMENT,),), name=f"{WARM_THREAD}-{version}", daemon=True)
    thread.start()
    logger.info("coverage: warming the model of snapshot %s in the background", version)
    return thread
