"""Row <-> model mapping of the stores: what a score becomes as a row, and back (no I/O).

Shared by every store (PostgreSQL and the in-memory fakes), so they cannot drift
apart:

* :func:`prepare_upsert` validates a whole call before anything is written,
  canonicalises ids, keeps the latest score per id (ties: the last given) and
  sorts by ``pattern_id`` (the lock order that keeps concurrent writers free of
  deadlocks), giving one :class:`UpsertRow` per id;
* :func:`encode_metadata` / :func:`metadata_json` define the stored ``metadata``
  document and :func:`stored_from_row` reads a row back into a
  :class:`~pattern_quality.models.StoredQuality`.

The statements that write and read these rows are in :mod:`.statements`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

import attrs

from ..errors import PatternValidationError, StoreError
from ..ids import canonical_pattern_id
from ..models import DIMENSION_KEYS, EXTRA_DIMENSION_KEYS, Finding, QualityScore, StoredQuality

__all__ = [
    "MAX_STORED_FINDINGS",
    "UpsertRow",
    "build_stored",
    "encode_metadata",
    "metadata_json",
    "prepare_upsert",
    "stored_from_row",
]

#: At most this many findings of a score are kept in the stored ``metadata``.
MAX_STORED_FINDINGS: Final = 20


class UpsertRow(NamedTuple):
    """One validated row to write, in :data:`.statements.WRITE_COLUMNS` order (metadata as JSON)."""

    pattern_id: str
    quality_score: float
    confidence: float
    measurement_timestamp: datetime
    version: str
    metadata: str


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: object) -> str:
    # PostgreSQL text and jsonb reject NUL characters and lone surrogates.
    value = text if text.__class__ is str else str(text)
    if value.isascii():
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: U+FFFD each, as docs/storage.md says
        value = _SURROGATE.sub("\ufffd", value)
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

    Holds the five dimension scores under their legacy keys
    (docs/legacy.md#the-legacy-table), then any :attr:`QualityScore.extra_scores`
    (rubric 3.0.0's ``substance_score``, ``robustness_score``), ``pattern_name``,
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
    extra = "".join(f",{_json_str(k)}:{v!r}" for k, v in score.extra_scores)
    return (
        f'{{"completeness_score":{score.completeness_score!r},'
        f'"documentation_score":{score.documentation_score!r},'
        f'"onex_compliance_score":{score.onex_compliance_score!r},'
        f'"metadata_richness_score":{score.metadata_richness_score!r},'
        f'"complexity_score":{score.complexity_score!r}{extra},'
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


def _dedup(scores: Iterable[QualityScore]) -> dict[str, tuple[int, QualityScore]]:
    latest: dict[str, tuple[int, QualityScore]] = {}  # with its position, for errors
    for i, score in enumerate(scores):
        if not isinstance(score, QualityScore):
            raise PatternValidationError(
                f"scores[{i}]: expected a QualityScore, got {type(score).__name__}"
            )
        try:
            pid = canonical_pattern_id(score.pattern_id)
        except PatternValidationError as exc:
            raise PatternValidationError(f"scores[{i}]: {exc}") from None
        kept = latest.get(pid)
        # Latest measurement wins; on a tie the last one given wins.
        if kept is None or kept[1].measurement_timestamp <= score.measurement_timestamp:
            latest[pid] = (i, score)
    return latest


def _row(i: int, pid: str, s: QualityScore, cache: dict[int, str]) -> UpsertRow:
    try:
        return UpsertRow(
            pid,
            s.composite_score,
            s.confidence,
            s.measurement_timestamp,
            _version(s),
            metadata_json(s, cache),
        )
    except PatternValidationError as exc:
        raise PatternValidationError(f"scores[{i}]: {exc}") from None
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        raise PatternValidationError(f"scores[{i}]: cannot be stored ({exc!r})") from None


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
            raised it while building a score. The message starts with the
            item's position in the call, e.g. ``scores[4321]: ...``.
    """
    if isinstance(scores, QualityScore):
        scores = (scores,)
    elif isinstance(scores, str | bytes | Mapping) or not isinstance(scores, Iterable):
        raise PatternValidationError(
            f"expected a QualityScore or an iterable of them, got {type(scores).__name__}"
        )
    latest = _dedup(scores)
    cache: dict[int, str] = {}  # the scores, hence their findings, outlive it
    return [_row(i, pid, s, cache) for pid, (i, s) in sorted(latest.items())]


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


# Construction without converters, for values already checked (see build_stored).
_new = object.__new__
_set = object.__setattr__
_STORED_FIELDS: Final = tuple(f.name for f in attrs.fields(StoredQuality))


def build_stored(
    fields: tuple[Any, ...],
    created_at: datetime | None,
    updated_at: datetime | None,
    content_hash: str | None = None,
    extra: tuple[tuple[str, float], ...] = (),
) -> StoredQuality:
    """Build a row read from a store (the read hot path of :func:`stored_from_row`).

    ``fields`` holds the :class:`QualityScore` fields in declaration order,
    up to ``findings``; ``content_hash`` and ``extra`` (the extra dimension
    scores) are passed on their own.
    Values of the exact expected types and ranges are taken as they are;
    anything else goes through the validating constructor, which raises.
    """
    (pid, name, composite, c, d, o, m, x, confidence, measured, version, findings) = fields
    if (
        type(pid) is str
        and type(name) is str
        and type(version) is str
        and type(findings) is tuple
        and type(composite) is float
        and type(confidence) is float
        and type(c) is type(d) is type(o) is type(m) is type(x) is float
        and 0.0 <= composite <= 1.0
        and 0.0 <= confidence <= 1.0
        and 0.0 <= c <= 1.0
        and 0.0 <= d <= 1.0
        and 0.0 <= o <= 1.0
        and 0.0 <= m <= 1.0
        and 0.0 <= x <= 1.0
        and type(measured) is datetime
        and measured.tzinfo is UTC
        and (created_at is None or (type(created_at) is datetime and created_at.tzinfo is UTC))
        and (updated_at is None or (type(updated_at) is datetime and updated_at.tzinfo is UTC))
        and (content_hash is None or type(content_hash) is str)
        and all(type(v) is float and 0.0 <= v <= 1.0 for _, v in extra)
    ):
        row: StoredQuality = _new(StoredQuality)
        _set(row, "pattern_id", pid)
        _set(row, "pattern_name", name)
        _set(row, "composite_score", composite)
        _set(row, "completeness_score", c)
        _set(row, "documentation_score", d)
        _set(row, "onex_compliance_score", o)
        _set(row, "metadata_richness_score", m)
        _set(row, "complexity_score", x)
        _set(row, "confidence", confidence)
        _set(row, "measurement_timestamp", measured)
        _set(row, "version", version)
        _set(row, "findings", findings)
        _set(row, "content_hash", content_hash)
        _set(row, "extra_scores", extra)
        _set(row, "created_at", created_at)
        _set(row, "updated_at", updated_at)
        return row
    values = dict(
        zip(_STORED_FIELDS, (*fields, content_hash, extra, created_at, updated_at), strict=True)
    )
    return StoredQuality(**values)


def _utc_naive(t: datetime | None) -> datetime | None:
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t


def stored_from_row(row: Sequence[Any]) -> StoredQuality:
    """Map a row in :data:`READ_COLUMNS` order to a :class:`StoredQuality`.

    Args:
        row: ``(pattern_id, quality_score, confidence, measurement_timestamp,
            version, metadata, created_at, updated_at)``; ``metadata`` decoded
            JSON or ``None`` (legacy rows), ``version`` may be ``None``.

    Returns:
        The stored score; findings restored as :class:`Finding` objects, the
        content hash from ``metadata["content_hash"]`` (``None`` when absent or
        not a string, e.g. on rows written before it was recorded), the extra
        dimension scores from their keys (:data:`EXTRA_DIMENSION_KEYS`). A legacy
        row with no dimension score (``metadata`` ``'{}'`` or ``NULL``) is valid:
        NaN dimensions, ``dimensions_known`` ``False``.

    Raises:
        StoreError: The row lacks some but not all dimension scores, or holds an
            out-of-range value.
    """
    pid, composite, confidence, measured, version, meta, created, updated = row
    pid = str(pid)
    # The SELECTs read timestamps as naive UTC (see _READ_LIST).
    measured, created, updated = (_utc_naive(t) for t in (measured, created, updated))
    meta = meta if isinstance(meta, Mapping) else {}
    legacy = not any(k in meta for k in DIMENSION_KEYS)  # '{}' (the legacy default) or NULL
    try:  # a legacy row is built with 0.0, then given NaN dimensions (below)
        dims = (0.0,) * len(DIMENSION_KEYS) if legacy else tuple(meta[k] for k in DIMENSION_KEYS)
    except KeyError:
        missing = [k for k in DIMENSION_KEYS if k not in meta]
        raise StoreError(f"stored row {pid}: metadata lacks {', '.join(missing)}") from None
    if any(type(v) is not float for v in dims):  # JSON may hold 1 for 1.0; never bools
        dims = tuple(_unit(pid, k, v) for k, v in zip(DIMENSION_KEYS, dims, strict=True))
    extra: tuple[tuple[str, float], ...] = ()
    if EXTRA_DIMENSION_KEYS[0] in meta or EXTRA_DIMENSION_KEYS[-1] in meta:
        extra = tuple((k, _unit(pid, k, meta[k])) for k in EXTRA_DIMENSION_KEYS if k in meta)
    name = meta.get("pattern_name")
    raw_findings = meta.get("findings")
    digest = meta.get("content_hash")
    try:
        stored = build_stored(
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
            extra,
        )
    except PatternValidationError as exc:
        raise StoreError(f"stored row {pid} is invalid: {exc}") from exc
    for key in DIMENSION_KEYS if legacy else ():  # composite known, dimensions unknown
        _set(stored, key, math.nan)
    return stored
