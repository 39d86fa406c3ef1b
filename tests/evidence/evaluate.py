"""The evidence table: every rubric (and lines of code) against the blind ratings.

Usage (from the repository root, after ``python -m tests.evidence.corpus build``)::

    python -m tests.evidence.evaluate                      # every rubric, every split
    python -m tests.evidence.evaluate --split tune --rubric 3.0.0
    python -m tests.evidence.evaluate --split tune-1 --split tune-2   # validation
    python -m tests.evidence.evaluate --json

For each rubric of :func:`pattern_quality.scoring.available_rubrics` plus the
``loc`` baseline (non-blank lines of code as the score) and each split
(``tune``: sample 1's tune half and all of sample 2; ``tune-1`` and ``tune-2``,
ratings only: the tune items of sample 1, of sample 2; ``check``: sample 1's
held-out half; ``all``): Spearman with the raters' consensus (mean
rating) and its seeded bootstrap 95 % interval, partial Spearman with lines of
code held constant, the share of degradation pairs whose original scores
strictly above its twin (overall and per mutation),
and the tier distribution over the whole corpus; then inter-rater agreement
(pairwise Spearman, Krippendorff's alpha, ordinal), over all raters and per sample.
Sample items keep the split of their ``labels/sample*.json``; every other corpus
item and pair falls in a split by the hash of its key. Rubric work tunes on
``tune`` only; ``check`` is reported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

from pattern_quality import PatternQualityScorer
from pattern_quality.models import Pattern, Tier
from pattern_quality.scoring import available_rubrics

from . import mutations, stats
from .corpus import EvidenceError, load_corpus
from .ratings import consensus, load_ratings
from .sampling import code_sha256, load_samples

SPLITS = ("tune", "tune-1", "tune-2", "check", "all")
#: Splits reported on the ratings only: (sample batch, sample split).
RATED_ONLY = {"tune-1": (1, "tune"), "tune-2": (2, "tune")}
LOC = "loc"
TIERS = tuple(t.value for t in Tier)


def loc(code: str) -> int:
    """Lines of code: the non-blank lines."""
    return sum(1 for line in code.splitlines() if line.strip())


def hashed_split(key: str) -> str:
    """The split of an item outside the sample: ``tune`` or ``check`` by its key's hash."""
    return "tune" if int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 2 else "check"


def pattern_of(item: dict[str, Any], code: str | None = None) -> Pattern:
    """The :class:`Pattern` the scorer sees for a corpus item (its code or ``code``)."""
    metadata = {**item["metadata"], "language": item["language"], "path": item["path"]}
    return Pattern.from_mapping(
        {
            "pattern_name": item["pattern_name"],
            "code": item["code"] if code is None else code,
            "text": item["text"],
            "metadata": metadata,
            "node_type": item["node_type"],
            "language": item["language"],
        }
    )


class Scores:
    """Composite scores of one rubric, or lines of code for :data:`LOC`."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._scorer = (
            None if version == LOC else PatternQualityScorer(rubric=version, explain=False)
        )

    def __call__(self, item: dict[str, Any], code: str | None = None) -> float:
        text = item["code"] if code is None else code
        if self._scorer is None:
            return float(loc(text))
        return self._scorer.score_pattern(pattern_of(item, code)).composite_score


def _in(split: str, item_split: str) -> bool:
    return split == "all" or split == item_split


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _rating_metrics(
    scores: dict[str, float], target: dict[str, float], lines: dict[str, int]
) -> dict[str, Any]:
    keys = sorted(k for k in target if k in scores)
    x = [scores[k] for k in keys]
    y = [target[k] for k in keys]
    z = [float(lines[k]) for k in keys]

    def resampled(indices: list[int]) -> float | None:
        return stats.spearman([x[i] for i in indices], [y[i] for i in indices])

    return {
        "n": len(keys),
        "spearman": stats.spearman(x, y),
        "spearman_ci95": stats.bootstrap_ci(resampled, len(keys)) if len(keys) >= 10 else None,
        "partial_spearman": stats.partial_spearman(x, y, z),
    }


def _pair_metrics(results: Iterable[tuple[str, str, bool]]) -> dict[str, Any]:
    per: Counter[tuple[str, str]] = Counter()
    ok: Counter[tuple[str, str]] = Counter()
    for mutation, variant, won in results:
        per[mutation, variant] += 1
        ok[mutation, variant] += won
    by: dict[str, Any] = {}
    for mutation in sorted({m for m, _ in per}):
        variants = sorted(v for m, v in per if m == mutation)
        n = sum(per[mutation, v] for v in variants)
        by[mutation] = {
            "n": n,
            "correct": _share(sum(ok[mutation, v] for v in variants), n),
            "by_variant": {
                v: {"n": per[mutation, v], "correct": _share(ok[mutation, v], per[mutation, v])}
                for v in variants
            },
        }
    total = sum(per.values())
    return {"n": total, "correct": _share(sum(ok.values()), total), "by_mutation": by}


def agreement(ratings: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Inter-rater agreement: pairwise Spearman on shared items and Krippendorff's alpha."""
    pairwise: dict[str, float | None] = {}
    for a, b in combinations(sorted(ratings), 2):
        shared = sorted(set(ratings[a]) & set(ratings[b]))
        if not shared:  # raters of different samples
            continue
        pairwise[f"{a}-{b}"] = stats.spearman(
            [ratings[a][k] for k in shared], [ratings[b][k] for k in shared]
        )
    defined = [v for v in pairwise.values() if v is not None]
    return {
        "raters": sorted(ratings),
        "rated": {r: len(v) for r, v in sorted(ratings.items())},
        "pairwise_spearman": pairwise,
        "mean_pairwise_spearman": sum(defined) / len(defined) if defined else None,
        "krippendorff_alpha_ordinal": stats.krippendorff_alpha_ordinal(ratings),
    }


def evaluate(
    rubric_versions: Sequence[str] | None = None,
    *,
    splits: Sequence[str] = SPLITS,
    corpus: list[dict[str, Any]] | None = None,
    sample: list[dict[str, Any]] | None = None,
    ratings: dict[str, dict[str, int]] | None = None,
    pairs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Compute the evidence table.

    Args:
        rubric_versions: Rubrics to evaluate (default: every available one); the
            ``loc`` baseline is always added.
        splits: Which of ``tune``, ``check``, ``all`` to report.
        corpus: Corpus items (default: the built corpus).
        sample: The sample entries, each with its ``batch`` (default: every committed
            sample, :func:`~tests.evidence.sampling.load_samples`).
        ratings: ``{rater: {key: 1..5}}`` (default: ``labels/ratings_*.json``).
        pairs: Degradation pairs (default: :func:`tests.evidence.mutations.pairs`).

    Returns:
        ``{"corpus", "agreement", "agreement_by_sample", "rubrics": {version: {split:
        metrics}}}``; a ``tune-1`` / ``tune-2`` split has ratings only (``pairs`` and
        ``tiers`` are ``None``).

    Raises:
        EvidenceError: no corpus, an unknown rubric or split, a sample item whose
            key or code is not the corpus's, or a rating of an item not in the sample.
    """
    versions = list(rubric_versions or available_rubrics())
    unknown = [v for v in versions if v not in available_rubrics() and v != LOC]
    if unknown:
        raise EvidenceError(f"unknown rubric {unknown}; available: {list(available_rubrics())}")
    if any(s not in SPLITS for s in splits):
        raise EvidenceError(f"unknown split in {list(splits)}; use one of {list(SPLITS)}")
    items = corpus if corpus is not None else load_corpus()
    chosen = sample if sample is not None else load_samples()
    rated = ratings if ratings is not None else load_ratings()
    by_key = {item["key"]: item for item in items}
    for entry in chosen:
        item = by_key.get(entry["key"])
        if item is None or code_sha256(item) != entry["sha256"]:
            raise EvidenceError(
                f"sample item {entry['key']} is not in this corpus as sampled; rebuild the "
                "corpus from the pins (python -m tests.evidence.corpus build --force)"
            )
    sampled = {entry["key"] for entry in chosen}
    for rater, rater_ratings in rated.items():
        stray = sorted(set(rater_ratings) - sampled)
        if stray:
            raise EvidenceError(
                f"rater {rater} rated {len(stray)} keys not in the sample: {stray[0]}"
            )
    split_of = {item["key"]: hashed_split(item["key"]) for item in items}
    split_of.update({entry["key"]: entry["split"] for entry in chosen})
    batch_of = {entry["key"]: int(entry.get("batch", 1)) for entry in chosen}
    target = consensus(rated)
    lines = {item["key"]: loc(item["code"]) for item in items}
    twins = pairs if pairs is not None else mutations.pairs(items)
    wanted = [s for s in SPLITS if s in splits]
    plain = {RATED_ONLY[s][1] if s in RATED_ONLY else s for s in wanted}
    needed = {k for k, s in split_of.items() if "all" in plain or s in plain}
    by_sample: dict[int, dict[str, dict[str, int]]] = {}
    for rater, given in rated.items():
        for batch in sorted({batch_of[k] for k in given}):
            by_sample.setdefault(batch, {})[rater] = {
                k: v for k, v in given.items() if batch_of[k] == batch
            }
    out: dict[str, Any] = {
        "corpus": {"patterns": len(items), "sample": len(chosen), "pairs": len(twins)},
        "agreement": agreement(rated),
        "agreement_by_sample": {b: agreement(r) for b, r in sorted(by_sample.items())},
        "rubrics": {},
    }
    for version in [*versions, LOC] if LOC not in versions else versions:
        score = Scores(version)
        corpus_scores = {k: score(by_key[k]) for k in sorted(needed)}
        twin_results = [
            (
                p["key"],
                p["mutation"],
                p["variant"],
                corpus_scores[p["key"]] > score(by_key[p["key"]], p["code"]),
            )
            for p in twins
            if p["key"] in needed
        ]
        table: dict[str, Any] = {}
        for split in wanted:
            if split in RATED_ONLY:
                batch, part = RATED_ONLY[split]
                chosen_keys = {k for k in batch_of if batch_of[k] == batch and split_of[k] == part}
                table[split] = {
                    "ratings": _rating_metrics(
                        corpus_scores, {k: v for k, v in target.items() if k in chosen_keys}, lines
                    ),
                    "pairs": None,
                    "tiers": None,
                    "patterns": len(chosen_keys),
                }
                continue
            keys = [k for k in corpus_scores if _in(split, split_of[k])]
            in_split = {k: target[k] for k in target if k in split_of and _in(split, split_of[k])}
            tiers: Counter[str] = Counter()
            if version != LOC:
                tiers.update(Tier.from_score(corpus_scores[k]).value for k in keys)
            table[split] = {
                "ratings": _rating_metrics(corpus_scores, in_split, lines),
                "pairs": _pair_metrics(
                    (m, v, won) for k, m, v, won in twin_results if _in(split, split_of[k])
                ),
                "tiers": {t: tiers[t] / len(keys) for t in TIERS} if tiers and keys else None,
                "patterns": len(keys),
            }
        out["rubrics"][version] = table
    return out


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def render(result: dict[str, Any]) -> str:
    """The evidence table and the agreement as Markdown."""
    mutation_names = list(mutations.KINDS)
    head = ["rubric", "split", "rated", "Spearman (95 % CI)", "partial (LOC)", "pairs ok"]
    head += mutation_names + [f"% {t}" for t in TIERS]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for version, table in result["rubrics"].items():
        for split, m in table.items():
            by = m["pairs"]["by_mutation"] if m["pairs"] else {}
            ci = m["ratings"]["spearman_ci95"]
            rho = _num(m["ratings"]["spearman"]) + (f" ({ci[0]:.2f} to {ci[1]:.2f})" if ci else "")
            cells = [version, split, str(m["ratings"]["n"]), rho]
            pairs_ok = m["pairs"]["correct"] if m["pairs"] else None
            cells += [_num(m["ratings"]["partial_spearman"]), _pct(pairs_ok)]
            cells += [_pct(by[k]["correct"]) if k in by else "n/a" for k in mutation_names]
            tiers = m["tiers"]
            cells += [_pct(tiers[t]) if tiers else "n/a" for t in TIERS]
            rows.append("| " + " | ".join(cells) + " |")
    corpus = result["corpus"]
    lines = [
        f"Corpus: {corpus['patterns']} patterns; sample: {corpus['sample']}; "
        f"degradation pairs: {corpus['pairs']}.",
        "",
        *rows,
    ]
    groups = [("all samples", result["agreement"])]
    groups += [(f"sample {b}", ag) for b, ag in result.get("agreement_by_sample", {}).items()]
    for title, ag in groups:
        lines += [
            "",
            f"Raters, {title}: {', '.join(ag['raters']) or 'none yet'} "
            f"({', '.join(f'{r}: {n}' for r, n in ag['rated'].items())})",
        ]
        for pair, rho in ag["pairwise_spearman"].items():
            lines.append(f"- Spearman {pair}: {_num(rho)}")
        lines.append(f"- mean pairwise Spearman: {_num(ag['mean_pairwise_spearman'])}")
        alpha = _num(ag["krippendorff_alpha_ordinal"])
        lines.append(f"- Krippendorff's alpha (ordinal): {alpha}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.evidence.evaluate``: print the evidence table."""
    parser = argparse.ArgumentParser(prog="python -m tests.evidence.evaluate")
    parser.add_argument("--rubric", action="append", help="a rubric version (repeatable)")
    parser.add_argument(
        "--split", action="append", choices=SPLITS, help="report this split (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    try:
        result = evaluate(args.rubric, splits=args.split or SPLITS)
    except EvidenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        json.dumps(result, indent=1) if args.json else render(result),
        end="" if not args.json else "\n",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
