"""The real-code development corpus: pinned wheels, downloaded, checked, unpacked and cut.

Usage (from the repository root)::

    python -m tests.evidence.corpus build     # download, check sha256, unpack, cut
    python -m tests.evidence.corpus build --force
    python -m tests.evidence.corpus path      # print where corpus.jsonl is

The pins (name, version, wheel file name, sha256) are in ``tests/evidence/pins.json``.
Nothing third-party is committed: everything is built into the cache directory,
``$PATTERN_QUALITY_CACHE`` or ``~/.cache/pattern-quality/evidence``:
``wheels/`` (the downloaded wheels), ``src/NAME-VERSION/`` (unpacked), ``corpus.jsonl``
(one pattern per line, sorted by key) and, after sampling, ``packets/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from .contracts import contract_metadata, is_contract, load_yaml, nearest_contract
from .cutting import Piece, cut_python, cut_text_file, file_kind, is_generated, language_of

HERE = Path(__file__).resolve().parent
PINS = HERE / "pins.json"
#: kinds that carry the nearest contract's metadata and node_type
CONTRACT_KINDS = frozenset({"node", "handler"})


class EvidenceError(Exception):
    """An expected failure of the evidence scripts (bad pin, download, missing corpus)."""


def cache_dir() -> Path:
    """The evidence cache directory: ``$PATTERN_QUALITY_CACHE`` or the user's cache."""
    env = os.environ.get("PATTERN_QUALITY_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "pattern-quality" / "evidence"


def corpus_path(cache: Path | None = None) -> Path:
    """Where ``corpus.jsonl`` is (or will be) built."""
    return (cache or cache_dir()) / "corpus.jsonl"


def load_pins(path: Path = PINS) -> list[dict[str, str]]:
    """The pinned wheels: name, version, wheel file name and sha256 of each."""
    pins: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["wheels"]
    return pins


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(pin: dict[str, str], wheels: Path) -> Path:
    """Download one pinned wheel (unless present) and check its sha256.

    Raises:
        EvidenceError: pip failed, or the file's sha256 is not the pinned one.
    """
    wheel = wheels / pin["wheel"]
    if not wheel.exists():
        wheels.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--python-version", "3.12",
            "--only-binary=:all:", f"{pin['name']}=={pin['version']}", "-d", str(wheels),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not wheel.exists():
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise EvidenceError(
                f"could not download {pin['name']}=={pin['version']} ({pin['wheel']}): {tail}"
            )
    actual = sha256_of(wheel)
    if actual != pin["sha256"]:
        raise EvidenceError(
            f"sha256 mismatch for {wheel}: expected {pin['sha256']}, got {actual}. "
            "Delete the file to download it again; if the registry really serves other "
            "bytes now, the corpus is no longer the pinned one: update pins.json deliberately."
        )
    return wheel


def unpack(wheel: Path, target: Path) -> Path:
    """Unpack a wheel into ``target`` (fresh), without its ``.dist-info``."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            top = PurePosixPath(info.filename).parts[0]
            if info.is_dir() or top.endswith((".dist-info", ".data")):
                continue
            archive.extract(info, target)
    return target


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None


def _item(
    pin: dict[str, str],
    rel: str,
    lines: list[str],
    piece: Piece,
    language: str,
    meta: dict[str, Any],
) -> dict[str, Any]:
    code = "\n".join(lines[piece.start_line - 1 : piece.end_line]) + "\n"
    metadata: dict[str, Any] = {"language": language, "path": rel, **meta}
    if piece.part:
        metadata["part"] = piece.part
    node_type = meta.get("node_type")
    return {
        "key": f"{pin['name']}=={pin['version']}:{rel}#L{piece.start_line}-L{piece.end_line}",
        "package": pin["name"],
        "version": pin["version"],
        "path": rel,
        "start_line": piece.start_line,
        "end_line": piece.end_line,
        "kind": piece.kind,
        "language": language,
        "pattern_name": piece.pattern_name,
        "code": code,
        "text": piece.text,
        "metadata": metadata,
        "node_type": node_type,
    }


def cut_tree(root: Path, pin: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Every pattern of one unpacked package, as corpus items (see ``cutting.py``)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and language_of(p.name))
    texts = {p.relative_to(root).as_posix(): _read(p) for p in files}
    contracts: dict[str, dict[str, Any]] = {}
    parsed: dict[str, Any] = {}
    for rel, text in texts.items():
        if text is not None and language_of(rel) == "yaml":
            parsed[rel] = load_yaml(text)
            if PurePosixPath(rel).name == "contract.yaml" and is_contract(parsed[rel]):
                contracts[str(PurePosixPath(rel).parent)] = contract_metadata(parsed[rel], rel)
    for rel, text in texts.items():
        language = language_of(rel)
        if text is None or language is None or is_generated(text) or not text.strip():
            continue
        lines = text.splitlines()
        name = PurePosixPath(rel)
        if language == "python":
            for piece in cut_python(text, name.stem):
                meta: dict[str, Any] = {}
                if piece.kind in CONTRACT_KINDS:
                    meta = nearest_contract(rel, contracts) or {}
                if piece.bases:
                    meta = {**meta, "bases": list(piece.bases)}
                yield _item(pin, rel, lines, piece, language, meta)
            continue
        kind = file_kind(rel, language, parsed.get(rel))
        meta = contract_metadata(parsed[rel], rel) if kind == "contract" else {}
        pattern_name = meta.get("contract_name") or f"{name.parent.name}/{name.name}"
        summary = meta.get("description", "")
        for piece in cut_text_file(text, kind, pattern_name, summary):
            yield _item(pin, rel, lines, piece, language, meta)


def build(cache: Path | None = None, *, force: bool = False) -> Path:
    """Build ``corpus.jsonl`` in the cache directory (download, check, unpack, cut).

    Args:
        cache: The cache directory (default :func:`cache_dir`).
        force: Rebuild even when ``corpus.jsonl`` exists.

    Returns:
        The path of ``corpus.jsonl``.

    Raises:
        EvidenceError: a wheel could not be downloaded or has the wrong sha256.
    """
    cache = cache or cache_dir()
    out = corpus_path(cache)
    if out.exists() and not force:
        return out
    items: list[dict[str, Any]] = []
    for pin in load_pins():
        wheel = fetch(pin, cache / "wheels")
        root = unpack(wheel, cache / "src" / f"{pin['name']}-{pin['version']}")
        items.extend(cut_tree(root, pin))
    items.sort(key=lambda item: item["key"])
    tmp = out.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(out)
    return out


def load_corpus(path: Path | None = None) -> list[dict[str, Any]]:
    """Read the built corpus.

    Raises:
        EvidenceError: it has not been built (the message says how to build it).
    """
    path = path or corpus_path()
    if not path.exists():
        raise EvidenceError(f"no corpus at {path}: run `python -m tests.evidence.corpus build`")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.evidence.corpus``: build the corpus or print its path."""
    parser = argparse.ArgumentParser(prog="python -m tests.evidence.corpus")
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="download, check, unpack and cut the pinned wheels")
    build_cmd.add_argument("--force", action="store_true", help="rebuild an existing corpus")
    sub.add_parser("path", help="print the path of corpus.jsonl")
    args = parser.parse_args(argv)
    if args.command == "path":
        print(corpus_path())
        return 0
    try:
        out = build(force=args.force)
        items = load_corpus(out)
    except EvidenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    kinds = Counter(item["kind"] for item in items)
    print(f"{len(items)} patterns in {out}")
    for kind, count in kinds.most_common():
        print(f"  {kind:<12} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
