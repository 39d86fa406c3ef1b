"""Rubric 2.0.0: one worked example per rule, with the exact expected floats.

Expected values are written as the same left-to-right sums the rubric computes,
so they are exact (``==``), not approximate.
"""

from __future__ import annotations

import gc
import textwrap
import warnings
from typing import Any

import pytest

from pattern_quality.models import Finding, Pattern
from pattern_quality.scoring import rubric_2_0_0
from pattern_quality.scoring.base import DimensionScores
from pattern_quality.scoring.rubric_2_0_0 import RUBRIC
from pattern_quality.scoring.rubric_2_0_0.analyze import MAX_SOURCE_CHARS, analyze


def score(code: str = "", **fields: Any) -> DimensionScores:
    return RUBRIC.score(Pattern.from_mapping({"code": code, **fields}))


def explain(code: str = "", **fields: Any) -> tuple[DimensionScores, list[Finding]]:
    findings: list[Finding] = []
    dims = RUBRIC.score(Pattern.from_mapping({"code": code, **fields}), findings)
    return dims, findings


def rules(findings: list[Finding], dimension: str) -> list[tuple[str, float, str]]:
    return [(f.rule, f.effect, f.detail) for f in findings if f.dimension == dimension]


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def max_cc(source: str) -> tuple[int, str]:
    facts = analyze(source)
    return facts.max_cc, facts.max_cc_name


def test_version_and_instance() -> None:
    assert rubric_2_0_0.VERSION == "2.0.0"
    assert RUBRIC.version == "2.0.0"
    assert isinstance(RUBRIC, rubric_2_0_0.Rubric200)


# --------------------------------------------------------------------------- completeness

TWO_FUNCTIONS = """\
import os

def load(path):
{body}

def save(path):
    return os.remove(path)
"""


@pytest.mark.parametrize(
    "body",
    [
        "    pass",
        "    ...",
        "    raise NotImplementedError",
        "    raise NotImplementedError('later')",
        "    raise NotImplemented",
        '    """Load a file."""',
        '    """Load a file."""\n    pass',
        "    pass\n    raise NotImplementedError",
    ],
)
def test_stub_bodies(body: str) -> None:
    dims, findings = explain(TWO_FUNCTIONS.format(body=body))
    statements = 4 + body.count("raise")  # import, 2 defs, return (+ raise)
    assert dims.completeness == 0.7 + statements * 0.01 + 0.1 + 0.05 - 0.4 - 0.0
    stubs = [f for f in findings if f.rule == "stub"]
    assert stubs == [
        Finding("completeness", "stub", -0.4, "line 3: stub 'load' (1 of 2 functions)")
    ]


def test_real_body_is_not_a_stub() -> None:
    dims = score(TWO_FUNCTIONS.format(body="    return open(path).read()"))
    assert dims.completeness == 0.7 + 0.05 + 0.1 + 0.05 - 0.0 - 0.0


def test_stub_share_scales_the_penalty() -> None:
    source = code(
        """
        def a():
            return 1

        def b():
            return 2

        def c():
            return 3

        def d():
            pass
        """
    )
    # 7 statements, structure, no import; 1 stub of 4 functions costs 0.8 / 4.
    assert score(source).completeness == 0.7 + 0.07 + 0.1 - 0.2 * 1 - 0.0
    all_stubs = "def a():\n    pass\n\ndef b():\n    ...\n"
    assert score(all_stubs).completeness == 0.7 + 0.02 + 0.1 - 0.4 * 2 - 0.0


@pytest.mark.parametrize(
    "source",
    [
        # abstract methods, plain and qualified, with and without a docstring
        "from abc import ABC, abstractmethod\n\nclass Base(ABC):\n"
        "    @abstractmethod\n    def run(self):\n        pass\n",
        "import abc\n\nclass Base(abc.ABC):\n"
        '    @abc.abstractmethod\n    def run(self):\n        """Run."""\n',
        "import abc\n\nclass Base(abc.ABC):\n"
        "    @property\n    @abc.abstractmethod\n    def name(self):\n"
        "        raise NotImplementedError\n",
        # Protocol members, plain, qualified and generic
        "from typing import Protocol\n\n"
        "class Reader(Protocol):\n    def read(self):\n        ...\n",
        "import typing\n\nclass Reader(typing.Protocol):\n    def read(self):\n        ...\n",
        "from typing import Protocol, TypeVar\nT = TypeVar('T')\n\n"
        "class Reader(Protocol[T]):\n    def read(self):\n        ...\n",
        # overloads (.pyi style)
        "from typing import overload\n\n@overload\ndef f(x):\n    ...\n",
        "import typing\n\n@typing.overload\ndef f(x):\n    ...\n",
    ],
)
def test_exempt_empty_bodies_are_not_stubs(source: str) -> None:
    dims, findings = explain(source)
    assert not [f for f in findings if f.rule == "stub"]
    assert analyze(source).candidates == 0
    assert dims.completeness > 0.8


def test_not_implemented_in_binary_dunders_is_not_a_stub() -> None:
    source = code(
        """
        class Money:
            def __eq__(self, other):
                return NotImplemented

            def __add__(self, other):
                if not isinstance(other, Money):
                    return NotImplemented
                return Money()
        """
    )
    facts = analyze(source)
    assert (facts.stubs, facts.candidates) == ([], 2)
    assert score(source).completeness == 0.7 + 0.07 + 0.1 - 0.0 - 0.0


def test_idiomatic_pass_outside_function_bodies_is_not_a_stub() -> None:
    source = code(
        """
        class LoadError(Exception):
            pass

        def load(cache, key):
            try:
                return cache[key]
            except KeyError:
                pass
            return None
        """
    )
    facts = analyze(source)
    assert (facts.stubs, facts.candidates) == ([], 1)


def test_nested_functions_and_methods_are_stub_candidates() -> None:
    source = code(
        """
        def outer():
            def inner():
                pass
            return inner

        class Box:
            def open(self):
                raise NotImplementedError()
        """
    )
    assert analyze(source).stubs == [(2, "inner"), (7, "open")]


@pytest.mark.parametrize(
    ("clean", "noisy"),
    [
        ("token = get()", "password = get()"),
        ("skip = get()", "bypass = get()"),
        ("f: Callable[[int], T] = g", "f: Callable[..., T] = g"),
        ("y = x[0, 0]", "y = x[..., 0]"),
        ("s = 'done'", "s = 'pass ... TODO raise NotImplementedError'"),
        ("s = 'done'", "s = '# TODO: fix'"),
        ("n = 1", "n = NotImplemented"),
    ],
)
def test_false_positive_tokens_change_nothing(clean: str, noisy: str) -> None:
    template = "import os\n\ndef run(x):\n    {line}\n    return os.getcwd()\n"
    assert score(template.format(line=noisy)) == score(template.format(line=clean))


def test_markers_count_only_in_comments() -> None:
    source = code(
        '''
        def run(x):
            """TODO in a docstring does not count."""
            label = "FIXME in a string does not count"  # TODO: real one
            # FIXME and XXX on one line count once
            # todo in lower case, TODOS and TODO_LIST are not markers
            return label
        '''
    )
    dims, findings = explain(source)
    assert rules(findings, "completeness")[-2:] == [
        ("marker:TODO", -0.1, "line 3: # TODO: real one"),
        ("marker:FIXME", -0.1, "line 4: # FIXME and XXX on one line count once"),
    ]
    assert dims.completeness == 0.7 + 0.03 + 0.1 - 0.0 - 0.1 * 2


def test_marker_penalty_is_capped_at_three_comments() -> None:
    source = "x = 1\n" + "".join(f"# TODO {i}\n" for i in range(5))
    dims, findings = explain(source)
    assert dims.completeness == 0.7 + 0.01 - 0.0 - 0.1 * 3
    assert len([f for f in findings if f.rule == "marker:TODO"]) == 3


@pytest.mark.parametrize(
    "source", ["", "   \n\t\n", '"""Only a docstring."""\n', "# only a comment\n", "pass\n...\n"]
)
def test_no_executable_code_is_zero(source: str) -> None:
    dims, findings = explain(source)
    assert dims.completeness == 0.0
    assert rules(findings, "completeness")[-1][:2] == ("no_code", 0.0)


def test_completeness_bonuses_and_cap() -> None:
    assert score("x = 1\n").completeness == 0.7 + 0.01
    assert score("import os\nx = 1\n").completeness == 0.7 + 0.02 + 0.05
    assert score("if x:\n    y = 1\n").completeness == 0.7 + 0.02 + 0.1
    many = "import os\n" + "".join(f"x{i} = {i}\n" for i in range(30)) + "if x0:\n    y = 1\n"
    assert score(many).completeness == 1.0  # 0.7 + 0.15 + 0.1 + 0.05, clamped at 1


# -------------------------------------------------------------------------- documentation


def test_documentation_empty_and_text_rule() -> None:
    assert score().documentation == 0.0
    assert score(text="x" * 100).documentation == 0.0
    assert score(text="x" * 101).documentation == 0.2


def test_docstring_coverage_of_classes_and_public_functions() -> None:
    source = code(
        '''
        class Store:
            """A store."""

            def __init__(self):
                self.items = {}

            def get(self, key):
                """Get one item."""
                def helper():
                    return key
                return helper()

            def put(self, key, value):
                self.items[key] = value

            def _evict(self):
                self.items.clear()

        def public():
            return 1
        '''
    )
    dims, findings = explain(source)
    # Targets: Store, get, put, public (dunders, private and nested excluded).
    assert rules(findings, "documentation")[0] == (
        "docstrings",
        0.4 * 2 / 4,
        "2/4 documented; missing 'put' (line 13), 'public' (line 19)",
    )


def test_module_docstring_counts_only_without_public_definitions() -> None:
    assert score('"""Script."""\nx = 1\n').documentation == 0.4 * 1 / 1 + 0.0 + 0.0
    assert score("x = 1\n").documentation == 0.4 * 0 / 1 + 0.0 + 0.0
    assert score('"""Module."""\ndef _private():\n    return 1\n').documentation == (
        0.4 * 1 / 1 + 0.0 + 0.2 * 0 / 1
    )


def test_overloads_need_no_docstring() -> None:
    source = code(
        '''
        from typing import overload

        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: str) -> str: ...
        def f(x):
            """Identity."""
            return x
        '''
    )
    facts = analyze(source)
    assert (facts.doc_total, facts.doc_missing) == (1, [])


def test_real_comment_lines_only() -> None:
    source = code(
        """
        #!/usr/bin/env python
        # -*- coding: utf-8 -*-
        color = "#fff"  # a real comment
        url = 'http://x/#anchor'
        # another real comment
        #
        # ------
        x = 1  # noqa: E501
        y = 2  # type: ignore
        text = '''
        # not a comment: inside a string
        '''
        """
    )
    dims, findings = explain(source)
    facts = analyze(source)
    assert [line for line, _, _ in facts.comments] == [1, 2, 3, 5, 6, 7, 8, 9]
    # Real: lines 3 and 5; code lines: 13 non-blank minus 6 comment-only lines = 7.
    comment = rules(findings, "documentation")[1]
    assert comment == ("comments", 0.2 * (2 / 3), "2 comment lines, 7 code lines (target 3)")


def test_comment_target_grows_with_code() -> None:
    body = "".join(f"x{i} = {i}\n" for i in range(45))
    source = "# one\n# two\n# three\n" + body
    facts = analyze(source)
    assert facts.code_lines == 45
    assert score(source).documentation == 0.4 * 0 / 1 + 0.2 * (3 / 5) + 0.0


def test_annotation_coverage() -> None:
    source = code(
        """
        class C:
            def method(self, a: int, b, *args: str, **kwargs) -> None:
                return None

            @classmethod
            def build(cls, x: int) -> "C":
                return cls()

            @staticmethod
            def tool(x, y: int):
                return x
        """
    )
    facts = analyze(source)
    # method: a, b, args, kwargs, return (3/5); build: x, return (2/2); tool: x, y, return (1/3)
    assert (facts.ann_done, facts.ann_total) == (6, 10)
    assert score(source).documentation == 0.4 * 0 / 4 + 0.0 + 0.2 * 6 / 10


def test_dict_literals_and_slices_are_not_annotations() -> None:
    source = "def f(x, y):\n    d = {'a': x}\n    return y[1:2], d\n"
    assert analyze(source).ann_done == 0
    assert score(source).documentation == 0.4 * 0 / 1 + 0.0 + 0.2 * 0 / 3


def test_annotated_variables_without_functions() -> None:
    assert score("x: int = 1\n").documentation == 0.4 * 0 / 1 + 0.0 + 0.2
    assert score("x = 1\n").documentation == 0.0


# ------------------------------------------------------------------------- ONEX compliance

EFFECT_CLASS = code(
    """
    class UserAuthEffect:
        async def execute_effect(self, contract):
            return contract
    """
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("UserAuthEffect", 0.5),
        ("user_auth_effect", 0.5),
        ("HTTPEffect", 0.5),
        ("NodeReducerV2", 0.5),
        ("ORCHESTRATOR_MAIN", 0.5),
        ("effectiveness_checker", 0.3),
        ("SideEffects", 0.3),
        ("Computer", 0.3),
        ("", 0.3),
    ],
)
def test_no_node_type_uses_whole_name_words(name: str, expected: float) -> None:
    assert score(EFFECT_CLASS, pattern_name=name).onex_compliance == expected


@pytest.mark.parametrize(
    ("name", "node_type", "expected"),
    [
        ("UserAuthEffect", "effect", 1.0),
        ("UserAuthEffect", " EFFECT ", 1.0),
        ("user_auth_effect", "Effect", 1.0),
        ("effectiveness_checker", "effect", 0.7 + 0.15),
        ("UserAuth", "effect", 0.7 + 0.15),
        ("UserAuthEffect", "compute", 0.7),
        ("UserAuthCompute", "compute", 0.7 + 0.15),
        ("GatewayNode", "gateway", 0.7 + 0.15),
        ("Thing", "gateway", 0.7),
    ],
)
def test_node_type_name_and_signature(name: str, node_type: str, expected: float) -> None:
    assert score(EFFECT_CLASS, pattern_name=name, node_type=node_type).onex_compliance == expected


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        ("effect", "execute_effect"),
        ("compute", "execute_compute"),
        ("reducer", "execute_reduction"),
        ("orchestrator", "execute_orchestration"),
    ],
)
def test_signature_per_node_type(kind: str, method: str) -> None:
    source = f"class Node:\n    async def {method}(self, contract):\n        return contract\n"
    assert score(source, pattern_name="Node", node_type=kind).onex_compliance == 0.7 + 0.15


def test_signature_must_be_async_and_a_method_when_there_is_a_class() -> None:
    sync = "class Node:\n    def execute_effect(self, contract):\n        return contract\n"
    dims, findings = explain(sync, node_type="effect")
    assert dims.onex_compliance == 0.7
    assert rules(findings, "onex_compliance")[-1] == (
        "signature",
        0.0,
        "line 2: execute_effect is not async",
    )
    outside = (
        "class Helper:\n    x = 1\n\nasync def execute_effect(contract):\n    return contract\n"
    )
    dims, findings = explain(outside, node_type="effect")
    assert dims.onex_compliance == 0.7
    assert rules(findings, "onex_compliance")[-1][2] == (
        "line 4: execute_effect is not a method of a class"
    )
    no_class = "async def execute_effect(contract):\n    return contract\n"
    assert score(no_class, node_type="effect").onex_compliance == 0.7 + 0.15


def test_signature_in_strings_or_comments_does_not_count() -> None:
    source = (
        "# async def execute_effect(self, contract)\n"
        "DOC = 'async def execute_effect(self, contract)'\n"
    )
    assert score(source, node_type="effect").onex_compliance == 0.7


# ----------------------------------------------------------------------- metadata richness


def test_distinct_non_empty_use_cases_and_examples() -> None:
    dims, findings = explain(
        use_cases=["Login", " login ", "", "   ", None, "Logout", {"a": 1}, {"a": 1}, {}],
        examples=["x()", "x()", ""],
    )
    assert dims.metadata_richness == min(0.4, 3 / 3 * 0.4) + min(0.3, 1 / 2 * 0.3)
    assert rules(findings, "metadata_richness") == [
        ("use_cases", 0.4, "3 distinct use cases"),
        ("examples", 0.15, "1 distinct examples"),
    ]


def test_metadata_keys_need_values() -> None:
    empty: dict[str, Any] = {"a": "", "b": None, "c": [], "d": {}, "e": "  "}
    assert score(metadata={**empty, "f": 0, "g": False, "h": "x"}).metadata_richness == 0.0
    assert (
        score(metadata={**empty, "f": 0, "g": False, "h": "x", "i": [1]}).metadata_richness == 0.3
    )


def test_hostile_repr_in_use_cases_does_not_crash() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert score(use_cases=[Hostile(), Hostile()]).metadata_richness == min(0.4, 2 / 3 * 0.4)


# ------------------------------------------------------------------------------ complexity


def _ifs(n: int) -> str:
    body = "".join(f"    if x == {i}:\n        x += 1\n" for i in range(n))
    return "def f(x):\n" + body + "    return x\n"


@pytest.mark.parametrize(
    ("ifs", "level"),
    [(0, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"), (20, "high")],
)
def test_complexity_thresholds(ifs: int, level: str) -> None:
    assert max_cc(_ifs(ifs)) == (1 + ifs, "f")
    assert score(_ifs(ifs), metadata={"complexity": level}).complexity == 1.0


def test_complexity_scores_by_distance() -> None:
    low = _ifs(1)
    assert score(low).complexity == 0.4
    assert score(low, metadata={"complexity": "low"}).complexity == 1.0
    assert score(low, metadata={"complexity": "  LOW "}).complexity == 1.0
    assert score(low, metadata={"complexity": "medium"}).complexity == 0.6
    assert score(low, metadata={"complexity": "high"}).complexity == 0.3
    assert score(low, metadata={"complexity": "moderate"}).complexity == 0.4
    assert score(low, metadata={"complexity": 3}).complexity == 0.4
    assert score("", metadata={"complexity": "low"}).complexity == 0.4


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(x):\n    return x\n", 1),
        ("def f(x):\n    if x:\n        return 1\n    elif x > 1:\n        return 2\n", 3),
        ("def f(x):\n    for i in x:\n        pass\n    while x:\n        x -= 1\n", 3),
        (
            "def f(x):\n    try:\n        g()\n    except A:\n        h()\n    except B:\n"
            "        h()\n    finally:\n        h()\n",
            3,
        ),
        ("def f(a, b, c):\n    return a and b and c or a\n", 4),
        ("def f(a):\n    return 1 if a else 2\n", 2),
        ("def f(a):\n    return [x for x in a if x if x > 1]\n", 4),
        ("def f(a):\n    return {k: v for k in a for v in k}\n", 3),
        ("async def f(a):\n    async for x in a:\n        pass\n", 2),
        (
            "def f(c):\n    match c:\n        case 1:\n            pass\n        case [x] if x:\n"
            "            pass\n        case _:\n            pass\n",
            4,
        ),
        (
            "def f(c):\n    match c:\n        case 1:\n            pass\n        case other:\n"
            "            pass\n",
            2,
        ),
        ("def f(x):\n    s = 'if and or for while'\n    # if or and\n    return s\n", 1),
    ],
)
def test_cyclomatic_complexity_constructs(source: str, expected: int) -> None:
    assert max_cc(source) == (expected, "f")


def test_complexity_is_per_block_not_summed() -> None:
    source = _ifs(4) + "\n" + _ifs(4).replace("def f", "def g")
    assert max_cc(source) == (5, "f")  # a tie: the first function
    nested = (
        "def outer(x):\n    def inner(y):\n        if y:\n            return 1\n"
        "        if y > 1:\n            return 2\n    return inner\n"
    )
    assert max_cc(nested) == (3, "inner")
    module = "if a:\n    pass\nif b:\n    pass\n\ndef f(x):\n    return x\n"
    assert max_cc(module) == (3, "<module>")


def test_complexity_is_measured_only_when_it_can_matter() -> None:
    source = _ifs(12)
    assert analyze(source, complexity=False).max_cc == 0
    assert analyze(source, complexity=False).comments == analyze(source).comments
    # Undeclared: 0.4 either way, and the findings still explain the actual level.
    dims, findings = explain(source)
    assert dims.complexity == score(source).complexity == 0.4
    assert rules(findings, "complexity")[0][2] == (
        "no declared level; actual high: cyclomatic complexity 13 in 'f' (line 1)"
    )


def test_complexity_finding_names_the_block() -> None:
    _, findings = explain(_ifs(2), metadata={"complexity": "medium"})
    assert rules(findings, "complexity") == [
        ("level", 0.6, "declared medium, actual low: cyclomatic complexity 3 in 'f' (line 1)")
    ]


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
