"""The blind ratings: reading them, checking them, and importing a rater's file.

Committed ratings are ``tests/evidence/labels/ratings_<rater>.json``:
``{"rater": "a", "ratings": {"<item key>": 1..5}, "notes": {"<item key>": "..."}}``.
Raters rate packets, so their files are keyed by packet number; import one with::

    python -m tests.evidence.ratings import RATER_FILE [RATER_FILE ...]

which maps packet numbers to item keys through the committed samples
(``labels/sample.json``: packets 001-160, ``labels/sample2.json``: 161-320) and
writes the committed file (refusing unknown packets and ratings outside 1..5).
The consensus of an item is the mean of the ratings of the raters who rated it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .corpus import EvidenceError
from .sampling import SAMPLE, load_samples

LABELS = SAMPLE.parent


def _rating(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise EvidenceError(f"{where}: rating {value!r} is not a whole number 1-5")
    if not 1 <= int(value) <= 5:
        raise EvidenceError(f"{where}: rating {value!r} is outside 1-5")
    return int(value)


def from_packets(raw: dict[str, Any], sample: list[dict[str, Any]], source: str) -> dict[str, Any]:
    """A rater's packet-numbered file as the committed key-numbered form.

    Args:
        raw: ``{"rater", "ratings": {packet: rating}, "notes"?: {packet: text}}``.
        sample: The sample (:func:`~tests.evidence.sampling.load_sample`).
        source: Where ``raw`` came from, for messages.

    Returns:
        ``{"rater", "ratings": {key: rating}, "notes": {key: text}}`` in sample order.

    Raises:
        EvidenceError: no rater letter, an unknown packet, or a rating not in 1..5.
    """
    rater = raw.get("rater")
    if not isinstance(rater, str) or not rater:
        raise EvidenceError(f'{source}: no "rater" name')
    by_packet = {entry["packet"]: entry["key"] for entry in sample}
    ratings: dict[str, int] = {}
    given = raw.get("ratings")
    if not isinstance(given, dict):
        raise EvidenceError(f'{source}: no "ratings" mapping')
    for packet, value in given.items():
        number = f"{int(packet):03d}" if str(packet).isdigit() else str(packet)
        if number not in by_packet:
            raise EvidenceError(f"{source}: packet {packet!r} is not in the sample")
        ratings[by_packet[number]] = _rating(value, f"{source} packet {packet}")
    notes_in = raw.get("notes") if isinstance(raw.get("notes"), dict) else {}
    notes = {
        by_packet[f"{int(p):03d}"]: str(text)
        for p, text in (notes_in or {}).items()
        if str(p).isdigit() and f"{int(p):03d}" in by_packet and text
    }
    order = [entry["key"] for entry in sample]
    return {
        "rater": rater,
        "ratings": {k: ratings[k] for k in order if k in ratings},
        "notes": {k: notes[k] for k in order if k in notes},
    }


def load_ratings(labels: Path = LABELS) -> dict[str, dict[str, int]]:
    """Every committed rater's ratings: ``{rater: {key: 1..5}}``.

    Raises:
        EvidenceError: a file is not the committed form or has a bad rating.
    """
    out: dict[str, dict[str, int]] = {}
    for path in sorted(labels.glob("ratings_*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        rater, ratings = raw.get("rater"), raw.get("ratings")
        if not isinstance(rater, str) or not isinstance(ratings, dict):
            raise EvidenceError(f'{path.name}: expected {{"rater": ..., "ratings": {{...}}}}')
        out[rater] = {k: _rating(v, f"{path.name} {k}") for k, v in ratings.items()}
    return out


def consensus(ratings: dict[str, dict[str, int]]) -> dict[str, float]:
    """The mean rating of each item over the raters who rated it."""
    totals: dict[str, list[int]] = {}
    for by_key in ratings.values():
        for key, value in by_key.items():
            totals.setdefault(key, []).append(value)
    return {key: sum(values) / len(values) for key, values in totals.items()}


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.evidence.ratings import FILE...``: commit-ready rating files."""
    parser = argparse.ArgumentParser(prog="python -m tests.evidence.ratings")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="convert packet-numbered rater files to labels/")
    imp.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        sample = load_samples()
        for path in args.files:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise EvidenceError(f"{path}: cannot read it as JSON ({error})") from error
            converted = from_packets(raw, sample, path.name)
            if path.stem.startswith("ratings_"):  # the file name wins: ratings_a.json is "a"
                converted["rater"] = path.stem.removeprefix("ratings_")
            out = LABELS / f"ratings_{converted['rater']}.json"
            out.write_text(json.dumps(converted, indent=1) + "\n", encoding="utf-8")
            batches = {e["batch"] for e in sample if e["key"] in converted["ratings"]}
            size = sum(1 for e in sample if e["batch"] in batches)
            missing = size - len(converted["ratings"])
            named = ", ".join(str(b) for b in sorted(batches)) or "none"
            print(
                f"{out.name}: {len(converted['ratings'])} ratings of sample {named} "
                f"({missing} packets unrated)"
            )
    except EvidenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
