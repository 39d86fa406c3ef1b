"""The tree-sitter analysis layer of rubric 3.0.0: detection, parsing, facts per language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pattern_quality import Pattern
from pattern_quality.scoring.analysis import (
    LANGUAGES,
    OTHER,
    Facts,
    analyze,
    detect,
    language_of_path,
)
from pattern_quality.scoring.analysis.languages import normalise, parse


def _rules(facts: Facts) -> list[tuple[str, int]]:
    return [(i.rule, i.line) for i in facts.issues]


@pytest.mark.parametrize(
    ("mapping", "path", "expected"),
    [
        ({"code": "x = 1", "language": "TS"}, None, ("typescript", "explicit")),
        ({"code": "x = 1", "metadata": {"language": "yml"}}, None, ("yaml", "explicit")),
        ({"code": "x = 1", "metadata": {"language": "go"}}, None, (OTHER, "explicit")),
        ({"code": "x = 1"}, "db/001_init.sql", ("sql", "path")),
        ({"code": "x = 1", "metadata": {"path": "a/b.tsx"}}, None, ("tsx", "path")),
        ({"code": "x = 1", "path": "run.sh"}, None, ("bash", "path")),
        ({"code": "package main"}, "main.go", (OTHER, "path")),
        ({"code": "#!/usr/bin/env bash\necho hi\n"}, None, ("bash", "content")),
        ({"code": "CREATE TABLE t (id int);\n"}, None, ("sql", "content")),
        ({"code": "name: x\nnode_type: effect\n"}, None, ("yaml", "content")),
        ({"code": "export const x: string = 'a';\n"}, None, ("typescript", "content")),
        ({"code": "const x = require('a');\n"}, None, ("javascript", "content")),
        ({"code": "def f():\n    return 1\n"}, None, ("python", "content")),
    ],
)
def test_detect_order_explicit_then_path_then_content(mapping, path, expected):
    assert detect(Pattern.from_mapping(mapping), path) == expected


def test_explicit_language_beats_the_path():
    pattern = Pattern.from_mapping({"code": "x", "language": "sql", "path": "a.py"})
    assert detect(pattern, "b.sh") == ("sql", "explicit")


def test_path_helpers():
    assert language_of_path("Makefile") is None
    assert language_of_path("x/.bashrc") is None
    assert language_of_path("A.PY") == "python"
    assert normalise("  Shell ") == "bash"
    assert normalise("") is None
    assert normalise(3) is None


def test_unknown_language_is_refused_by_analyze():
    with pytest.raises(ValueError, match="no rules for language 'go'"):
        analyze("package main", "go")


def test_bom_is_stripped_before_parsing():
    tree, source = parse("\ufeffdef f():\n    return 1\n", "python")
    assert not tree.root_node.has_error
    assert source.startswith(b"def")


def test_pep_695_parses_on_any_interpreter():
    code = (
        "type Pair[T] = tuple[T, T]\nclass Box[T]:\n"
        '    """A box."""\n    def get(self) -> T:\n        """Get."""\n        return self.v\n'
    )
    facts = analyze(code, "python")
    assert facts.errors == 0
    assert [f.name for f in facts.functions] == ["get"]
    assert facts.classes[0][1] == "Box"


def test_fragment_and_truncated_code_keep_their_facts():
    method = (
        "    def load(self, path: str) -> str:\n"
        "        if path:\n            return path\n        return ''\n"
    )
    facts = analyze(method, "python")
    assert facts.functions[0].cc == 2
    truncated = analyze("def ok():\n    return 1\n\ndef broken(:\n    x = [1,\n", "python")
    assert truncated.errors >= 1
    assert "ok" in [f.name for f in truncated.functions]
    assert any("syntax error" in n for n in truncated.notes)


PY = '''"""Module doc."""
# SPDX-License-Identifier: MIT
# Copyright 2026 Someone
import time
from typing import Any, Protocol


class Port(Protocol):
    """A port."""

    def read(self) -> str: ...


class HandlerScore(NodeCompute[int, int]):
    """Scores things."""

    handler_type: str = "node_handler"

    def __init__(self) -> None:
        """Nothing to set up."""

    @property
    def handler_category(self) -> str:
        return "COMPUTE"

    async def handle(self, request: Any, seen=[]) -> dict:
        """Handle one request."""
        try:
            for item in request:
                if item and seen:
                    seen.append(time.time())
        except Exception:
            return {}
        except:
            result = {"success": True}
        return {}

    def later(self):  # stub-ok: wired in the next release
        pass

    def todo(self):
        raise NotImplementedError
'''


def test_python_facts_worked_example():
    facts = analyze(PY, "python")
    names = {f.name: f for f in facts.functions}
    assert names["read"].stub == "exempt"  # Protocol member
    assert names["__init__"].stub == "exempt"  # docstring-only __init__
    assert names["later"].stub == "stub_ok"
    assert names["later"].stub_reason == "wired in the next release"
    assert names["todo"].stub == "stub"
    assert names["handler_category"].trivial
    assert names["handle"].cc == 1 + 1 + 1 + 1 + 1 + 1  # for, if, and, two excepts
    assert names["handle"].nesting == 3
    assert facts.node_kinds == [(14, "HandlerScore", "compute")]
    assert facts.handler_types == [(17, "node_handler")]
    assert facts.handler_categories == [(23, "compute")]
    assert facts.entry_points == [(26, "handle", True)]
    assert facts.io_calls == [(31, "time.time (clock)")]
    assert _rules(facts) == [
        ("any_in_signature", 26),
        ("mutable_default", 26),
        ("swallowed_exception", 32),
        ("bare_except", 34),
        ("success_after_failure", 34),
    ]
    # Licence headers are not comments; the stub-ok reason is.
    assert facts.comment_lines == 1
    missing = [name for _, name in facts.doc_missing]
    assert "handler_category" not in missing  # trivial member exempted
    assert "later" in missing and "todo" in missing
    assert facts.docstring_lines == 5


def test_specific_exception_with_pass_is_not_swallowing():
    code = "try:\n    x()\nexcept FileNotFoundError:\n    pass\nexcept Exception:\n    raise\n"
    assert _rules(analyze(code, "python")) == []


def test_typescript_facts():
    code = (
        "/** Render a card. */\n"
        "export function Card({ title, body }: CardProps): JSX.Element {\n"
        "  return title && body ? render(title) : render(body);\n"
        "}\n"
        "export function load(x: any) {\n"
        "  try { return fetch(x); } catch (e) { return null; }\n"
        "}\n"
        "export function later() {} // stub-ok: filled in by the plugin\n"
    )
    facts = analyze(code, "typescript")
    card = facts.functions[0]
    assert (card.name, card.documented, card.cc) == ("Card", True, 3)
    # Typed destructured props count as annotated.
    assert facts.ann_done == 3 and facts.ann_total == 5
    assert _rules(facts) == [("any_in_signature", 5), ("swallowed_exception", 6)]
    assert facts.io_calls == [(6, "fetch (io)")]
    assert facts.functions[2].stub == "stub_ok"
    assert facts.signals["jsdoc"] == 1


def test_javascript_has_no_annotation_slots():
    facts = analyze("function a(x) {\n  if (x) { return 1 }\n  return 2\n}\n", "javascript")
    assert facts.ann_total == 0
    assert facts.functions[0].cc == 2


def test_sql_facts():
    code = (
        "-- Users of the service.\n"
        "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY);\n"
        "COMMENT ON TABLE users IS 'People who log in';\n"
        "CREATE INDEX users_id ON users (id);\n"
        "DELETE FROM users;\n"
        "SELECT * FROM users WHERE id = 1;\n"
    )
    facts = analyze(code, "sql")
    assert facts.comment_lines == 1
    assert facts.signals == {"ddl": 2, "idempotent_ddl": 1, "comment_on": 1, "transaction": 0}
    assert _rules(facts) == [
        ("non_idempotent_ddl", 4),
        ("unbounded_write", 5),
        ("select_star", 6),
    ]


def test_sql_that_the_grammar_rejects_is_split_lexically():
    facts = analyze("CREATE TABLE a (x int);\nFOO BAR BAZ;\nDROP TABLE IF EXISTS b;\n", "sql")
    assert facts.statements == 3
    assert facts.signals["ddl"] == 2


def test_bash_facts():
    code = (
        "#!/usr/bin/env bash\n# Copyright 2026\nset -eu\nset -o pipefail\n"
        '# Copy one file.\ncopy() {\n  cp "$1" $2\n}\nif [ -n "$X" ]; then copy a b; fi\n'
    )
    facts = analyze(code, "bash")
    assert facts.signals["strict_mode"] == 3
    assert facts.comment_lines == 1
    assert facts.functions[0].documented
    assert _rules(facts) == [("unquoted_expansion", 7)]


def test_yaml_facts():
    code = "# ONEX contract.\nname: demo\nnode_type: compute\ninputs:\n  a: 1\nname: again\n"
    facts = analyze(code, "yaml")
    assert facts.fields == {"name": "again", "node_type": "compute", "inputs": ""}
    assert facts.signals["keys"] == 5
    assert _rules(facts) == [("duplicate_key", 6)]


def test_repetition_is_measured():
    line = "    total = compute_the_value(alpha, beta, gamma)\n"
    facts = analyze("def f(alpha, beta, gamma):\n" + line * 4, "python")
    assert facts.repetition == pytest.approx(0.6)


def test_oversized_code_is_cut_with_a_note():
    code = "x = 1\n" * 50_000
    facts = analyze(code, "python")
    assert any("were not analysed" in n for n in facts.notes)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LANGUAGES), st.text(max_size=300))
def test_garbage_never_raises(language, code):
    facts = analyze(code, language)
    assert facts.language == language
    assert facts.lines >= 0 and facts.errors >= 0
