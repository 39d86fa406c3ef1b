"""Hypothesis strategies for patterns, pattern ids, timestamps and quality scores.

Importing this module needs ``hypothesis`` (installed by the ``dev`` extra). The
strategies draw *realistic* data: ONEX-style code built from snippets (docstrings,
type hints, ``async def execute_*`` signatures, stub markers, logic keywords),
node types in any letter case, metadata with and without a declared complexity,
and ``None`` or missing keys wherever docs/legacy.md#pattern-input allows them. Text never contains
NUL characters, so everything drawn can be stored in PostgreSQL ``text`` and
``jsonb`` columns as is.

Example:
    >>> from hypothesis import given
    >>> from pattern_quality.testing.strategies import patterns
    >>> @given(patterns())
    ... def test_scores_are_in_range(pattern): ...
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from hypothesis import strategies as st

from ..models import Pattern, QualityScore

__all__ = [
    "MAX_DATETIME",
    "MIN_DATETIME",
    "NODE_TYPES",
    "aware_datetimes",
    "invalid_pattern_mappings",
    "pattern_mappings",
    "patterns",
    "quality_scores",
    "uuids",
]

#: The four ONEX node types (lower case); strategies also draw unknown ones.
NODE_TYPES: Final = ("effect", "compute", "reducer", "orchestrator")
#: Bounds of :func:`aware_datetimes` (naive; the strategy attaches UTC).
MIN_DATETIME: Final = datetime(2000, 1, 1)
MAX_DATETIME: Final = datetime(2100, 12, 31, 23, 59, 59, 999999)

_SIGNATURES: Final = {
    "effect": "execute_effect",
    "compute": "execute_compute",
    "reducer": "execute_reduction",
    "orchestrator": "execute_orchestration",
}

# Printable text without NUL (PostgreSQL rejects it in text and jsonb) or surrogates.
_CHARS: Final = st.characters(codec="utf-8", exclude_characters="\x00")
_WORDS: Final = st.sampled_from(
    [
        "user",
        "auth",
        "cache",
        "order",
        "payment",
        "event",
        "stream",
        "token",
        "session",
        "report",
        "password",
        "bypass",
        "retry",
        "batch",
    ]
)

# Lines that exercise every rubric rule, including its known false positives.
_CODE_LINES: Final = st.sampled_from(
    [
        "import asyncio",
        "from typing import Any",
        "from collections.abc import Callable",
        '"""Load a record and publish an event."""',
        "'''Legacy docstring.'''",
        "# TODO: handle retries",
        "# keep the connection open",
        "    pass",
        "    ...",
        "    raise NotImplementedError",
        "    return NotImplemented",
        "handler: Callable[..., int] = run",
        "def run(x: int) -> int:",
        "def helper(value):",
        "    if value is None:",
        "    for item in items:",
        "    while pending:",
        "    try:",
        "    except KeyError:",
        "        return {'key': value}",
        "    return value[1:2]",
        'url = "http://host/#anchor"',
        "password = load_secret()",
        "class Loader:",
        "",
        "    ",
        "\t",
    ]
)


@st.composite
def _any_case(draw: st.DrawFn, word: str) -> str:
    """Return ``word`` with each letter's case drawn independently."""
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if up else c.lower() for c, up in zip(word, flips, strict=True))


def _node_type_values() -> st.SearchStrategy[str]:
    known = st.sampled_from(NODE_TYPES).flatmap(_any_case)
    unknown = st.sampled_from(["gateway", "adapter", "", "Effectful", "compute2"])
    return st.one_of(known, known, unknown)


@st.composite
def _pattern_names(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_WORDS, min_size=0, max_size=3))
    base = "".join(p.capitalize() for p in parts)
    suffix = draw(
        st.sampled_from(
            ["Effect", "Compute", "Reducer", "Orchestrator", "effect", "Node", "Helper", ""]
        )
    )
    return draw(st.sampled_from([base + suffix, (base + suffix).lower(), f"{base}_{suffix}"]))


@st.composite
def _code(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_CODE_LINES, max_size=40))
    if draw(st.booleans()):
        kind = draw(st.sampled_from(NODE_TYPES))
        lines.insert(0, f"    async def {_SIGNATURES[kind]}(self, contract: Any) -> Any:")
        lines.insert(0, f"class Node{kind.capitalize()}:")
    if draw(st.integers(0, 9)) == 0:  # occasionally a long tail of blank lines
        lines.extend([""] * draw(st.integers(50, 200)))
    return "\n".join(lines)


def _short_text() -> st.SearchStrategy[str]:
    return st.text(_CHARS, max_size=30)


def _text() -> st.SearchStrategy[str]:
    # Lengths cluster around the 100-character boundary of the documentation rule.
    exact = st.integers(98, 103).map(lambda n: ("Describes a pattern. " * 6)[:n])
    return st.one_of(st.text(_CHARS, max_size=200), exact)


def _json_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**31), 2**31),
        st.floats(allow_nan=False, allow_infinity=False),
        _short_text(),
    )


def _metadata() -> st.SearchStrategy[dict[str, Any]]:
    complexity = st.one_of(
        st.sampled_from(["low", "medium", "high"]).flatmap(_any_case),
        st.sampled_from(["extreme", ""]),
        st.integers(0, 3),
        st.none(),
        st.lists(st.just("low"), max_size=1),
    )
    keys = st.sampled_from(["author", "language", "framework", "source", "tags", "version"])
    plain = st.dictionaries(keys, _json_scalars(), max_size=5)
    return st.one_of(
        plain,
        st.tuples(plain, complexity).map(lambda kv: {**kv[0], "complexity": kv[1]}),
    )


def _string_lists() -> st.SearchStrategy[list[str]]:
    return st.lists(_short_text(), max_size=5)


def _confidence() -> st.SearchStrategy[float | int]:
    return st.one_of(st.floats(0.0, 1.0), st.sampled_from([0, 1, 0.0, 0.5, 1.0]))


def uuids(*, canonical: bool = False) -> st.SearchStrategy[str]:
    """Draw UUID strings, in the canonical form and in other accepted spellings.

    Args:
        canonical: Only draw the canonical lowercase hyphenated form.

    Returns:
        A strategy of ``str``. Besides the canonical form it draws upper case,
        ``{braced}`` and 32-hex-digit (no hyphens) spellings; every one parses with
        :class:`uuid.UUID` and PostgreSQL's ``uuid`` type to the same value.
    """
    base = st.uuids().map(str)
    if canonical:
        return base
    return st.one_of(
        base,
        base.map(str.upper),
        base.map(lambda u: "{" + u + "}"),
        st.uuids().map(lambda u: u.hex),
        st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
    )


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Draw aware UTC datetimes that round-trip exactly through ``timestamptz``.

    Returns:
        A strategy of ``datetime`` with ``tzinfo=UTC``, microsecond precision,
        between :data:`MIN_DATETIME` and :data:`MAX_DATETIME`.
    """
    stamps = st.datetimes(MIN_DATETIME, MAX_DATETIME, timezones=st.just(UTC))
    return stamps.map(lambda d: d.replace(fold=0))


def pattern_mappings(
    *, pattern_ids: st.SearchStrategy[str | None] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Draw JSON-like pattern mappings with the docs/legacy.md#pattern-input keys, all valid.

    Every key except ``pattern_id`` may be missing or ``None``; node types come in
    any letter case (and sometimes an unknown type); ``metadata["complexity"]`` is
    sometimes declared, sometimes not a string; an unknown extra key sometimes
    appears. :meth:`Pattern.from_mapping` accepts every drawn mapping.

    Args:
        pattern_ids: Strategy for ``pattern_id`` (default :func:`uuids`). Draw from a
            small pool (``st.sampled_from([...])``) to force repeated ids; a drawn
            ``None`` leaves the key out or sets it to ``None``.

    Returns:
        A strategy of ``dict``.
    """
    ids = uuids() if pattern_ids is None else pattern_ids

    def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(strategy, strategy, strategy, st.none())

    optional = {
        "pattern_name": maybe(_pattern_names()),
        "code": maybe(_code()),
        "text": maybe(_text()),
        "metadata": maybe(_metadata()),
        "node_type": maybe(_node_type_values()),
        "use_cases": maybe(_string_lists()),
        "examples": maybe(_string_lists()),
        "confidence": maybe(_confidence()),
        "collection": st.sampled_from(["code_patterns", "execution_patterns"]),
    }

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        pattern_id = draw(ids)
        if pattern_id is not None or draw(st.booleans()):
            out["pattern_id"] = pattern_id
        out.update(draw(st.fixed_dictionaries({}, optional=optional)))
        return out

    return build()


def patterns(
    *, pattern_ids: st.SearchStrategy[str | None] | None = None
) -> st.SearchStrategy[Pattern]:
    """Draw valid :class:`Pattern` objects built from :func:`pattern_mappings`.

    Args:
        pattern_ids: Strategy for ``pattern_id`` (default :func:`uuids`).

    Returns:
        A strategy of ``Pattern``.
    """
    return pattern_mappings(pattern_ids=pattern_ids).map(Pattern.from_mapping)


def invalid_pattern_mappings() -> st.SearchStrategy[dict[str, Any]]:
    """Draw pattern mappings that :meth:`Pattern.from_mapping` must reject.

    Each mapping is a valid one with exactly one field replaced by a value of the
    wrong type (or a non-finite or out-of-range confidence).

    Returns:
        A strategy of ``dict``; ``Pattern.from_mapping`` raises
        :class:`~pattern_quality.PatternValidationError` for every one.
    """
    not_str = st.one_of(
        st.integers(), st.floats(allow_nan=False), st.booleans(), st.lists(st.text(max_size=3))
    )
    wrong = {
        "pattern_name": not_str,
        "code": st.one_of(not_str, st.dictionaries(st.text(max_size=3), st.integers())),
        "text": not_str,
        "node_type": not_str,
        "metadata": st.one_of(st.lists(st.integers(), max_size=2), st.text(max_size=5), not_str),
        "use_cases": st.one_of(
            st.text(max_size=10), st.integers(), st.dictionaries(st.text(), st.text())
        ),
        "examples": st.one_of(st.text(max_size=10), st.floats(), st.booleans()),
        "confidence": st.one_of(
            st.text(max_size=5),
            st.booleans(),
            st.lists(st.floats(0, 1), max_size=1),
            st.floats(allow_nan=True).filter(lambda x: not 0.0 <= x <= 1.0),
            st.sampled_from([float("nan"), float("inf"), -float("inf"), 1.0000001, -1e-9, 2]),
        ),
        "pattern_id": st.one_of(st.booleans(), st.floats(), st.lists(st.integers(), max_size=1)),
    }

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        data = draw(pattern_mappings())
        field = draw(st.sampled_from(sorted(wrong)))
        data[field] = draw(wrong[field])
        return data

    return build()


def quality_scores(
    *,
    pattern_ids: st.SearchStrategy[str] | None = None,
    timestamps: st.SearchStrategy[datetime] | None = None,
    versions: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[QualityScore]:
    """Draw valid :class:`QualityScore` objects.

    The composite is the weighted sum of the five drawn dimension scores, in the
    docs/legacy.md#rubric-100 order, as the scorer computes it.

    Args:
        pattern_ids: Strategy for ``pattern_id`` (default canonical :func:`uuids`).
            Draw from a small pool to force conflicts on the same id.
        timestamps: Strategy for ``measurement_timestamp`` (default
            :func:`aware_datetimes`). Draw from a small pool to force ties.
        versions: Strategy for ``version`` (default ``"1.0.0"``).

    Returns:
        A strategy of ``QualityScore`` with no findings.
    """
    ids = uuids(canonical=True) if pattern_ids is None else pattern_ids
    stamps = aware_datetimes() if timestamps is None else timestamps
    vers = st.just("1.0.0") if versions is None else versions
    unit = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.3, 0.5, 0.7, 0.9, 1.0]))

    @st.composite
    def build(draw: st.DrawFn) -> QualityScore:
        c, d, o, m, x = (draw(unit) for _ in range(5))
        return QualityScore(
            pattern_id=draw(ids),
            pattern_name=draw(st.one_of(_pattern_names(), st.text(_CHARS, max_size=20))),
            composite_score=c * 0.30 + d * 0.25 + o * 0.20 + m * 0.15 + x * 0.10,
            completeness_score=c,
            documentation_score=d,
            onex_compliance_score=o,
            metadata_richness_score=m,
            complexity_score=x,
            confidence=draw(unit),
            measurement_timestamp=draw(stamps),
            version=draw(vers),
        )

    return build()
