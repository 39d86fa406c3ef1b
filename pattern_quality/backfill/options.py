"""What both backfill twins share around their loop: options, progress, stopping.

:func:`start_run` checks the options once for :func:`~.runner.backfill` and
:func:`~.runner_async.abackfill` and starts their :class:`~.state.BackfillRun`;
:class:`ProgressTicker` calls the caller's ``progress``; :func:`stopped` builds the
:class:`~pattern_quality.errors.BackfillError` of a run that could not finish, and
:func:`finish` the report of one that did.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeAlias

from .._config import mask_dsn
from ..errors import BackfillError, PatternQualityError
from ..models import Pattern
from ..scoring import PatternQualityScorer
from . import DEFAULT_WRITE_BATCH as _DEFAULT_WRITE_BATCH
from .report import BackfillReport
from .state import BackfillRun
from .workers import check_workers

__all__ = [
    "DEFAULT_WRITE_BATCH",
    "Progress",
    "ProgressTicker",
    "check_items",
    "finish",
    "no_collections",
    "projector_for",
    "start_run",
    "stop_message",
    "stopped",
]

#: Scores per store write (defined in the package, which is light to import).
DEFAULT_WRITE_BATCH: Final = _DEFAULT_WRITE_BATCH

#: Called with the number of items read since its previous call.
Progress: TypeAlias = Callable[[int], object]


def start_run(
    store: object,
    *,
    scorer: PatternQualityScorer | None,
    batch_size: int,
    limit: int | None,
    min_confidence: float | None,
    dry_run: bool,
    changed_only: bool,
    workers: int,
    project: bool = False,
) -> BackfillRun:
    """Check the options both twins take and start the run's state.

    Args:
        store: The store given (only checked for presence).
        scorer: The scorer, or ``None`` for the default rubric without findings
            (bulk runs never read the findings; skipping them doubles scoring speed).
        batch_size: Patterns per batch.
        limit: Items to read at most.
        min_confidence: Skip patterns below it.
        dry_run: Write nothing.
        changed_only: Skip patterns whose stored row is unchanged.
        workers: Processes that score.
        project: Committed batches are projected into Qdrant.

    Returns:
        The run.

    Raises:
        ValueError: An invalid option, no store for a real run or for ``changed_only``.
    """
    if store is None and not dry_run:
        raise ValueError("a store is required unless dry_run=True")
    if changed_only and store is None:
        raise ValueError("changed_only=True needs a store to compare with (also in a dry run)")
    return BackfillRun(
        PatternQualityScorer(explain=False) if scorer is None else scorer,
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
        changed_only=changed_only,
        workers=check_workers(workers),
        project=project,
    )


def projector_for(project: object, source: object, *, dry_run: bool, asynchronous: bool) -> Any:
    """Return the projector a ``project=`` option asks for (``None``: no projection).

    Args:
        project: ``False``, ``True`` (the source's own projector, over its client)
            or a projector.
        source: The backfill's source.
        dry_run: The run writes nothing.
        asynchronous: The caller is :func:`~.runner_async.abackfill`.

    Returns:
        The projector, or ``None``.

    Raises:
        ValueError: ``project`` with ``dry_run``; ``project=True`` with a source
            that has no Qdrant points; a projector of the other kind (sync / async).
    """
    if project is False or project is None:
        return None
    if dry_run:
        raise ValueError("project= writes Qdrant payloads: it cannot be combined with dry_run=True")
    if project is True:
        make = getattr(source, "projector", None)
        if not callable(make):
            raise ValueError(
                "project=True needs a Qdrant source (QdrantPatternSource or "
                "AsyncQdrantPatternSource), whose points receive the projection; "
                "or pass project=QdrantProjector(client)"
            )
        project = make()
    method = getattr(project, "project", None)
    if not callable(method) or inspect.iscoroutinefunction(method) != asynchronous:
        want = "an AsyncQdrantProjector" if asynchronous else "a QdrantProjector"
        raise ValueError(f"project= needs {want} here, got {type(project).__name__}")
    return project


def no_collections(collections: object) -> None:
    """Refuse ``collections=`` for a source that has no collections.

    Args:
        collections: The option given.

    Raises:
        ValueError: It is not ``None``.
    """
    if collections is not None:
        raise ValueError(
            "collections= needs a source that knows collections, such as QdrantPatternSource"
        )


def check_items(items: object) -> None:
    """Reject a source that is not an iterable of items (a string, a single mapping ...).

    Args:
        items: The source.

    Raises:
        TypeError: ``items`` is a ``str``, ``bytes``, a mapping or not iterable.
    """
    if isinstance(items, str | bytes | Mapping | Pattern) or not (
        hasattr(items, "__iter__") or hasattr(items, "__aiter__")
    ):
        raise TypeError(f"source must be an iterable of patterns, got {type(items).__name__}")


class ProgressTicker:
    """Calls ``progress`` about every ``batch_size`` items read, and once at the end.

    When ``progress`` also has a ``status(collection, stored, failed)`` method, that
    is called right after each report with the collection of the last item read
    (``""`` for a source without collections) and the rows stored and the items
    failed so far.

    Args:
        progress: The caller's callback, or ``None``.
        run: The run whose ``seen`` counter is reported.
    """

    def __init__(self, progress: Progress | None, run: BackfillRun) -> None:
        self._progress = progress
        self._status = getattr(progress, "status", None)
        self._run = run
        self._reported = 0

    def _report(self, seen: int) -> None:
        assert self._progress is not None
        self._progress(seen - self._reported)
        self._reported = seen
        if callable(self._status):  # e.g. the command line's bar: label and counts
            run = self._run
            self._status(run.collection, run.stored, run.failed)

    def tick(self) -> None:
        """Report the items read since the last report, when a batch's worth is due."""
        seen = self._run.seen
        if self._progress is not None and seen % self._run.batch_size == 0:
            self._report(seen)

    def finish(self) -> None:
        """Report what is left to report (and, to a ``status`` method, the final counts)."""
        seen = self._run.seen
        if self._progress is not None and (seen > self._reported or callable(self._status)):
            self._report(seen)


def stop_message(exc: BaseException, run: BackfillRun, what: str) -> str:
    """Return the one-line explanation of a run that stopped early.

    Args:
        exc: The error that stopped it.
        run: The run.
        what: What failed, e.g. ``"writing batch 3 (2000 scores)"``.

    Returns:
        A message naming the cause, what is committed, and what to do.
    """
    cause = mask_dsn(str(exc))
    return (
        f"backfill stopped while {what}: {cause}. {run.stored} rows from {run.batches} "
        f"batches were committed and stay stored; run the backfill again to finish "
        f"(re-runs update rows, never duplicate them)"
    )


def stopped(run: BackfillRun, what: str, exc: BaseException) -> BackfillError:
    """Return the error of a run that stopped while doing ``what``.

    Args:
        run: The run.
        what: The step that failed, or ``"reading the source"``.
        exc: Why (raise the result ``from`` it).

    Returns:
        The error, with the partial report.
    """
    message = stop_message(exc, run, what)
    return BackfillError(message, run.report(completed=False, error=message))


def finish(
    run: BackfillRun, ticker: ProgressTicker, source_error: PatternQualityError | None
) -> BackfillReport:
    """Report the last progress, then return the run's report (or raise its source error).

    Args:
        run: The run, whose batches are all written.
        ticker: Its progress.
        source_error: What the source raised part way, if it did.

    Returns:
        The report.

    Raises:
        BackfillError: The source failed part way (what was read is stored).
    """
    ticker.finish()
    if source_error is not None:
        raise stopped(run, "reading the source", source_error) from source_error
    return run.report()
