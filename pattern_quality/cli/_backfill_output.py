"""Text rendering of a :class:`~pattern_quality.backfill.BackfillReport` (no I/O)."""

from __future__ import annotations

from ..backfill.report import BackfillReport, FailureExample
from ..report import format_summary

__all__ = ["format_failures", "format_report", "format_unprojected"]


def _example(e: FailureExample) -> str:
    where = f"{e.collection}/" if e.collection else ""
    point = e.point_id if e.point_id is not None else e.pattern_id
    return f"{where}{point}"


def format_failures(report: BackfillReport) -> str:
    """Return the failure list: one line per reason with its count and example points.

    Args:
        report: The report.

    Returns:
        ``""`` when nothing failed, else a block starting with ``failures (N):``.
    """
    if not report.failures:
        return ""
    lines = [f"failures ({report.failed:,}):"]
    for group in report.failures:
        lines.append(f"  {group.count:>6,}  {group.reason}")
        shown = ", ".join(_example(e) for e in group.examples)
        more = (
            f" (+{group.count - len(group.examples):,} more)"
            if group.count > len(group.examples)
            else ""
        )
        lines.append(f"          e.g. {shown}{more}")
    return "\n".join(lines)


def format_unprojected(report: BackfillReport) -> str:
    """Return the list of batches that were stored but not projected into Qdrant.

    Args:
        report: The report.

    Returns:
        ``""`` when every stored batch was projected, else a block starting with
        ``stored, not projected``.
    """
    if not report.not_projected:
        return ""
    rows = sum(b.rows for b in report.not_projected)
    n = len(report.not_projected)
    lines = [
        f"stored, not projected ({n:,} batch{'' if n == 1 else 'es'}, {rows:,} rows): "
        "the rows are in the database; run `pattern-quality project` to write their payloads"
    ]
    for b in report.not_projected:
        lines.append(f"  batch {b.batch:,} ({b.rows:,} rows): {b.reason}")
        if b.pattern_ids:
            lines.append(f"          e.g. {', '.join(b.pattern_ids)}")
    return "\n".join(lines)


def format_report(report: BackfillReport) -> str:
    """Return the human summary: totals, failures, tiers, averages, throughput.

    Args:
        report: The report.

    Returns:
        Multi-line text without a trailing newline.
    """
    where = ", ".join(report.collections) or "source"
    state = "" if report.completed else " - STOPPED EARLY"
    mode = " (dry run: nothing written)" if report.dry_run else ""
    lines = [
        f"backfill of {where}{mode}{state}",
        f"  seen     {report.seen:>10,}",
        f"  scored   {report.scored:>10,}",
        f"  stored   {report.stored:>10,}"
        + (
            f"  in {report.batches:,} batch{'' if report.batches == 1 else 'es'}"
            if report.batches
            else ""
        )
        + (f", {report.retries:,} retried" if report.retries else ""),
        f"  skipped  {report.skipped:>10,}  (below --min-confidence)",
    ]
    if report.changed_only:
        lines.append(
            f"  unchanged{report.unchanged:>10,}  (same content and rubric: not re-scored)"
        )
    lines.append(f"  failed   {report.failed:>10,}")
    if report.project:
        newer = (
            f", {report.projection_newer:,} held a newer score" if report.projection_newer else ""
        )
        lines.append(f"  projected{report.projected:>10,}  (Qdrant payloads written{newer})")
    for block in (format_failures(report), format_unprojected(report)):
        if block:
            lines.append(block)
    if report.scored:
        title = f"tier distribution ({report.scored:,} scored, rubric {report.rubric_version})"
        lines += ["", format_summary(report.summary, title=title), ""]
    lines.append(
        f"throughput: {report.seen:,} patterns in {report.elapsed:.2f} s "
        f"({report.throughput:,.0f} patterns/s)"
    )
    return "\n".join(lines)
