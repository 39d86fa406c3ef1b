"""Rubric 2.0.0: one worked example per rule, with the exact expected floats.

Expected values are written as the same left-to-right sums the rubric computes,
so they are exact (``==``), not approximate. This file: completeness and
documentation; ``test_rubric_2_0_0_dimensions.py``: ONEX compliance, metadata
richness and complexity; ``test_rubric_2_0_0_fallback.py``: code that does not
parse, and the bounds.
"""

from __future__ import annotations

import pytest

from pattern_quality.models import Finding
from pattern_quality.scoring import rubric_2_0_0
from pattern_quality.scoring.rubric_2_0_0 import RUBRIC
from pattern_quality.scoring.rubric_2_0_0.analyze import analyze
from tests.rubric_2_0_0_cases import TWO_FUNCTIONS, code, explain, rules, score


def test_version_and_instance() -> None:
    assert rubric_2_0_0.VERSION == "2.0.0"
    assert RUBRIC.version == "2.0.0"
    assert isinstance(RUBRIC, rubric_2_0_0.Rubric200)


# --------------------------------------------------------------------------- completeness


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
