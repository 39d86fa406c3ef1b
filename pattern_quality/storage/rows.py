"""The I/O-free half of the stores: SQL text, validation, parameter shaping, row mapping.

Everything here is pure and shared by :mod:`.postgres`, :mod:`.postgres_async`
and :mod:`.memory`, so the four stores cannot drift apart:

* :func:`prepare_upsert` validates a whole call before anything is written,
  canonicalises ids, keeps the latest score per id (ties: the last given) and
  sorts by ``pattern_id`` (the lock order that keeps concurrent writers free of
  deadlocks);
* :func:`encode_metadata` / :func:`stored_from_row` define the stored shape;
* the ``*_sql`` functions build statements with :mod:`psycopg.sql`, the table
  name quoted as an identifier.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

from psycopg import sql

from ..errors import PatternValidationError, SchemaNotReadyError, StoreError
from ..ids import canonical_pattern_id, canonical_pattern_ids
from ..models import DIMENSION_KEYS, Finding, QualityScore, StoredQuality

__all__ = [
    "COPY_MIN_ROWS",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TABLE",
    "MAX_STORED_FINDINGS",
    "UPSERT_CHUNK_SIZE",
    "TableRef",
    "UpsertRow",
    "canonical_pattern_id",
    "canonical_pattern_ids",
    "check_batch_size",
    "encode_metadata",
    "metadata_json",
    "prepare_upsert",
    "stored_from_row",
]

#: Table written and read when no other name is given.
DEFAULT_TABLE: Final = "pattern_quality_metrics"
#: At most this many findings of a score are kept in the stored ``metadata``.
MAX_STORED_FINDINGS: Final = 20
#: Rows sent per statement; a larger call is sent in chunks inside one transaction.
UPSERT_CHUNK_SIZE: Final = 5000
#: Below this many rows an upsert is one pipelined ``executemany``; from it on,
#: rows are COPYed into a temporary table and merged by one statement per chunk.
COPY_MIN_ROWS: Final = 64
#: Default number of rows :meth:`iter_all` fetches per round trip.
DEFAULT_BATCH_SIZE: Final = 1000

#: Columns the stores write, in parameter order.
WRITE_COLUMNS: Final = (
    "pattern_id",
    "quality_score",
    "confidence",
    "measurement_timestamp",
    "version",
    "metadata",
)
#: Columns the stores read, in :func:`stored_from_row` order.
READ_COLUMNS: Final = (*WRITE_COLUMNS, "created_at", "updated_at")


def check_batch_size(batch_size: int) -> int:
    """Check an :meth:`iter_all` batch size.

    Args:
        batch_size: Rows per round trip.

    Returns:
        ``batch_size``.

    Raises:
        ValueError: Not an ``int`` of at least 1.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: expected an int >= 1, got {batch_size!r}")
    return batch_size


class UpsertRow(NamedTuple):
    """One validated row to write, in :data:`WRITE_COLUMNS` order (metadata as JSON text)."""

    pattern_id: str
    quality_score: float
    confidence: float
    measurement_timestamp: datetime
    version: str
    metadata: str


def _clean(text: object) -> str:
    # PostgreSQL text and jsonb reject NUL characters and lone surrogates.
    value = text if text.__class__ is str else str(text)
    if value.isascii():
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def _finding_dict(f: Finding) -> dict[str, Any]:
    effect = f.effect
    if isinstance(effect, bool) or not isinstance(effect, int | float) or not math.isfinite(effect):
        effect = 0.0
    return {
        "dimension": _clean(f.dimension),
        "rule": _clean(f.rule),
        "effect": float(effect),
        "detail": _clean(f.detail),
    }


def encode_metadata(score: QualityScore) -> dict[str, Any]:
    """Return the stored ``metadata`` JSON of a score, as a ``dict``.

    Holds the five dimension scores under the SPEC §4 keys, ``pattern_name``,
    ``findings`` (the first :data:`MAX_STORED_FINDINGS`; NUL characters and lone
    surrogates replaced), when findings were cut ``findings_omitted`` (how
    many), and when the score has one ``content_hash`` (the scored pattern's
    :func:`~pattern_quality.hashing.content_hash`, compared by incremental
    re-scoring). :func:`metadata_json` writes the same document as text, faster.

    Args:
        score: A validated score.

    Returns:
        A JSON-ready ``dict``.
    """
    meta: dict[str, Any] = score.dimension_scores
    meta["pattern_name"] = _clean(score.pattern_name)
    findings = score.findings
    meta["findings"] = [_finding_dict(f) for f in findings[:MAX_STORED_FINDINGS]]
    if len(findings) > MAX_STORED_FINDINGS:
        meta["findings_omitted"] = len(findings) - MAX_STORED_FINDINGS
    if score.content_hash is not None:
        meta["content_hash"] = _clean(score.content_hash)
    return meta


_json_str = json.encoder.encode_basestring  # the C escaper json.dumps(ensure_ascii=False) uses


def _finding_json(f: Finding) -> str:
    effect = f.effect
    if effect.__class__ is not float or not math.isfinite(effect):
        effect = _finding_dict(f)["effect"]
    clean, esc = _clean, _json_str
    return (
        f'{{"dimension":{esc(clean(f.dimension))},"rule":{esc(clean(f.rule))},'
        f'"effect":{effect!r},"detail":{esc(clean(f.detail))}}}'
    )


def metadata_json(score: QualityScore, cache: dict[int, str] | None = None) -> str:
    """Return :func:`encode_metadata` of ``score`` serialised as compact JSON text.

    Built by hand (floats as their shortest ``repr``, strings through the
    standard library's C escaper) because ``json.dumps`` dominated the cost of
    preparing a large upsert. ``json.loads(metadata_json(s)) == encode_metadata(s)``.

    Args:
        score: A validated score.
        cache: Finding JSON by ``id()`` of the (frozen) finding, shared across one
            call: the scorer reuses equal findings, so most are encoded once. Only
            valid while the findings it saw are alive.

    Returns:
        The JSON document.
    """
    findings = score.findings[:MAX_STORED_FINDINGS]
    if cache is None:
        listed = ",".join([_finding_json(f) for f in findings])
    else:
        parts = []
        for f in findings:
            text = cache.get(id(f))
            if text is None:
                text = cache[id(f)] = _finding_json(f)
            parts.append(text)
        listed = ",".join(parts)
    findings = score.findings
    omitted = len(findings) - MAX_STORED_FINDINGS
    tail = f',"findings_omitted":{omitted}' if omitted > 0 else ""
    digest = score.content_hash
    if digest is not None:
        tail += f',"content_hash":{_json_str(_clean(digest))}'
    return (
        f'{{"completeness_score":{score.completeness_score!r},'
        f'"documentation_score":{score.documentation_score!r},'
        f'"onex_compliance_score":{score.onex_compliance_score!r},'
        f'"metadata_richness_score":{score.metadata_richness_score!r},'
        f'"complexity_score":{score.complexity_score!r},'
        f'"pattern_name":{_json_str(_clean(score.pattern_name))},'
        f'"findings":[{listed}]{tail}}}'
    )


def _version(score: QualityScore) -> str:
    version = score.version
    if _clean(version) != version:
        raise PatternValidationError(
            f"version: NUL characters and lone surrogates cannot be stored, got {version!r}"
        )
    return version


def _dedup(scores: Iterable[QualityScore]) -> dict[str, QualityScore]:
    latest: dict[str, QualityScore] = {}
    for score in scores:
        if not isinstance(score, QualityScore):
            raise PatternValidationError(
                f"expected QualityScore objects, got {type(score).__name__}"
            )
        pid = canonical_pattern_id(score.pattern_id)
        kept = latest.get(pid)
        # Latest measurement wins; on a tie the last one given wins.
        if kept is None or kept.measurement_timestamp <= score.measurement_timestamp:
            latest[pid] = score
    return latest


def prepare_upsert(scores: QualityScore | Iterable[QualityScore]) -> list[UpsertRow]:
    """Validate a whole upsert call and shape its rows.

    Args:
        scores: One score or an iterable of them (consumed once, completely,
            before anything is written).

    Returns:
        One row per distinct canonical ``pattern_id``: the score with the latest
        ``measurement_timestamp`` (on a tie, the last given), sorted by id.

    Raises:
        PatternValidationError: An item is not a :class:`QualityScore`, an id is
            not a UUID, or the version holds NUL characters; or the iterable
            raised it while building a score.
    """
    if isinstance(scores, QualityScore):
        scores = (scores,)
    elif isinstance(scores, str | bytes | Mapping) or not isinstance(scores, Iterable):
        raise PatternValidationError(
            f"expected a QualityScore or an iterable of them, got {type(scores).__name__}"
        )
    latest = _dedup(scores)
    cache: dict[int, str] = {}  # the scores, hence their findings, outlive it
    return [
        UpsertRow(
            pid,
            s.composite_score,
            s.confidence,
            s.measurement_timestamp,
            _version(s),
            metadata_json(s, cache),
        )
        for pid, s in sorted(latest.items())
    ]


def chunks(
    rows: Sequence[UpsertRow], size: int = UPSERT_CHUNK_SIZE
) -> Iterator[Sequence[UpsertRow]]:
    """Split rows into consecutive chunks of at most ``size``.

    Args:
        rows: Prepared rows.
        size: Chunk length.

    Returns:
        An iterator of slices, in order.
    """
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _unit(pattern_id: str, field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StoreError(f"stored row {pattern_id}: {field} is not a number ({value!r})")
    return float(value)


def _findings(raw: object) -> tuple[Finding, ...]:
    if not isinstance(raw, list):
        return ()
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            effect = item.get("effect", 0.0)
            out.append(
                Finding(
                    dimension=str(item.get("dimension", "")),
                    rule=str(item.get("rule", "")),
                    effect=float(effect) if isinstance(effect, int | float) else 0.0,
                    detail=str(item.get("detail", "")),
                )
            )
    return tuple(out)


def stored_from_row(row: Sequence[Any]) -> StoredQuality:
    """Map a row in :data:`READ_COLUMNS` order to a :class:`StoredQuality`.

    Args:
        row: ``(pattern_id, quality_score, confidence, measurement_timestamp,
            version, metadata, created_at, updated_at)``; ``metadata`` decoded
            JSON or ``None`` (legacy rows), ``version`` may be ``None``.

    Returns:
        The stored score; findings restored as :class:`Finding` objects, the
        content hash from ``metadata["content_hash"]`` (``None`` when absent or
        not a string, e.g. on rows written before it was recorded).

    Raises:
        StoreError: The row lacks a dimension score (not written by a
            SPEC-conforming writer) or holds an out-of-range value.
    """
    pid, composite, confidence, measured, version, meta, created, updated = row
    pid = str(pid)
    # The SELECTs read timestamps as naive UTC (see _READ_LIST).
    if measured is not None and measured.tzinfo is None:
        measured = measured.replace(tzinfo=UTC)
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    meta = meta if isinstance(meta, Mapping) else {}
    try:
        dims = tuple(meta[k] for k in DIMENSION_KEYS)
    except KeyError:
        missing = [k for k in DIMENSION_KEYS if k not in meta]
        raise StoreError(f"stored row {pid}: metadata lacks {', '.join(missing)}") from None
    if any(type(v) is not float for v in dims):  # JSON may hold 1 for 1.0; never bools
        dims = tuple(_unit(pid, k, v) for k, v in zip(DIMENSION_KEYS, dims, strict=True))
    name = meta.get("pattern_name")
    raw_findings = meta.get("findings")
    digest = meta.get("content_hash")
    try:
        return StoredQuality._from_row(
            (
                pid,
                name if isinstance(name, str) else "",
                composite,
                *dims,
                confidence,
                measured,
                "" if version is None else version,
                _findings(raw_findings) if raw_findings else (),
            ),
            created,
            updated,
            digest if type(digest) is str else None,
        )
    except PatternValidationError as exc:
        raise StoreError(f"stored row {pid} is invalid: {exc}") from exc


# --- SQL ---------------------------------------------------------------------------------


class TableRef(NamedTuple):
    """A table name, optionally schema-qualified, checked and quoted."""

    table: str
    schema: str | None

    @classmethod
    def of(cls, table: str, schema: str | None) -> TableRef:
        """Check and build a table reference.

        Args:
            table: Table name (not quoted; any characters but NUL).
            schema: Schema name, or ``None`` for the ``search_path``.

        Returns:
            The reference.

        Raises:
            ValueError: An empty name or a name with a NUL character.
        """
        for label, name in (("table", table), ("schema", schema)):
            if name is None and label == "schema":
                continue
            if not isinstance(name, str) or not name or "\x00" in name:
                raise ValueError(f"{label}: expected a non-empty name, got {name!r}")
        return cls(table, schema)

    @property
    def ident(self) -> sql.Identifier:
        """The quoted (qualified) identifier."""
        if self.schema is None:
            return sql.Identifier(self.table)
        return sql.Identifier(self.schema, self.table)

    @property
    def regclass_text(self) -> str:
        """The quoted name as text, for ``to_regclass``."""
        parts = [self.table] if self.schema is None else [self.schema, self.table]
        return ".".join('"' + p.replace('"', '""') + '"' for p in parts)

    @property
    def display(self) -> str:
        """The name for messages."""
        return self.table if self.schema is None else f"{self.schema}.{self.table}"


_SET_ON_UPDATE = sql.SQL(", ").join(
    sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c))
    for c in (*WRITE_COLUMNS[1:], "updated_at")
)
_WRITE_LIST = sql.SQL(", ").join(map(sql.Identifier, (*WRITE_COLUMNS, "created_at", "updated_at")))
_TIMESTAMPS: Final = frozenset({"measurement_timestamp", "created_at", "updated_at"})
# Timestamps are read as UTC wall time (naive) whatever the session's TimeZone, and
# made aware in stored_from_row: decoding into a named zone (e.g. Etc/UTC) is several
# times slower per value, and setting the session TimeZone is unsafe behind poolers.
_READ_LIST = sql.SQL(", ").join(
    sql.SQL("({c} AT TIME ZONE 'UTC')").format(c=sql.Identifier(c))
    if c in _TIMESTAMPS
    else sql.Identifier(c)
    for c in READ_COLUMNS
)


def _on_conflict() -> sql.Composed:
    # A stale write (older measurement) matches no row: it is neither written nor counted.
    return sql.SQL(
        " ON CONFLICT (pattern_id) DO UPDATE SET {s}"
        " WHERE cur.measurement_timestamp <= EXCLUDED.measurement_timestamp"
    ).format(s=_SET_ON_UPDATE)


def upsert_values_sql(t: TableRef) -> sql.Composed:
    """``INSERT ... VALUES (one row) ON CONFLICT ...``, for ``executemany``.

    Args:
        t: The table.

    Returns:
        The statement; parameters in :data:`WRITE_COLUMNS` order.
    """
    return (
        sql.SQL(
            "INSERT INTO {t} AS cur ({cols}) VALUES (%s, %s, %s, %s, %s, %s::jsonb, now(), now())"
        ).format(t=t.ident, cols=_WRITE_LIST)
        + _on_conflict()
    )


STAGE_TABLE: Final = "pattern_quality_upsert_stage"


def create_stage_sql() -> sql.Composed:
    """``CREATE TEMP TABLE IF NOT EXISTS`` for the COPY path, emptied at every commit.

    Created once per session (not per call: no catalog churn); ``ON COMMIT DELETE
    ROWS`` leaves it empty for the next call.

    Returns:
        The statement.
    """
    return sql.SQL(
        "CREATE TEMP TABLE IF NOT EXISTS {s} (pattern_id uuid, quality_score float8,"
        " confidence float8, measurement_timestamp timestamptz, version text, metadata jsonb)"
        " ON COMMIT DELETE ROWS"
    ).format(s=sql.Identifier(STAGE_TABLE))


def truncate_stage_sql() -> sql.Composed:
    """``TRUNCATE`` the stage table between two chunks of one call.

    Returns:
        The statement.
    """
    return sql.SQL("TRUNCATE {s}").format(s=sql.Identifier(STAGE_TABLE))


def copy_stage_sql() -> sql.Composed:
    """``COPY <stage> FROM STDIN`` (text format).

    Returns:
        The statement.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, WRITE_COLUMNS))
    return sql.SQL("COPY {s} ({cols}) FROM STDIN").format(s=sql.Identifier(STAGE_TABLE), cols=cols)


def upsert_from_stage_sql(t: TableRef) -> sql.Composed:
    """``INSERT ... SELECT <stage> ORDER BY pattern_id ON CONFLICT ...``.

    Args:
        t: The table.

    Returns:
        The statement.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, WRITE_COLUMNS))
    return (
        sql.SQL(
            "INSERT INTO {t} AS cur ({wl}) SELECT {cols}, now(), now() FROM {s} ORDER BY pattern_id"
        ).format(t=t.ident, wl=_WRITE_LIST, cols=cols, s=sql.Identifier(STAGE_TABLE))
        + _on_conflict()
    )


def upsert_unnest_sql(t: TableRef) -> sql.Composed:
    """``INSERT ... SELECT FROM unnest(<six arrays>) ON CONFLICT ...``: one chunk per statement.

    Args:
        t: The table.

    Returns:
        The statement; parameters are six arrays in :data:`WRITE_COLUMNS` order.
    """
    return (
        sql.SQL(
            "INSERT INTO {t} AS cur ({wl}) SELECT u.*, now(), now() FROM unnest("
            "%s::uuid[], %s::float8[], %s::float8[], %s::timestamptz[], %s::text[], %s::jsonb[])"
            " AS u"
        ).format(t=t.ident, wl=_WRITE_LIST)
        + _on_conflict()
    )


def unnest_params(rows: Sequence[UpsertRow]) -> list[list[Any]]:
    """Transpose rows into the six column arrays of :func:`upsert_unnest_sql`.

    Args:
        rows: Prepared rows.

    Returns:
        Six lists.
    """
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in WRITE_COLUMNS]


def select_one_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> WHERE pattern_id = %s``."""
    return sql.SQL("SELECT {c} FROM {t} WHERE pattern_id = %s").format(c=_READ_LIST, t=t.ident)


def select_many_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> WHERE pattern_id = ANY(%s::uuid[])`` (one round trip)."""
    return sql.SQL("SELECT {c} FROM {t} WHERE pattern_id = ANY(%s::uuid[])").format(
        c=_READ_LIST, t=t.ident
    )


def select_all_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> ORDER BY pattern_id`` for a server-side cursor."""
    return sql.SQL("SELECT {c} FROM {t} ORDER BY pattern_id").format(c=_READ_LIST, t=t.ident)


def count_sql(t: TableRef) -> sql.Composed:
    """``SELECT count(*)``."""
    return sql.SQL("SELECT count(*) FROM {t}").format(t=t.ident)


def delete_sql(t: TableRef) -> sql.Composed:
    """``DELETE ... WHERE pattern_id = ANY(%s::uuid[])``."""
    return sql.SQL("DELETE FROM {t} WHERE pattern_id = ANY(%s::uuid[])").format(t=t.ident)


#: One catalog query: does the table exist, which columns has it, is there a
#: unique, immediate, non-partial index on exactly ``pattern_id`` (what
#: ``ON CONFLICT (pattern_id)`` needs)?
SCHEMA_CHECK_SQL: Final = sql.SQL(
    "SELECT c.oid IS NOT NULL,"
    " ARRAY(SELECT a.attname::text FROM pg_attribute a"
    "       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),"
    " EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a"
    "         ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
    "         WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid"
    "         AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL"
    "         AND a.attname = 'pattern_id')"
    " FROM (SELECT to_regclass(%s) AS oid) AS c"
)


def check_schema_row(t: TableRef, row: Sequence[Any] | None, target: str) -> None:
    """Raise unless the :data:`SCHEMA_CHECK_SQL` row shows a usable table.

    Args:
        t: The table checked.
        row: The row returned by :data:`SCHEMA_CHECK_SQL`.
        target: The masked DSN, for the message.

    Raises:
        SchemaNotReadyError: The table, a column or the unique constraint is missing.
    """
    exists, columns, unique = row if row is not None else (False, [], False)
    hint = "run `pattern-quality migrate` first"
    if not exists:
        raise SchemaNotReadyError(f"table {t.display} does not exist in {target}; {hint}")
    missing = [c for c in READ_COLUMNS if c not in set(columns or ())]
    if missing:
        raise SchemaNotReadyError(
            f"table {t.display} in {target} lacks column(s) {', '.join(missing)}; {hint}"
        )
    if not unique:
        raise SchemaNotReadyError(
            f"table {t.display} in {target} has no unique constraint on pattern_id; {hint}"
        )
