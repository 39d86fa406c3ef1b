"""The committed labels agree with each other, and the scripts fail clearly without a corpus."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.evidence import corpus, evaluate, ratings, sampling

KEY = re.compile(r"^(omnibase-core|omnibase-spi|omnimarket)==[\w.]+:[\w./-]+#L(\d+)-L(\d+)$")


def test_the_pins_name_the_three_public_packages_and_never_the_held_out_ones() -> None:
    pins = corpus.load_pins()
    assert [p["name"] for p in pins] == ["omnibase-core", "omnibase-spi", "omnimarket"]
    for pin in pins:
        assert re.fullmatch(r"[0-9a-f]{64}", pin["sha256"])
        assert pin["wheel"].startswith(pin["name"].replace("-", "_") + "-" + pin["version"] + "-")
    text = corpus.PINS.read_text(encoding="utf-8")
    assert '"omnibase-infra"' not in text and '"omniintelligence"' not in text


def test_the_sample_is_160_keyed_items_split_in_halves_per_kind() -> None:
    sample = sampling.load_sample()
    assert len(sample) == 160
    assert [e["packet"] for e in sample] == [f"{n:03d}" for n in range(1, 161)]
    assert len({e["key"] for e in sample}) == 160
    for entry in sample:
        match = KEY.match(entry["key"])
        assert match, entry["key"]
        assert int(match[2]) <= int(match[3])
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert entry["split"] in ("tune", "check")
    assert Counter(e["kind"] for e in sample) == Counter(sampling.QUOTAS)
    for kind in sampling.QUOTAS:
        splits = Counter(e["split"] for e in sample if e["kind"] == kind)
        assert abs(splits["tune"] - splits["check"]) <= 1, kind


def test_every_rater_rated_every_sample_item_from_1_to_5() -> None:
    sample_keys = {e["key"] for e in sampling.load_sample()}
    by_rater = ratings.load_ratings()
    assert sorted(by_rater) == ["a", "b", "c"]
    for rater, given in by_rater.items():
        assert set(given) == sample_keys, rater
        assert set(given.values()) <= {1, 2, 3, 4, 5}
    for path in sorted(ratings.LABELS.glob("ratings_*.json")):
        assert "/work/" not in path.read_text(encoding="utf-8")


def test_without_a_corpus_the_scripts_say_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATTERN_QUALITY_CACHE", str(tmp_path))
    assert corpus.corpus_path() == tmp_path / "corpus.jsonl"
    with pytest.raises(corpus.EvidenceError, match="python -m tests.evidence.corpus build"):
        corpus.load_corpus()
    assert evaluate.main(["--rubric", "1.0.0"]) == 2
    assert sampling.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("error: no corpus at") == 2 and "Traceback" not in err


def test_importing_a_bad_rater_file_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ratings_z.json"
    bad.write_text(json.dumps({"rater": "z", "ratings": {"001": 9}}), encoding="utf-8")
    assert ratings.main(["import", str(bad)]) == 2
    assert "packet 001: rating 9 is outside 1-5" in capsys.readouterr().err
    assert not (ratings.LABELS / "ratings_z.json").exists()
    broken = tmp_path / "ratings_y.json"
    broken.write_text("{", encoding="utf-8")
    assert ratings.main(["import", str(broken)]) == 2
    assert "cannot read it as JSON" in capsys.readouterr().err
