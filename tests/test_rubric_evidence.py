"""Evidence for rubric 2.0.0 on the labelled pairs in ``tests/data/labelled/pairs.json``.

Goals (issue 7): 2.0.0 ranks the complete twin strictly higher in at least 98 % of
the degraded pairs, and scores every false-positive-only pair identically (all
five dimensions equal). Rubric 1.0.0 is measured on the same pairs for the table
in ``docs/rubric.md``; the test checks that the table there is the one computed
here. Print it with::

    .venv/bin/python -m tests.test_rubric_evidence
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pattern_quality import PatternQualityScorer
from pattern_quality.models import Pattern
from pattern_quality.scoring import rubric_1_0_0, rubric_2_0_0
from pattern_quality.scoring.base import DimensionScores

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled" / "pairs.json"
DOC = ROOT / "docs" / "rubric.md"
COMMAND = ".venv/bin/python -m tests.test_rubric_evidence"

Score = Callable[[Pattern], DimensionScores]
RUBRICS: dict[str, Score] = {"1.0.0": rubric_1_0_0.RUBRIC.score, "2.0.0": rubric_2_0_0.RUBRIC.score}


def composite(d: DimensionScores) -> float:
    """The scorer's composite (docs/legacy.md#rubric-100 weights, summed in that order)."""
    return (
        d.completeness * 0.30
        + d.documentation * 0.25
        + d.onex_compliance * 0.20
        + d.metadata_richness * 0.15
        + d.complexity * 0.10
    )


def load_pairs() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = json.loads(LABELLED.read_text(encoding="utf-8"))["pairs"]
    return pairs


def outcome(pair: dict[str, Any], score: Score) -> bool:
    """Degraded pair: the complete twin's composite is strictly higher.
    False-positive pair: all five dimensions are equal."""
    if pair["kind"] == "degraded":
        better = score(Pattern.from_mapping(pair["better"]))
        worse = score(Pattern.from_mapping(pair["worse"]))
        return composite(better) > composite(worse)
    clean = score(Pattern.from_mapping(pair["clean"]))
    noisy = score(Pattern.from_mapping(pair["noisy"]))
    return clean == noisy


def tally(pairs: list[dict[str, Any]]) -> dict[str, dict[tuple[str, str], int]]:
    """Successes per (kind, label), per rubric."""
    return {
        version: dict(Counter((p["kind"], p["label"]) for p in pairs if outcome(p, score)))
        for version, score in RUBRICS.items()
    }


def _cell(ok: int, total: int) -> str:
    return f"{ok}/{total} ({100 * ok / total:.1f} %)"


def render_table(pairs: list[dict[str, Any]]) -> str:
    """The evidence table as Markdown, one row per kind and per label."""
    counts = Counter((p["kind"], p["label"]) for p in pairs)
    wins = tally(pairs)
    heads = {
        "degraded": "**Degraded pairs: complete twin ranked strictly higher**",
        "false_positive": "**False-positive-only pairs: all five dimensions equal**",
    }
    lines = ["| Pairs | n | 1.0.0 | 2.0.0 |", "|---|---:|---:|---:|"]
    for kind in ("degraded", "false_positive"):
        keys = sorted(k for k in counts if k[0] == kind)
        total = sum(counts[k] for k in keys)
        cells = [_cell(sum(wins[v].get(k, 0) for k in keys), total) for v in RUBRICS]
        lines.append(f"| {heads[kind]} | {total} | {cells[0]} | {cells[1]} |")
        for key in keys:
            cells = [_cell(wins[v].get(key, 0), counts[key]) for v in RUBRICS]
            lines.append(f"| {key[1]} | {counts[key]} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- tests


def test_labelled_set_is_fresh_and_shaped_as_promised() -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_labelled", ROOT / "tests" / "data" / "generate_labelled.py"
    )
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # dataclasses resolve annotations through it
    try:
        spec.loader.exec_module(generator)
    finally:
        del sys.modules[spec.name]
    assert generator.dumps(generator.build()) == LABELLED.read_text(encoding="utf-8")

    pairs = load_pairs()
    degraded = [p for p in pairs if p["kind"] == "degraded"]
    false_positive = [p for p in pairs if p["kind"] == "false_positive"]
    assert len(degraded) >= 50
    assert len(false_positive) >= 40
    assert {p["node_type"] for p in degraded} == {"effect", "compute", "reducer", "orchestrator"}
    assert {p["label"] for p in degraded} >= {"stub_all", "no_docstrings", "no_annotations"}
    assert {p["label"] for p in false_positive} >= {
        "password_identifier",
        "bypass_identifier",
        "callable_ellipsis",
        "subscript_ellipsis",
        "hash_in_string",
        "dict_literal",
        "slice",
        "keywords_in_string",
        "keywords_in_comment",
        "todo_in_string",
    }
    for pair in degraded:
        assert pair["better"]["code"] != pair["worse"]["code"]
        rest = ({**pair["better"], "code": "", "pattern_id": ""}, pair["worse"])
        assert rest[0] == {**rest[1], "code": "", "pattern_id": ""}
    for pair in false_positive:
        clean, noisy = pair["clean"]["code"], pair["noisy"]["code"]
        assert clean != noisy and clean.count("\n") == noisy.count("\n")


def test_composite_helper_matches_the_scorer() -> None:
    scorer = PatternQualityScorer(rubric="1.0.0", explain=False)
    for pair in load_pairs()[:20]:
        twin = Pattern.from_mapping(pair.get("better") or pair["clean"])
        assert scorer.score_pattern(twin).composite_score == composite(
            rubric_1_0_0.RUBRIC.score(twin)
        )


def test_rubric_2_meets_the_goals() -> None:
    pairs = load_pairs()
    degraded = [p for p in pairs if p["kind"] == "degraded"]
    ranked = sum(outcome(p, rubric_2_0_0.RUBRIC.score) for p in degraded)
    assert ranked / len(degraded) >= 0.98
    for pair in pairs:
        if pair["kind"] == "false_positive":
            assert outcome(pair, rubric_2_0_0.RUBRIC.score), pair["id"]


def test_docs_hold_the_computed_table() -> None:
    table = render_table(load_pairs())
    assert table in DOC.read_text(encoding="utf-8"), f"regenerate the table: {COMMAND}"
    assert COMMAND in DOC.read_text(encoding="utf-8")


def render_sample_table() -> str:
    """Tier counts and mean scores of both rubrics on the bundled sample (for the docs)."""
    from pattern_quality.models import Tier
    from pattern_quality.sample import load_sample_patterns

    patterns = [Pattern.from_mapping(d) for d in load_sample_patterns()]
    lines = [
        "| rubric | excellent | good | fair | poor | mean composite | mean completeness "
        "| mean documentation | mean ONEX | mean metadata | mean complexity |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for version, score in RUBRICS.items():
        dims = [score(p) for p in patterns]
        tiers = Counter(Tier.from_score(composite(d)) for d in dims)
        means = [sum(d[i] for d in dims) / len(dims) for i in range(5)]
        cells = [str(tiers[t]) for t in Tier]
        cells.append(f"{sum(composite(d) for d in dims) / len(dims):.3f}")
        cells += [f"{m:.3f}" for m in means]
        lines.append(f"| {version} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--sample" in sys.argv[1:]:
        print(render_sample_table(), end="")
    else:
        print(render_table(load_pairs()), end="")
