"""Rubric 2.0.0 properties: range, determinism, robustness, and the lexer against tokenize."""

from __future__ import annotations

import ast
import io
import json
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pattern_quality.models import Finding, Pattern
from pattern_quality.sample import load_sample_patterns
from pattern_quality.scoring.rubric_2_0_0 import RUBRIC
from pattern_quality.scoring.rubric_2_0_0.lexer import DECISION_KEYWORDS, scan_python
from pattern_quality.testing.strategies import patterns

LABELLED = Path(__file__).parent / "data" / "labelled" / "pairs.json"


def _in_range(values: tuple[float, ...]) -> bool:
    return all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in values)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns())
def test_scores_in_range_and_deterministic(pattern: Pattern) -> None:
    first: list[Finding] = []
    second: list[Finding] = []
    dims = RUBRIC.score(pattern, first)
    assert _in_range(dims)
    assert RUBRIC.score(pattern, second) == dims
    assert RUBRIC.score(pattern) == dims
    assert first == second
    assert {f.dimension for f in first} <= {
        "completeness",
        "documentation",
        "onex_compliance",
        "metadata_richness",
        "complexity",
    }


# Characters that steer the text towards the parser's and the lexer's corner cases.
_TRICKY = st.lists(
    st.sampled_from(
        list("()[]{}:;,.'\"#\\`/*\n\t \0")
        + ["if ", "def ", "pass", "...", "class ", "async ", "'''", '"""', "f'", "//", "/*"]
        + ["TODO", "and ", "or ", "for ", "while ", "except", "match ", "case ", "x", "1"]
    ),
    max_size=60,
).map("".join)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=300), _TRICKY))
def test_arbitrary_text_as_code_never_raises(text: str) -> None:
    for pattern in (Pattern(code=text), Pattern(code=text, node_type="effect", text=text)):
        findings: list[Finding] = []
        dims = RUBRIC.score(pattern, findings)
        assert _in_range(dims)
        assert RUBRIC.score(pattern) == dims


@pytest.mark.parametrize(
    "code",
    [
        "(" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        "".join("    " * i + "if x:\n" for i in range(5000)) + "    " * 5000 + "pass\n",
        "".join(" " * i + "if x:\n" for i in range(5000)),
        "x = " + "not " * 50_000 + "y",
        "def f():\n" + "    '''" * 10_001,
        "/*" * 100_000,
        "'\n" * 100_000,
    ],
)
def test_pathological_input_is_bounded(code: str) -> None:
    findings: list[Finding] = []
    dims = RUBRIC.score(Pattern(code=code), findings)
    assert _in_range(dims)
    assert findings[0].rule == "fallback"


# ----------------------------------------------------------------- lexer vs tokenize


def _tokenize_view(code: str) -> tuple[list[tuple[int, str, bool]], list[int]]:
    """Comments and decision keywords as :mod:`tokenize` sees them (outside f-strings)."""
    comments: list[tuple[int, str, bool]] = []
    decisions: list[int] = []
    code_on_line: set[int] = set()
    fstring_depth = 0
    start_kind = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+
    end_kind = getattr(tokenize, "FSTRING_END", None)
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == start_kind:
            fstring_depth += 1
        elif tok.type == end_kind:
            fstring_depth -= 1
        elif tok.type == tokenize.COMMENT and not fstring_depth:
            comments.append((tok.start[0], tok.string, tok.start[0] not in code_on_line))
        elif tok.type == tokenize.NAME and tok.string in DECISION_KEYWORDS and not fstring_depth:
            decisions.append(tok.start[0])
        if tok.type not in skip:
            code_on_line.update(range(tok.start[0], tok.end[0] + 1))
    return comments, decisions


def _corpus_codes() -> list[str]:
    codes = [p.get("code") or "" for p in load_sample_patterns()]
    pairs = json.loads(LABELLED.read_text(encoding="utf-8"))["pairs"]
    for pair in pairs:
        codes += [twin["code"] for key, twin in pair.items() if isinstance(twin, dict)]
    valid = []
    for code in codes:
        try:
            ast.parse(code)
        except SyntaxError:
            continue
        valid.append(code)
    return valid


def test_scan_agrees_with_tokenize_on_the_corpora() -> None:
    codes = _corpus_codes()
    assert len(codes) > 1000
    for code in codes:
        assert scan_python(code) == _tokenize_view(code), code


_FRAGMENTS = st.sampled_from(
    [
        "x = 1",
        "x = 'a # b' # c",
        's = "if and or"',
        "t = '''\n# not a comment\nif x\n'''",
        'u = r"\\"  # raw',
        "v = b'#' + rb'\\'' ",
        "w = f'{x if y else z}'  # f",
        "if a and b or c:\n    pass",
        "for i in range(3):\n    y = [j for j in i if j]",
        "while x:\n    x -= 1",
        "try:\n    f()\nexcept E:\n    pass",
        "def f(a, b=1):\n    # inner\n    return a or b",
        "class C:\n    '''Doc # with hash.'''",
        "elif_ = 1; format = 2; orbit = 3",
        "# TODO: x",
        "z = ('a'\n     # between\n     'b')",
        "y = '\\\n# continued'",
        "async def g():\n    async for q in r:\n        pass",
    ]
)


@settings(deadline=None)
@given(st.lists(_FRAGMENTS, min_size=1, max_size=8).map("\n".join))
def test_scan_agrees_with_tokenize_on_generated_code(code: str) -> None:
    try:
        ast.parse(code)
    except SyntaxError:
        assume(False)
    assert scan_python(code) == _tokenize_view(code)


def test_fstring_internals_are_not_decisions() -> None:
    # The lexer reads a whole f-string as one string, so keywords in its replacement
    # fields do not count (tokenize on Python 3.12+ splits them out; the view skips them).
    code = "v = f'{a if b else c}'  # x\n"
    assert scan_python(code) == ([(1, "# x", False)], [])
    assert _tokenize_view(code) == ([(1, "# x", False)], [])
