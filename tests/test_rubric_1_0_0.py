"""Rubric 1.0.0: a worked example per rule of docs/legacy.md#rubric-100, in exact floats.

Expected values are the floats the legacy arithmetic gives, written out by hand
(for instance 1.0 - 0.2 - 0.2 + 0.01 is 0.6100000000000001 in binary floating point).
The linear-time type-hint check, parity with the naive transcription and the
findings are in ``tests/test_rubric_1_0_0_parity.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pattern_quality import Pattern
from pattern_quality.scoring.base import DimensionScores
from pattern_quality.scoring.rubric_1_0_0 import RUBRIC, VERSION


def dims(**fields: Any) -> DimensionScores:
    return RUBRIC.score(Pattern.from_mapping(fields))


def test_version() -> None:
    assert VERSION == RUBRIC.version == "1.0.0"


# --- completeness ---------------------------------------------------------------


def test_completeness_empty_code_is_zero() -> None:
    assert dims(code="").completeness == 0.0
    assert dims(code=None, text="x" * 200).completeness == 0.0


@pytest.mark.parametrize("marker", ["pass", "TODO", "NotImplemented", "..."])
def test_each_marker_costs_02(marker: str) -> None:
    # 1.0 - 0.2 + min(0.15, 1 / 100)
    assert dims(code=f"x = {marker}").completeness == 0.81


def test_raise_not_implemented_costs_04() -> None:
    # It also contains "NotImplemented": 1.0 - 0.2 - 0.2 + 0.01
    assert dims(code="raise NotImplementedError").completeness == 0.6100000000000001


def test_marker_counts_once_however_often() -> None:
    # 3 lines: 1.0 - 0.2 + 0.03
    assert dims(code="pass\npass\npass").completeness == 0.8300000000000001


def test_pass_matches_password_known_weakness() -> None:
    assert dims(code="password = x").completeness == 0.81


def test_all_five_markers() -> None:
    code = "pass TODO ... raise NotImplementedError"
    # 1.0 - 0.2 * 5 (sequentially: 5.551115123125783e-17) + 0.01
    assert dims(code=code).completeness == 0.010000000000000056


@pytest.mark.parametrize("keyword", ["if ", "for ", "while ", "async def ", "class "])
def test_logic_bonus(keyword: str) -> None:
    # 0.8 + (0.1 + 0.01)
    assert dims(code=f"pass; {keyword}x").completeness == 0.91


def test_logic_bonus_counts_once() -> None:
    assert dims(code="pass; if a: for b in c: while d: class E").completeness == 0.91


def test_import_bonus() -> None:
    # 0.8 + (0.05 + 0.01)
    assert dims(code="pass; import os").completeness == 0.8600000000000001


def test_logic_and_import_bonus() -> None:
    # 0.8 + ((0.1 + 0.05) + 0.01)
    assert dims(code="pass; import os; if x").completeness == 0.9600000000000001


@pytest.mark.parametrize(
    ("lines", "expected"),
    [(1, 0.81), (14, 0.9400000000000001), (15, 0.9500000000000001), (16, 0.9500000000000001)],
)
def test_length_bonus_caps_at_015(lines: int, expected: float) -> None:
    code = "pass" + "\n" * (lines - 1)
    assert dims(code=code).completeness == expected


def test_completeness_clamps_at_one() -> None:
    # 1.0 + 0.1 + 0.05 + 0.15 -> 1.0
    code = "import os\nif x:\n" + "y = 1\n" * 20
    assert dims(code=code).completeness == 1.0
    assert dims(code="x = 1").completeness == 1.0  # 1.0 + 0.01


# --- documentation ----------------------------------------------------------------


def test_documentation_empty_code_and_text_is_zero() -> None:
    assert dims().documentation == 0.0
    assert dims(code="", text="").documentation == 0.0


@pytest.mark.parametrize(("length", "expected"), [(100, 0.0), (101, 0.2)])
def test_text_longer_than_100(length: int, expected: float) -> None:
    assert dims(text="t" * length).documentation == expected


@pytest.mark.parametrize("quotes", ['"""', "'''"])
def test_docstring(quotes: str) -> None:
    assert dims(code=f"{quotes}Doc{quotes}").documentation == 0.4


@pytest.mark.parametrize(
    ("comment_lines", "expected"), [(0, 0.0), (1, 0.05), (2, 0.1), (3, 0.15), (4, 0.2), (9, 0.2)]
)
def test_comment_lines_cap_at_02(comment_lines: int, expected: float) -> None:
    code = "\n".join(["y = 1  # one # line"] * comment_lines + ["z = 2"])
    assert dims(code=code).documentation == expected


def test_hash_in_string_counts_as_comment_known_weakness() -> None:
    assert dims(code='url = "http://h/#a"').documentation == 0.05


@pytest.mark.parametrize(
    ("code", "hinted"),
    [
        ("def f(x: int): return x", True),
        ("def f() -> None", True),
        ("x = {'a': 1}", True),  # dict literal: known weakness
        ("a:\n\n\t b", True),
        ("x ->\n  y", True),
        ("x:", False),
        ("a: -b", False),
        ("a -> (b)", False),
        ("x = 1", False),
    ],
)
def test_type_hints(code: str, hinted: bool) -> None:
    assert dims(code=code).documentation == (0.2 if hinted else 0.0)


def test_documentation_sums_in_order_and_caps() -> None:
    code = '"""Doc."""\n' + "# c\n" * 4 + "def f(x: int) -> int: ..."
    # 0.4 + 0.2 + 0.2 + 0.2 = 1.0 in floating point here; min(1.0, .) keeps it
    assert dims(code=code, text="t" * 101).documentation == 1.0
    # 0.4 + 0.05 + 0.2
    assert dims(code='"""D"""\n# c\nx: int').documentation == 0.65
    # 0.4 + 0.2 (no comments): 0.6000000000000001
    assert dims(code='"""D"""\nx: int').documentation == 0.6000000000000001


# --- ONEX compliance ----------------------------------------------------------------


@pytest.mark.parametrize("node_type", [None, ""])
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("UserAuthEffect", 0.5),
        ("PriceCompute", 0.5),
        ("CartReducer", 0.5),
        ("CheckoutOrchestrator", 0.5),
        ("usereffect", 0.3),  # case-sensitive without a node type
        ("Helper", 0.3),
        ("", 0.3),
    ],
)
def test_onex_without_node_type(node_type: str | None, name: str, expected: float) -> None:
    assert dims(node_type=node_type, pattern_name=name).onex_compliance == expected


@pytest.mark.parametrize(
    ("node_type", "signature"),
    [
        ("effect", "async def execute_effect"),
        ("EFFECT", "async def execute_effect"),
        ("Compute", "async def execute_compute"),
        ("rEdUcEr", "async def execute_reduction"),
        ("ORCHESTRATOR", "async def execute_orchestration"),
        ("orchestrator", "async def execute_orchestration"),
    ],
)
def test_onex_with_node_type(node_type: str, signature: str) -> None:
    name = f"My{node_type.lower().capitalize()}"
    code = f"class X:\n    {signature}(self): ..."
    assert dims(node_type=node_type, pattern_name="Plain", code="").onex_compliance == 0.7
    assert dims(node_type=node_type, pattern_name=name).onex_compliance == 0.85
    assert dims(node_type=node_type, pattern_name="Plain", code=code).onex_compliance == 0.85
    # 0.7 + 0.15 + 0.15 = 1.0
    assert dims(node_type=node_type, pattern_name=name, code=code).onex_compliance == 1.0


def test_onex_name_match_is_case_insensitive_with_node_type() -> None:
    assert dims(node_type="Effect", pattern_name="USER_EFFECT_V2").onex_compliance == 0.85


def test_onex_wrong_signature_earns_nothing() -> None:
    code = "async def execute_compute(self): ..."
    assert dims(node_type="effect", code=code).onex_compliance == 0.7


def test_onex_unknown_node_type() -> None:
    code = "async def execute_effect(self): ..."
    assert dims(node_type="gateway", pattern_name="PaymentGateway").onex_compliance == 0.85
    assert dims(node_type="gateway", pattern_name="Payment", code=code).onex_compliance == 0.7


# --- metadata richness --------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, 0.0), (1, 0.13333333333333333), (2, 0.26666666666666666), (3, 0.4), (4, 0.4)],
)
def test_use_cases(count: int, expected: float) -> None:
    assert dims(use_cases=["u"] * count).metadata_richness == expected


@pytest.mark.parametrize(("count", "expected"), [(0, 0.0), (1, 0.15), (2, 0.3), (3, 0.3)])
def test_examples(count: int, expected: float) -> None:
    assert dims(examples=("e",) * count).metadata_richness == expected


@pytest.mark.parametrize(("keys", "expected"), [(3, 0.0), (4, 0.3)])
def test_more_than_three_metadata_keys(keys: int, expected: float) -> None:
    assert dims(metadata={f"k{i}": i for i in range(keys)}).metadata_richness == expected


def test_metadata_richness_sums_in_order() -> None:
    # 1/3*0.4 + 1/2*0.3
    assert dims(use_cases=["u"], examples=["e"]).metadata_richness == 0.2833333333333333
    full = dims(use_cases=["u"] * 5, examples=["e"] * 5, metadata=dict.fromkeys("abcd"))
    assert full.metadata_richness == 1.0  # 0.4 + 0.3 + 0.3


# --- complexity -----------------------------------------------------------------------


def _branches(n: int) -> str:
    keywords = ["if ", "for ", "while ", "except "]
    return "\n".join(keywords[i % 4] + "x:" for i in range(n))


@pytest.mark.parametrize(
    ("count", "level"), [(0, "low"), (2, "low"), (3, "medium"), (7, "medium"), (8, "high")]
)
def test_complexity_boundaries(count: int, level: str) -> None:
    code = _branches(count) or "x = 1"
    for declared in ("low", "medium", "high"):
        expected = 1.0 if declared == level else 0.6
        assert dims(code=code, metadata={"complexity": declared}).complexity == expected
        upper = {"complexity": declared.upper()}
        assert dims(code=code, metadata=upper).complexity == expected


def test_elif_and_keywords_in_strings_count_known_weakness() -> None:
    code = "elif a\n'if b'\n# for c"
    assert dims(code=code, metadata={"complexity": "medium"}).complexity == 1.0


def test_complexity_empty_code_is_04() -> None:
    assert dims(code="", metadata={"complexity": "low"}).complexity == 0.4


@pytest.mark.parametrize("declared", [None, "", 0, 1, 2.5, ["low"], {"level": "low"}, True])
def test_undeclared_or_not_a_string_is_04(declared: object) -> None:
    assert dims(code="x = 1", metadata={"complexity": declared}).complexity == 0.4


def test_unknown_declared_level_is_06() -> None:
    assert dims(code="x = 1", metadata={"complexity": "extreme"}).complexity == 0.6
