"""The bundled sample corpus: loader behaviour and reproducible generation."""

from __future__ import annotations

import importlib.util
import uuid
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from pattern_quality import CollectionNotFoundError, Pattern
from pattern_quality.sample import SAMPLE_COLLECTIONS, load_sample_patterns

GENERATOR = Path(__file__).parent / "data" / "generate_sample_corpus.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_sample_corpus", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_collections_and_counts() -> None:
    assert SAMPLE_COLLECTIONS == ("code_patterns", "execution_patterns")
    code = load_sample_patterns("code_patterns")
    execution = load_sample_patterns("execution_patterns")
    both = load_sample_patterns()
    assert (len(code), len(execution), len(both)) == (620, 400, 1020)
    assert both == code + execution


def test_every_record_is_a_valid_pattern_with_a_canonical_uuid() -> None:
    records = load_sample_patterns()
    ids = [r["pattern_id"] for r in records]
    assert len(set(ids)) == len(ids)
    for record in records:
        assert str(uuid.UUID(record["pattern_id"])) == record["pattern_id"]
        Pattern.from_mapping(record)


def test_sample_has_the_promised_variety() -> None:
    records = load_sample_patterns()
    node_types = Counter((r["node_type"] or "").lower() for r in records)
    assert set(node_types) == {"", "effect", "compute", "reducer", "orchestrator"}
    assert any(r["node_type"] and r["node_type"] != r["node_type"].lower() for r in records)
    codes = [r["code"] or "" for r in records]
    for marker in ("pass", "TODO", "...", "raise NotImplementedError", "async def execute_"):
        assert any(marker in c for c in codes), marker
    assert any(r["pattern_name"] == "unnamed_pattern" for r in records)
    assert any(None in (r.get("code"), r.get("metadata"), r.get("use_cases")) for r in records)


def test_each_call_returns_fresh_objects() -> None:
    first = load_sample_patterns("code_patterns")
    first[0]["code"] = "changed"
    assert load_sample_patterns("code_patterns")[0]["code"] != "changed"


def test_unknown_collection() -> None:
    with pytest.raises(CollectionNotFoundError, match="no sample collection 'archon_vectors'"):
        load_sample_patterns("archon_vectors")


def test_bundled_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    module = _generator()
    target = tmp_path / "sample.json.gz"
    assert module.main(["--output", str(target)]) == 0
    assert module.main(["--output", str(target), "--check"]) == 0
    assert target.read_bytes() == module.OUTPUT.read_bytes()
