"""``pattern-quality demo``: scores the bundled sample and prints its distribution."""

from __future__ import annotations

from collections import Counter

import pytest

from pattern_quality import PatternQualityScorer, Tier
from pattern_quality.cli import main
from pattern_quality.sample import load_sample_patterns


def _tier_rows(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index(title)
    assert lines[start + 2].split() == ["tier", "count", "share"]
    return lines[start + 3 : start + 7]


def _expected_rows(collection: str | None) -> dict[str, tuple[int, str]]:
    scorer = PatternQualityScorer()
    tiers = Counter(s.tier for s in scorer.score_many(load_sample_patterns(collection)))
    total = sum(tiers.values())
    return {t.value: (tiers[t], f"{100 * tiers[t] / total:.1f}%") for t in Tier}


def _printed_rows(out: str, title: str) -> dict[str, tuple[int, str]]:
    rows = {}
    for line in _tier_rows(out, title):
        tier, count, share, *_ = line.split()
        rows[tier] = (int(count.replace(",", "")), share)
    return rows


def test_demo_prints_the_tier_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "rubric 1.0.0" in out.splitlines()[0]
    assert _printed_rows(out, "bundled sample: 1,020 patterns") == _expected_rows(None)
    assert _printed_rows(out, "code_patterns: 620 patterns") == _expected_rows("code_patterns")
    assert _printed_rows(out, "execution_patterns: 400 patterns") == _expected_rows(
        "execution_patterns"
    )
    assert out.count("dimension averages") == 3


def test_demo_one_collection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--collection", "execution_patterns", "--rubric", "1.0.0"]) == 0
    out = capsys.readouterr().out
    assert "bundled sample:" not in out
    assert "code_patterns" not in out
    expected = _expected_rows("execution_patterns")
    assert _printed_rows(out, "execution_patterns: 400 patterns") == expected


def test_demo_rejects_an_unknown_collection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--collection", "nope"]) == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err
