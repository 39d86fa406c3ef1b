"""The blind-rated sample: 160 corpus items, stratified by kind, package and size.

Usage (from the repository root, after ``python -m tests.evidence.corpus build``)::

    python -m tests.evidence.sampling            # sample 1: labels/sample.json and packets/
    python -m tests.evidence.sampling --batch 2  # sample 2: labels/sample2.json and packets2/

Sample 2 is drawn the same way from the corpus without the sample-1 keys, with its
own seed (:data:`BATCHES`); its packets are numbered from ``161`` on and every item
is in ``tune`` (``check`` stays sample 1's held-out half).

The draw is deterministic (seeded): for each kind its quota (:data:`QUOTAS`; what a
kind lacks goes to the kinds with the most items left) is shared over the packages
in proportion to the square root of their item counts, and inside a package the
items, ordered by size, are cut into as many size bands as it gets and one item is
drawn per band. Inside each kind the drawn items, ordered by size, are paired and
each pair split at random between ``tune`` and ``check``. Packets are numbered
``001``... in a seeded shuffle, so kinds and sizes are mixed for the raters.

``tests/evidence/labels/sample.json`` (committed) holds packet number, key, kind,
split and the sha256 of the code; the packets (``packets/NNN.md`` in the cache
directory) hold what a rater reads: kind, language, path, name, contract metadata
and the code, never a score.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus import EvidenceError, cache_dir, load_corpus

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "labels" / "sample.json"
SAMPLE2 = HERE / "labels" / "sample2.json"
INDEX = HERE / "labels" / "corpus_keys.txt.gz"
SEED = "pattern-quality evidence sample 1"
SIZE = 160
QUOTAS = {
    "handler": 30,
    "model": 20,
    "module": 16,
    "function": 16,
    "contract": 14,
    "class": 13,
    "node": 12,
    "migration": 10,
    "protocol": 8,
    "enum": 6,
    "config": 6,
    "exception": 4,
    "doc": 3,
    "sql": 2,
}
FENCE_LANGUAGE = {"markdown": "markdown", "bash": "bash"}


@dataclass(frozen=True)
class Batch:
    """One rated sample: how it is drawn and where it is written.

    Attributes:
        number: 1, 2, ...
        seed: The seed of the draw.
        size: The ``size`` passed to :func:`draw` (the kind quotas may give more).
        path: The committed ``sample*.json``.
        packets: The packet directory's name in the cache directory.
        first_packet: The number of the first packet.
        split: ``None`` keeps the draw's tune/check pairs; else every item gets it.
    """

    number: int
    seed: str
    size: int
    path: Path
    packets: str
    first_packet: int
    split: str | None


BATCHES = {
    1: Batch(1, SEED, SIZE, SAMPLE, "packets", 1, None),
    2: Batch(2, "pattern-quality evidence sample 2", 120, SAMPLE2, "packets2", 161, "tune"),
}


def lines_of(item: dict[str, Any]) -> int:
    """Lines of code of an item (its line range)."""
    return int(item["end_line"]) - int(item["start_line"]) + 1


def code_sha256(item: dict[str, Any]) -> str:
    """The sha256 of an item's code text (what sample.json pins)."""
    return hashlib.sha256(item["code"].encode("utf-8")).hexdigest()


def quotas(counts: dict[str, int], size: int = SIZE) -> dict[str, int]:
    """The items to draw per kind: :data:`QUOTAS` capped by what exists, the rest redistributed.

    Args:
        counts: Corpus items per kind.
        size: The sample's size.

    Returns:
        A quota per kind present, summing to ``min(size, sum(counts))``.
    """
    plan = {k: min(q, counts.get(k, 0)) for k, q in QUOTAS.items() if counts.get(k, 0)}
    for kind in counts:
        plan.setdefault(kind, 0)
    while sum(plan.values()) < min(size, sum(counts.values())):
        kind = max(plan, key=lambda k: (counts[k] - plan[k], k))
        plan[kind] += 1
    return {k: v for k, v in plan.items() if v}


def _share(total: int, groups: dict[str, int]) -> dict[str, int]:
    """``total`` shared over groups in proportion to sqrt(size), largest remainder, capped."""
    weights = {g: math.sqrt(n) for g, n in groups.items()}
    whole = sum(weights.values())
    raw = {g: total * w / whole for g, w in weights.items()}
    share = {g: min(groups[g], int(r)) for g, r in raw.items()}
    while sum(share.values()) < total:
        open_groups = [g for g in groups if share[g] < groups[g]]
        best = max(open_groups, key=lambda g: (raw[g] - share[g], g))
        share[best] += 1
    return share


def draw(items: list[dict[str, Any]], size: int = SIZE, seed: str = SEED) -> list[dict[str, Any]]:
    """Draw the stratified sample and assign splits (see the module docstring).

    Args:
        items: The corpus items.
        size: How many to draw.
        seed: The seed of every random choice.

    Returns:
        ``[{"packet", "key", "kind", "split", "sha256"}, ...]`` in packet order.
    """
    rng = random.Random(seed)
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i["key"]):
        by_kind[item["kind"]].append(item)
    plan = quotas({k: len(v) for k, v in by_kind.items()}, size)
    chosen: list[tuple[dict[str, Any], str]] = []
    for kind in sorted(plan):
        by_package: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in by_kind[kind]:
            by_package[item["package"]].append(item)
        picked: list[dict[str, Any]] = []
        for package, n in sorted(
            _share(plan[kind], {p: len(v) for p, v in by_package.items()}).items()
        ):
            pool = sorted(by_package[package], key=lambda i: (lines_of(i), i["key"]))
            for band in range(n):
                lo, hi = band * len(pool) // n, (band + 1) * len(pool) // n
                picked.append(pool[rng.randrange(lo, hi)])
        picked.sort(key=lambda i: (lines_of(i), i["key"]))
        for start in range(0, len(picked), 2):
            pair = picked[start : start + 2]
            splits = ["tune", "check"]
            rng.shuffle(splits)
            chosen.extend((item, split) for item, split in zip(pair, splits, strict=False))
    rng.shuffle(chosen)
    return [
        {
            "packet": f"{n:03d}",
            "key": item["key"],
            "kind": item["kind"],
            "split": split,
            "sha256": code_sha256(item),
        }
        for n, (item, split) in enumerate(chosen, 1)
    ]


def _fence(code: str) -> str:
    longest = max((len(run) for run in code.split("\n") if set(run.strip()) == {"`"}), default=0)
    ticks = 3
    while "`" * ticks in code or ticks <= longest:
        ticks += 1
    return "`" * ticks


def packet(number: str, item: dict[str, Any]) -> str:
    """The Markdown a rater reads for one item: what it is, its contract metadata, its code."""
    meta = {k: v for k, v in item["metadata"].items() if k not in ("language", "path")}
    fence = _fence(item["code"])
    language = FENCE_LANGUAGE.get(item["language"], item["language"])
    lines = [
        f"# Packet {number}",
        "",
        f"- kind: {item['kind']}",
        f"- language: {item['language']}",
        f"- package: {item['package']} {item['version']}",
        f"- path: {item['path']} (lines {item['start_line']}-{item['end_line']})",
        f"- pattern_name: {item['pattern_name']}",
        f"- node_type: {item['node_type'] or '-'}",
        "",
        "## Metadata",
        "",
        "```json",
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) if meta else "{}",
        "```",
        "",
        "## Code",
        "",
        f"{fence}{language}",
        item["code"].rstrip("\n"),
        fence,
        "",
    ]
    return "\n".join(lines)


def load_sample(path: Path = SAMPLE) -> list[dict[str, Any]]:
    """One committed sample: packet number, key, kind, split and sha256 per item."""
    sample: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["items"]
    return sample


def load_samples() -> list[dict[str, Any]]:
    """Every committed sample, in batch order, each item with its ``batch`` number."""
    out: list[dict[str, Any]] = []
    for batch in BATCHES.values():
        if batch.path.exists():
            out.extend({**entry, "batch": batch.number} for entry in load_sample(batch.path))
    return out


def draw_batch(items: list[dict[str, Any]], number: int) -> list[dict[str, Any]]:
    """Draw sample ``number`` (:data:`BATCHES`) from the corpus.

    Batch ``n`` draws from the corpus without the keys of the committed samples
    before it, numbers its packets from its ``first_packet`` and, when the batch
    says so, puts every item in one split.

    Args:
        items: The corpus items.
        number: The batch.

    Returns:
        The entries as :func:`draw` returns them.

    Raises:
        EvidenceError: an unknown batch, or an earlier batch is not committed.
    """
    if number not in BATCHES:
        raise EvidenceError(f"no sample batch {number}; known: {sorted(BATCHES)}")
    batch = BATCHES[number]
    taken: set[str] = set()
    for earlier in range(1, number):
        path = BATCHES[earlier].path
        if not path.exists():
            raise EvidenceError(f"sample {earlier} ({path.name}) must be committed first")
        taken.update(entry["key"] for entry in load_sample(path))
    pool = [item for item in items if item["key"] not in taken]
    drawn = draw(pool, size=batch.size, seed=batch.seed)
    return [
        {
            **entry,
            "packet": f"{n:03d}",
            "split": batch.split or entry["split"],
        }
        for n, entry in enumerate(drawn, batch.first_packet)
    ]


def write_index(items: list[dict[str, Any]], path: Path = INDEX) -> Path:
    """Write the corpus index: ``kind key`` per item, sorted, gzipped (no code).

    The draw needs only each item's kind, package and line range, all in the key,
    so the index lets the tests re-draw every sample without the corpus.

    Args:
        items: The corpus items.
        path: Where to write it.

    Returns:
        ``path``.
    """
    rows = sorted(f"{item['kind']} {item['key']}" for item in items)
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), mtime=0))
    return path


def load_index(path: Path = INDEX) -> list[dict[str, Any]]:
    """The corpus index as items :func:`draw` accepts (empty code, so no true sha256)."""
    items: list[dict[str, Any]] = []
    for row in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        kind, key = row.split(" ", 1)
        start, end = key.rsplit("#L", 1)[1].split("-L")
        package = key.split("==", 1)[0]
        items.append(
            {
                "key": key,
                "kind": kind,
                "package": package,
                "start_line": int(start),
                "end_line": int(end),
                "code": "",
            }
        )
    return items


def write(
    items: list[dict[str, Any]], cache: Path, sample_path: Path | None = None, batch: int = 1
) -> Path:
    """Draw a sample, write its ``sample*.json`` and the packets; return the packets directory.

    Args:
        items: The corpus items.
        cache: The cache directory (the packets go in a directory under it).
        sample_path: Where to write the sample (default: the batch's committed file).
        batch: Which sample (:data:`BATCHES`).

    Returns:
        The packets directory.

    Raises:
        EvidenceError: an unknown batch, an earlier one missing, or a drawn key not in
            the corpus (cannot happen for a fresh draw).
    """
    sample = draw_batch(items, batch)
    spec = BATCHES[batch]
    by_key = {item["key"]: item for item in items}
    packets = cache / spec.packets
    packets.mkdir(parents=True, exist_ok=True)
    for old in packets.glob("*.md"):
        old.unlink()
    for entry in sample:
        if entry["key"] not in by_key:
            raise EvidenceError(f"sample key {entry['key']} is not in the corpus")
        text = packet(entry["packet"], by_key[entry["key"]])
        (packets / f"{entry['packet']}.md").write_text(text, encoding="utf-8")
    target = sample_path or spec.path
    target.parent.mkdir(parents=True, exist_ok=True)
    body = {"seed": spec.seed, "size": len(sample), "items": sample}
    target.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return packets


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.evidence.sampling [--batch N]``: draw a sample, write its packets."""
    parser = argparse.ArgumentParser(prog="python -m tests.evidence.sampling")
    parser.add_argument(
        "--batch", type=int, default=1, choices=sorted(BATCHES), help="which sample (default 1)"
    )
    parser.add_argument(
        "--index", action="store_true", help=f"write {INDEX.name} from the corpus instead"
    )
    args = parser.parse_args(argv)
    try:
        if args.index:
            print(write_index(load_corpus()).relative_to(HERE.parents[1]))
            return 0
        packets = write(load_corpus(), cache_dir(), batch=args.batch)
    except EvidenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    count = len(list(packets.glob("*.md")))
    path = BATCHES[args.batch].path
    print(f"{path.relative_to(HERE.parents[1])} and {count} packets in {packets}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
