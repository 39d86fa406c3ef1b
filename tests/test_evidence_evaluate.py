"""The evidence table on a tiny synthetic corpus written here, and the ratings import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.evidence import evaluate as ev
from tests.evidence import mutations, sampling, stats
from tests.evidence import ratings as rt
from tests.evidence.corpus import EvidenceError
from tests.evidence.sampling import code_sha256

BODY = '''\
class HandlerStep{n}:
    """Step {n} of the pipeline."""

    def handle(self, value: int) -> int:
        """Add {n}, then double."""
{lines}        return value * 2
'''


def _corpus() -> list[dict[str, Any]]:
    items = []
    for n in range(8):
        code = BODY.format(n=n, lines="".join(f"        value += {k}\n" for k in range(n)))
        items.append(
            {
                "key": f"pkg==1:pkg/handlers/h{n}.py#L1-L{len(code.splitlines())}",
                "package": "pkg",
                "version": "1",
                "path": f"pkg/handlers/h{n}.py",
                "start_line": 1,
                "end_line": len(code.splitlines()),
                "kind": "handler",
                "language": "python",
                "pattern_name": f"HandlerStep{n}",
                "code": code,
                "text": f"Step {n} of the pipeline.",
                "metadata": {"language": "python", "path": f"pkg/handlers/h{n}.py"},
                "node_type": "compute",
            }
        )
    return items


def _sample(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "packet": f"{i + 1:03d}",
            "key": item["key"],
            "kind": item["kind"],
            "split": "tune" if i % 2 else "check",
            "sha256": code_sha256(item),
        }
        for i, item in enumerate(items[:6])
    ]


def test_the_table_for_a_rubric_and_the_loc_baseline() -> None:
    items = _corpus()
    sample = _sample(items)
    keys = [e["key"] for e in sample]
    ratings = {
        "a": dict(zip(keys, [1, 2, 2, 3, 4, 5], strict=True)),
        "b": dict(zip(keys, [1, 1, 3, 3, 5, 4], strict=True)),
    }
    result = ev.evaluate(["1.0.0"], corpus=items, sample=sample, ratings=ratings)
    assert list(result["rubrics"]) == ["1.0.0", "loc"]
    assert result["corpus"] == {"patterns": 8, "sample": 6, "pairs": result["corpus"]["pairs"]}
    loc_all = result["rubrics"]["loc"]["all"]
    lines = [ev.loc(i["code"]) for i in items[:6]]
    mean = [(ratings["a"][k] + ratings["b"][k]) / 2 for k in keys]
    by_key = sorted(zip(keys, lines, mean, strict=True))
    expected = stats.spearman([x for _, x, _ in by_key], [y for _, _, y in by_key])
    assert loc_all["ratings"]["n"] == 6
    assert loc_all["ratings"]["spearman"] == pytest.approx(expected)
    assert loc_all["ratings"]["partial_spearman"] is None  # LOC held constant leaves nothing
    assert loc_all["tiers"] is None
    tune = result["rubrics"]["1.0.0"]["tune"]
    assert tune["ratings"]["n"] == 3
    assert sum(tune["tiers"].values()) == pytest.approx(1.0)
    pairs = result["rubrics"]["1.0.0"]["all"]["pairs"]
    assert pairs["n"] == result["corpus"]["pairs"] > 0
    assert set(pairs["by_mutation"]) <= set(mutations.KINDS)
    assert 0.0 <= pairs["correct"] <= 1.0
    ag = result["agreement"]
    assert ag["raters"] == ["a", "b"] and ag["rated"] == {"a": 6, "b": 6}
    assert ag["pairwise_spearman"]["a-b"] == pytest.approx(
        stats.spearman(list(ratings["a"].values()), list(ratings["b"].values()))
    )
    assert ag["krippendorff_alpha_ordinal"] == pytest.approx(
        stats.krippendorff_alpha_ordinal(ratings)
    )
    text = ev.render(result)
    assert "| 1.0.0 | tune | 3 |" in text and "| loc | all | 6 |" in text
    assert "Krippendorff's alpha (ordinal):" in text


def test_stub_pairs_are_ranked_by_the_current_default() -> None:
    items = _corpus()
    twins = [p for p in mutations.pairs(items) if p["mutation"] == "stub_bodies"]
    result = ev.evaluate(["2.0.0"], corpus=items, sample=[], ratings={}, pairs=twins)
    pairs = result["rubrics"]["2.0.0"]["all"]["pairs"]
    assert pairs["n"] == len(twins) == 8
    assert pairs["correct"] == 1.0  # 2.0.0 sees a stubbed handler as worse, always
    assert result["rubrics"]["2.0.0"]["all"]["ratings"] == {
        "n": 0,
        "spearman": None,
        "spearman_ci95": None,
        "partial_spearman": None,
    }


def test_sample_2_items_are_tune_and_reported_alone_with_their_raters_agreement() -> None:
    items = _corpus()
    first = [{**e, "batch": 1} for e in _sample(items)[:4]]
    second = [
        {**e, "packet": f"{161 + i:03d}", "split": "tune", "batch": 2}
        for i, e in enumerate(_sample(items)[4:])
    ]
    second += [
        {
            "packet": f"{163 + i:03d}",
            "key": it["key"],
            "kind": "handler",
            "split": "tune",
            "batch": 2,
            "sha256": code_sha256(it),
        }
        for i, it in enumerate(items[6:])
    ]
    one = [e["key"] for e in first]
    two = [e["key"] for e in second]
    ratings = {
        "a": dict(zip(one, [1, 2, 3, 4], strict=True)),
        "b": dict(zip(one, [2, 2, 3, 5], strict=True)),
        "d": dict(zip(two, [5, 4, 2, 1], strict=True)),
        "e": dict(zip(two, [4, 4, 1, 1], strict=True)),
    }
    result = ev.evaluate(["1.0.0"], corpus=items, sample=first + second, ratings=ratings)
    table = result["rubrics"]["loc"]
    tune1 = [k for k in one if first[one.index(k)]["split"] == "tune"]
    assert table["tune-1"]["ratings"]["n"] == len(tune1) == 2
    assert table["tune-2"]["ratings"]["n"] == 4
    assert table["tune"]["ratings"]["n"] == 6 and table["check"]["ratings"]["n"] == 2
    assert table["tune-2"]["pairs"] is None and table["tune-2"]["tiers"] is None
    lines = [float(ev.loc(i["code"])) for i in items if i["key"] in two]
    mean = [(ratings["d"][k] + ratings["e"][k]) / 2 for k in sorted(two)]
    by_key = [
        float(ev.loc(i["code"])) for i in sorted(items, key=lambda i: i["key"]) if i["key"] in two
    ]
    assert lines and table["tune-2"]["ratings"]["spearman"] == pytest.approx(
        stats.spearman(by_key, mean)
    )
    assert set(result["agreement_by_sample"]) == {1, 2}
    assert result["agreement_by_sample"][2]["raters"] == ["d", "e"]
    assert result["agreement"]["pairwise_spearman"].keys() == {"a-b", "d-e"}
    text = ev.render(result)
    assert "| 1.0.0 | tune-2 | 4 |" in text and "Raters, sample 2: d, e" in text


def test_one_split_only_and_bad_requests_are_refused() -> None:
    items = _corpus()
    sample = _sample(items)
    result = ev.evaluate(
        ["1.0.0"], splits=["tune"], corpus=items, sample=sample, ratings={}, pairs=[]
    )
    assert list(result["rubrics"]["1.0.0"]) == ["tune"]
    with pytest.raises(EvidenceError, match="unknown rubric"):
        ev.evaluate(["9.9.9"], corpus=items, sample=sample, ratings={}, pairs=[])
    with pytest.raises(EvidenceError, match="unknown split"):
        ev.evaluate(["1.0.0"], splits=["dev"], corpus=items, sample=sample, ratings={}, pairs=[])
    with pytest.raises(EvidenceError, match="rater z rated 1 keys not in the sample"):
        ev.evaluate(
            ["1.0.0"], corpus=items, sample=sample, ratings={"z": {items[7]["key"]: 3}}, pairs=[]
        )
    tampered = [{**sample[0], "sha256": "0" * 64}, *sample[1:]]
    with pytest.raises(EvidenceError, match="rebuild the corpus"):
        ev.evaluate(["1.0.0"], corpus=items, sample=tampered, ratings={}, pairs=[])


def test_patterns_carry_language_path_and_node_type() -> None:
    item = _corpus()[0]
    pattern = ev.pattern_of(item)
    assert pattern.metadata["language"] == "python"
    assert pattern.metadata["path"] == "pkg/handlers/h0.py"
    assert pattern.node_type == "compute" and pattern.code == item["code"]
    assert ev.pattern_of(item, "x = 1\n").code == "x = 1\n"
    assert ev.hashed_split(item["key"]) in ("tune", "check")


def test_importing_a_sample_2_rater_file_keys_it_through_sample2_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(rt, "LABELS", tmp_path)
    second = sampling.load_samples()[160:]
    raw = {"rater": "x", "ratings": {"161": 4, "320": 2}, "notes": {"161": "clear"}}
    (tmp_path / "ratings_d.json").write_text(json.dumps(raw), encoding="utf-8")
    assert rt.main(["import", str(tmp_path / "ratings_d.json")]) == 0
    written = json.loads((tmp_path / "ratings_d.json").read_text(encoding="utf-8"))
    assert written == {
        "rater": "d",
        "ratings": {second[0]["key"]: 4, second[-1]["key"]: 2},
        "notes": {second[0]["key"]: "clear"},
    }
    assert "2 ratings of sample 2 (158 packets unrated)" in capsys.readouterr().out


def test_rater_files_by_packet_become_keyed_files(tmp_path: Path) -> None:
    sample = _sample(_corpus())
    raw = {"rater": "a", "ratings": {"1": 4, "002": 2, "6": 5}, "notes": {"1": "solid"}}
    converted = rt.from_packets(raw, sample, "ratings_a.json")
    assert converted == {
        "rater": "a",
        "ratings": {sample[0]["key"]: 4, sample[1]["key"]: 2, sample[5]["key"]: 5},
        "notes": {sample[0]["key"]: "solid"},
    }
    (tmp_path / "ratings_a.json").write_text(json.dumps(converted), encoding="utf-8")
    assert rt.load_ratings(tmp_path) == {"a": converted["ratings"]}
    assert rt.consensus({"a": {"k": 4}, "b": {"k": 1, "j": 2}}) == {"k": 2.5, "j": 2.0}
    with pytest.raises(EvidenceError, match="packet '99' is not in the sample"):
        rt.from_packets({"rater": "a", "ratings": {"99": 3}}, sample, "f")
    with pytest.raises(EvidenceError, match="outside 1-5"):
        rt.from_packets({"rater": "a", "ratings": {"1": 6}}, sample, "f")
    with pytest.raises(EvidenceError, match="not a whole number"):
        rt.from_packets({"rater": "a", "ratings": {"1": 3.5}}, sample, "f")
    with pytest.raises(EvidenceError, match='no "rater"'):
        rt.from_packets({"ratings": {}}, sample, "f")
