"""Rubric 2.0.0, worked examples: the fallback for code that does not parse, and the bounds.

Long, deep or odd code, parse warnings, global state and findings that never
change a score.
"""

from __future__ import annotations

import gc
import warnings

import pytest

from pattern_quality.models import Finding
from pattern_quality.scoring.rubric_2_0_0.analyze import MAX_SOURCE_CHARS, analyze
from tests.rubric_2_0_0_cases import TWO_FUNCTIONS, code, explain, rules, score

# -------------------------------------------------------------------------------- fallback


def test_fallback_for_other_languages_avoids_substring_traps() -> None:
    js = code(
        """
        // TODO: handle retries
        function load(password: string): string {
          const bypass = "if for while TODO pass";
          /* if (x) { FIXME } */
          if (password && bypass) { return "#x"; }
          return password;
        }
        """
    )
    dims, findings = explain(js)
    facts = analyze(js)
    assert not facts.parsed
    assert (facts.stubs, facts.max_cc, facts.statements) == ([], 3, 5)
    assert [c[0] for c in facts.comments] == [1, 4]
    assert rules(findings, "completeness")[0][:2] == ("fallback", 0.0)
    assert dims.completeness == 0.7 + 0.05 + 0.1 - 0.0 - 0.1 * 2  # TODO and FIXME comments


def test_fallback_finds_stub_lines_and_docstrings() -> None:
    truncated = code(
        '''
        class Store:
            """A store."""

            def get(self, key: str) -> str:
                pass

            def put(self, key: str, value: str) -> None:
                """Put."""
                raise NotImplementedError("later")

            def drop(self, key: str, things: list[
        '''
    )
    facts = analyze(truncated)
    assert not facts.parsed
    assert facts.stubs == [(5, "get"), (9, "put")]
    assert (facts.doc_total, facts.doc_missing) == (4, [(4, "get"), (11, "drop")])
    # get: key, return; put: key, value, return; drop (cut): one slot, annotated
    assert (facts.ann_done, facts.ann_total) == (6, 6)


def test_indented_fragment_is_dedented_and_parsed() -> None:
    fragment = "    def method(self) -> int:\n        return 1\n"
    dims, findings = explain(fragment)
    assert analyze(fragment).parsed
    assert findings[0] == Finding(
        "completeness", "note", 0.0, "the code was indented as a whole: parsed after dedenting"
    )


# ---------------------------------------------------------------------------------- bounds


def test_code_over_the_cap_is_not_parsed_and_says_so() -> None:
    source = "x = 1\n" * (MAX_SOURCE_CHARS // 6 + 2)
    dims, findings = explain(source)
    assert findings[0] == Finding(
        "completeness",
        "fallback",
        0.0,
        f"code is {len(source):,} characters: not parsed, and the "
        f"{len(source) - MAX_SOURCE_CHARS:,} after the first {MAX_SOURCE_CHARS:,} "
        "were skipped: fallback rules",
    )
    assert all(0.0 <= d <= 1.0 for d in dims)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x = 1\0", "source code string cannot contain null bytes"),
        ("(" * 100_000, "too many nested parentheses"),
        (
            "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n",
            "too many levels of indentation",
        ),
        ("x = " + "+".join(["a"] * 100_000), "nested too deeply for the Python parser"),
        ("-" * 100_000 + "1", "too large or too deeply nested for the Python parser"),
    ],
)
def test_parser_failures_fall_back(source: str, reason: str) -> None:
    dims, findings = explain(source)
    assert findings[0].rule == "fallback"
    assert reason in findings[0].detail
    assert all(0.0 <= d <= 1.0 for d in dims)


def test_five_thousand_nested_ifs() -> None:
    source = "".join("    " * i + "if x:\n" for i in range(5000)) + "    " * 5000 + "pass\n"
    dims, findings = explain(source)
    assert findings[0].rule == "fallback"
    assert all(0.0 <= d <= 1.0 for d in dims)


def test_deep_but_valid_nesting_is_walked_without_recursion() -> None:
    source = "".join("    " * i + "if x:\n" for i in range(99)) + "    " * 99 + "y = 1\n"
    facts = analyze(source)
    assert facts.parsed
    assert (facts.max_cc, facts.statements) == (100, 100)


def test_parse_warnings_are_silenced_and_do_not_change_the_path() -> None:
    source = "import re\nPATTERN = re.compile('\\d+')\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        facts = analyze(source)
    assert facts.parsed


@pytest.mark.parametrize(
    "source",
    [
        "import re\nPATTERN = re.compile('\\d+')\n",  # invalid escape sequence
        "values = [1for item in range(3)]\n",  # a number run into a keyword
        "x = 0x1fif True else 2\n",
    ],
)
def test_every_parse_warning_is_silenced_under_any_filter(source: str) -> None:
    results = []
    for action in ("error", "default", "always", "ignore"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter(action)
            facts = analyze(source)
            filters = list(warnings.filters)
        results.append((facts.parsed, facts.statements))
        assert caught == [], action  # nothing shown, nothing raised
        assert filters[0] == (action, None, Warning, None, 0)  # the guard is gone again
    assert results == [(True, 2 if "import" in source else 1)] * 4


def test_global_state_is_restored() -> None:
    filters = list(warnings.filters)
    assert gc.isenabled()
    score("def f(x: int) -> int:\n    return x\n")
    score("x = (")
    assert gc.isenabled()
    assert warnings.filters == filters
    gc.disable()
    try:
        score("x = 1\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_findings_none_and_list_give_the_same_scores() -> None:
    source = TWO_FUNCTIONS.format(body="    pass")
    fields = {"node_type": "effect", "text": "t" * 120, "metadata": {"complexity": "low"}}
    dims, findings = explain(source, **fields)
    assert score(source, **fields) == dims
    assert findings
