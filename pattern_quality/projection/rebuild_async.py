"""Rebuild and check the projection: :func:`aproject_stored`, :func:`averify_projection`.

Both read each collection page by page (one ``scroll`` of the payload key per
page, never the vectors), map every point id to its pattern id with the legacy
rule (integer ids through the uuid5 mapping, docs/legacy.md), and read the
page's stored rows with one ``get_many``. The rebuild then writes the page with
one request; the check only compares. Memory stays around one page. The sync
module is generated from the async one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from ..sources.mapping import pattern_id_for_point
from ..storage.base import AsyncQualityStore
from .payload import QualityPayload, State, classify
from .projector_async import AsyncQdrantProjector
from .reports import MAX_EXAMPLES, PROBLEMS, Mismatch, ProjectionCheck, ProjectReport

__all__ = ["aproject_stored", "averify_projection"]


def _iso(payload: QualityPayload | None) -> str | None:
    return None if payload is None else payload.measured_at.isoformat()


async def aproject_stored(
    projector: AsyncQdrantProjector,
    store: AsyncQualityStore,
    collections: Iterable[str],
    *,
    changed_only: bool = False,
    page_size: int = 1000,
) -> ProjectReport:
    """Make every point's projection equal to its stored row, without re-scoring.

    The database is the source of truth: a point whose pattern has a row gets
    that row's projection (also when its payload held another, even a newer,
    measurement), and a point whose projection has no row any more loses it.
    Re-running converges: a second run writes the same payloads again, or with
    ``changed_only`` nothing at all.

    Args:
        projector: Writes into the points (its key names the payload).
        store: The stored rows.
        collections: The collections whose points are projected.
        changed_only: Leave alone the points whose payload already holds their
            row's projection (same measurement time and values).
        page_size: Points per ``scroll`` and per write request.

    Returns:
        What was written.

    Raises:
        ValueError: ``page_size < 1``.
        CollectionNotFoundError: A collection does not exist (nothing was written).
        QdrantUnavailableError: Qdrant could not be reached (pages written so far stay).
        StoreError: The database could not be read.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ValueError(f"page_size must be an integer >= 1, got {page_size!r}")
    start = time.perf_counter()
    names = await projector.check(collections)
    points = written = cleared = unchanged = unscored = requests = 0
    for name in names:
        async for page in projector.scan(name, page_size):
            points += len(page)
            rows = await store.get_many([pattern_id_for_point(pid) for pid, _ in page])
            sets: dict[int | str, QualityPayload] = {}
            clears: list[int | str] = []
            for pid, held in page:
                row = rows.get(pattern_id_for_point(pid))
                if row is None:
                    if held is None:
                        unscored += 1
                    else:
                        clears.append(pid)
                    continue
                want = QualityPayload.of(row)
                if changed_only and held == want:
                    unchanged += 1
                else:
                    sets[pid] = want
            if sets or clears:
                await projector.write(name, sets, clears)
                requests += 1
                written += len(sets)
                cleared += len(clears)
    return ProjectReport(
        collections=names,
        changed_only=changed_only,
        points=points,
        written=written,
        cleared=cleared,
        unchanged=unchanged,
        unscored=unscored,
        requests=requests,
        elapsed=time.perf_counter() - start,
    )


async def averify_projection(
    projector: AsyncQdrantProjector,
    store: AsyncQualityStore,
    collections: Iterable[str],
    *,
    page_size: int = 1000,
) -> ProjectionCheck:
    """Compare every point's projection with its stored row; write nothing.

    Args:
        projector: Reads the points (its key names the payload).
        store: The stored rows.
        collections: The collections to check.
        page_size: Points per ``scroll``.

    Returns:
        Points per state (``ok``, ``missing``, ``stale``, ``ahead``, ``unscored``)
        with examples of the problems.

    Raises:
        ValueError: ``page_size < 1``.
        CollectionNotFoundError: A collection does not exist.
        QdrantUnavailableError: Qdrant could not be reached.
        StoreError: The database could not be read.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ValueError(f"page_size must be an integer >= 1, got {page_size!r}")
    names = await projector.check(collections)
    counts = dict.fromkeys((s.value for s in State), 0)
    examples: dict[str, list[Mismatch]] = {s.value: [] for s in PROBLEMS}
    points = 0
    for name in names:
        async for page in projector.scan(name, page_size):
            points += len(page)
            ids = [pattern_id_for_point(pid) for pid, _ in page]
            rows = await store.get_many(ids)
            for (pid, held), pattern_id in zip(page, ids, strict=True):
                row = rows.get(pattern_id)
                want = None if row is None else QualityPayload.of(row)
                state = classify(held, want)
                counts[state.value] += 1
                kept = examples.get(state.value)
                if kept is not None and len(kept) < MAX_EXAMPLES:
                    kept.append(Mismatch(name, pid, pattern_id, _iso(held), _iso(want)))
    return ProjectionCheck(
        collections=names,
        points=points,
        counts=counts,
        examples={k: tuple(v) for k, v in examples.items()},
    )
