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


def test_sample_2_is_160_other_items_all_tune_numbered_after_sample_1() -> None:
    first = sampling.load_sample()
    second = sampling.load_sample(sampling.SAMPLE2)
    assert [e["packet"] for e in second] == [f"{n:03d}" for n in range(161, 321)]
    assert {e["split"] for e in second} == {"tune"}
    assert len({e["key"] for e in second}) == 160
    assert not {e["key"] for e in first} & {e["key"] for e in second}
    assert Counter(e["kind"] for e in second) == Counter(sampling.QUOTAS)
    for entry in second:
        assert KEY.match(entry["key"]), entry["key"]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
    both = sampling.load_samples()
    assert [e["batch"] for e in both] == [1] * 160 + [2] * 160


@pytest.mark.parametrize("batch", sorted(sampling.BATCHES))
def test_re_drawing_a_sample_from_the_corpus_index_gives_the_committed_one(batch: int) -> None:
    index = sampling.load_index()
    assert len(index) == 18047
    drawn = sampling.draw_batch(index, batch)
    committed = sampling.load_sample(sampling.BATCHES[batch].path)

    def without_sha(entries: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in e.items() if k != "sha256"} for e in entries]

    assert without_sha(drawn) == without_sha(committed)


def test_a_later_batch_cannot_be_drawn_before_the_earlier_one_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = sampling.Batch(1, "s", 4, tmp_path / "none.json", "p", 1, None)
    monkeypatch.setitem(sampling.BATCHES, 1, missing)
    with pytest.raises(corpus.EvidenceError, match="sample 1 .none.json. must be committed"):
        sampling.draw_batch(sampling.load_index(), 2)
    with pytest.raises(corpus.EvidenceError, match="no sample batch 7"):
        sampling.draw_batch([], 7)


def test_every_rater_rated_every_item_of_one_sample_from_1_to_5() -> None:
    samples = sampling.load_samples()
    keys = {b: {e["key"] for e in samples if e["batch"] == b} for b in sampling.BATCHES}
    by_rater = ratings.load_ratings()
    assert {"a", "b", "c"} <= set(by_rater)
    for rater, given in by_rater.items():
        expected = keys[1] if rater in "abc" else keys[2]
        assert set(given) == expected, rater
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
