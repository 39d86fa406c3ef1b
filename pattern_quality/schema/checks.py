"""The I/O-free half of ``verify``: the checks' SQL, and turning results into a report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs

from ..models import DIMENSION_KEYS

__all__ = [
    "CONSTRAINTS_SQL",
    "DUPLICATES_SQL",
    "RANGES_SQL",
    "TABLE_SQL",
    "UNIQUE_CONSTRAINT",
    "VerifyCheck",
    "VerifyReport",
    "constraint_checks",
    "duplicates_check",
    "ranges_check",
]

#: The constraint that keeps one row per pattern (added by migration 014).
UNIQUE_CONSTRAINT: Final = "pattern_quality_metrics_pattern_id_unique"
#: How many offending pattern_ids a finding quotes.
EXAMPLES: Final = 5

TABLE_SQL: Final = "SELECT to_regclass('pattern_quality_metrics') IS NOT NULL"

#: Every unique and foreign-key constraint of the table, with its columns.
CONSTRAINTS_SQL: Final = """
SELECT c.conname, c.contype::text,
       array(SELECT a.attname::text FROM unnest(c.conkey) AS k(attnum)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY a.attname)
FROM pg_constraint c
WHERE c.conrelid = 'pattern_quality_metrics'::regclass AND c.contype IN ('u', 'f')
ORDER BY c.conname
"""

DUPLICATES_SQL: Final = f"""
SELECT count(*)::bigint, coalesce(sum(n - 1), 0)::bigint,
       coalesce((array_agg(pattern_id::text ORDER BY pattern_id))[1:{EXAMPLES}], '{{}}')
FROM (
    SELECT pattern_id, count(*) AS n FROM pattern_quality_metrics
    GROUP BY pattern_id HAVING count(*) > 1
) AS groups
"""


def _bad_dimension(key: str) -> str:
    # A dimension score that is present must be a JSON number in [0, 1] (null is not).
    path = f'$.{key} ? (@.type() != "number" || @ < 0 || @ > 1)'
    return f"jsonb_path_exists(coalesce(metadata, '{{}}'), '{path}')"


def _bad_unit(column: str) -> str:
    # NaN sorts above every number in PostgreSQL, so "<= 1" also rejects it.
    return f"({column} IS NULL OR NOT ({column} >= 0 AND {column} <= 1))"


_BAD: Final = {
    "quality_score": _bad_unit("quality_score"),
    "confidence": _bad_unit("confidence"),
    "metadata dimension scores": "(" + " OR ".join(_bad_dimension(k) for k in DIMENSION_KEYS) + ")",
}

#: Total rows, then per score column: offending rows and up to EXAMPLES pattern_ids.
RANGES_SQL: Final = (
    "SELECT count(*)::bigint, "
    + ", ".join(
        f"count(*) FILTER (WHERE {cond})::bigint, "
        f"coalesce((array_agg(pattern_id::text ORDER BY pattern_id) FILTER (WHERE {cond}))"
        f"[1:{EXAMPLES}], '{{}}')"
        for cond in _BAD.values()
    )
    + " FROM pattern_quality_metrics"
)


@attrs.frozen
class VerifyCheck:
    """One check of :func:`~pattern_quality.migrate.verify`.

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
    """The result of :func:`~pattern_quality.migrate.verify`.

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
        rows: The result of :data:`CONSTRAINTS_SQL`: (name, type, columns).

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
    """Return the ``duplicates`` check from the result of :data:`DUPLICATES_SQL`.

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
    """Return the row count and the ``score ranges`` check from :data:`RANGES_SQL`.

    Args:
        counts: The single result row of :data:`RANGES_SQL`.

    Returns:
        (rows in the table, the check).
    """
    assert counts is not None
    total = int(counts[0])
    problems = []
    for i, label in enumerate(_BAD):
        bad, examples = int(counts[1 + 2 * i]), counts[2 + 2 * i]
        if bad:
            problems.append(f"{bad} row(s) with {label} outside [0, 1], e.g. {', '.join(examples)}")
    if not problems:
        detail = f"all scores of {total} row(s) are in [0, 1]"
        return total, VerifyCheck("score ranges", True, detail)
    return total, VerifyCheck("score ranges", False, "; ".join(problems))
