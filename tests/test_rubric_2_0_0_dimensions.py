"""Rubric 2.0.0, worked examples (exact floats): ONEX compliance, metadata richness, complexity.

The other dimensions are in ``test_rubric_2_0_0.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pattern_quality.scoring.rubric_2_0_0.analyze import analyze
from tests.rubric_2_0_0_cases import code, explain, max_cc, rules, score

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
