"""The I/O-free half of ``verify``: turning the results of its queries into a report.

The queries are in :mod:`.statements`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .statements import RANGE_LABELS, UNIQUE_CONSTRAINT

__all__ = [
    "VerifyCheck",
    "VerifyReport",
    "constraint_checks",
    "duplicates_check",
    "legacy_rows_note",
    "ranges_check",
]


@attrs.frozen
class VerifyCheck:
    """One check of :func:`~pattern_quality.schema.verify`.

    Attributes:
        name: Short name: ``table``, ``unique constraint``, ``foreign key``,
            ``duplicates``, ``score ranges``.
        ok: True when the check passed.
        detail: What was found, in one sentence.
    """

    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """Return the check as a JSON-ready dict."""
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@attrs.frozen
class VerifyReport:
    """The result of :func:`~pattern_quality.schema.verify`.

    Attributes:
        database: The database, password masked.
        checks: Every check that ran, in order (only ``table`` when the table is missing).
        rows: Rows in ``pattern_quality_metrics`` (``None`` when it is missing).
        notes: Information that is not a failure, e.g. pending migrations.
    """

    database: str
    checks: tuple[VerifyCheck, ...]
    rows: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> tuple[VerifyCheck, ...]:
        """The checks that failed."""
        return tuple(check for check in self.checks if not check.ok)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "database": self.database,
            "ok": self.ok,
            "rows": self.rows,
            "checks": [check.as_dict() for check in self.checks],
            "notes": list(self.notes),
        }


def table_check(exists: bool) -> VerifyCheck:
    """Return the ``table`` check."""
    detail = (
        "pattern_quality_metrics exists"
        if exists
        else ("pattern_quality_metrics does not exist; run `pattern-quality migrate`")
    )
    return VerifyCheck("table", exists, detail)


def constraint_checks(rows: Sequence[Sequence[Any]]) -> tuple[VerifyCheck, ...]:
    """Return the ``unique constraint`` and ``foreign key`` checks.

    Args:
        rows: The result of :data:`.statements.CONSTRAINTS_SQL`: (name, type, columns).

    Returns:
        The two checks.
    """
    unique = [
        r for r in rows if r[0] == UNIQUE_CONSTRAINT and r[1] == "u" and r[2] == ["pattern_id"]
    ]
    unique_check = VerifyCheck(
        "unique constraint",
        bool(unique),
        f"{UNIQUE_CONSTRAINT} UNIQUE (pattern_id) is present"
        if unique
        else f"{UNIQUE_CONSTRAINT} UNIQUE (pattern_id) is missing; run `pattern-quality migrate`",
    )
    fks = [r[0] for r in rows if r[1] == "f"]
    fk_check = VerifyCheck(
        "foreign key",
        not fks,
        "no foreign key on pattern_quality_metrics"
        if not fks
        else f"foreign key(s) still present: {', '.join(fks)}; run `pattern-quality migrate`",
    )
    return unique_check, fk_check


def duplicates_check(row: Sequence[Any] | None) -> VerifyCheck:
    """Return the ``duplicates`` check from the result of :data:`.statements.DUPLICATE_IDS_SQL`.

    Args:
        row: (pattern_ids with more than one row, rows beyond the first of each
            such pattern_id, some of those pattern_ids).

    Returns:
        The check.
    """
    assert row is not None
    groups, extra_rows, examples = int(row[0]), int(row[1]), list(row[2])
    if not groups:
        return VerifyCheck("duplicates", True, "every pattern_id has exactly one row")
    return VerifyCheck(
        "duplicates",
        False,
        f"{groups} pattern_id(s) have more than one row ({extra_rows} extra row(s)), "
        f"e.g. {', '.join(examples)}",
    )


def ranges_check(counts: Sequence[Any] | None) -> tuple[int, VerifyCheck]:
    """Return the row count and the ``score ranges`` check from :data:`.statements.RANGES_SQL`.

    Args:
        counts: The single result row of :data:`.statements.RANGES_SQL`.

    Returns:
        (rows in the table, the check).
    """
    assert counts is not None
    total = int(counts[0])
    problems = []
    for i, label in enumerate(RANGE_LABELS):
        bad, examples = int(counts[1 + 2 * i]), counts[2 + 2 * i]
        if bad:
            problems.append(f"{bad} row(s) with {label} outside [0, 1], e.g. {', '.join(examples)}")
    if not problems:
        detail = f"all scores of {total} row(s) are in [0, 1]"
        return total, VerifyCheck("score ranges", True, detail)
    return total, VerifyCheck("score ranges", False, "; ".join(problems))


def legacy_rows_note(count: int) -> str:
    """Return the note of ``verify`` about legacy rows stored without dimension scores.

    Args:
        count: Rows whose ``metadata`` is ``'{}'`` or NULL (or holds no dimension score).

    Returns:
        The note: such rows are valid (composite known), the backfill re-scores them.
    """
    return (
        f"{count} legacy row(s) without dimension scores (metadata '{{}}' or NULL): valid, "
        "composite only; `pattern-quality backfill` re-scores them"
    )
