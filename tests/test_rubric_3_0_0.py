"""Rubric 3.0.0: worked examples for every rule, in each language, and the composite."""

from __future__ import annotations

from typing import Any

import pytest

from pattern_quality import Pattern, PatternQualityScorer
from pattern_quality.models import Finding
from pattern_quality.scoring.rubric_3_0_0 import RUBRIC, WEIGHTS


def _score(mapping: dict[str, Any]) -> tuple[Any, list[Finding]]:
    findings: list[Finding] = []
    full = RUBRIC.score_full(Pattern.from_mapping(mapping), findings)
    return full, findings


def _rules(findings: list[Finding], dimension: str) -> list[str]:
    return [f.rule for f in findings if f.dimension == dimension]


def _extra(full: Any) -> dict[str, float]:
    return dict(full.extra)


HANDLER = '''"""Handler that totals an order."""

from decimal import Decimal


class HandlerOrderTotalCompute:
    """Totals the lines of an order, rounding once at the end."""

    @property
    def handler_type(self) -> str:
        return "node_handler"

    @property
    def handler_category(self) -> str:
        return "compute"

    def handle(self, request: OrderRequest) -> OrderTotal:
        """Return the order's total.

        Args:
            request: The order.

        Returns:
            The total, with tax.
        """
        subtotal = Decimal(0)
        for line in request.lines:
            if line.quantity <= 0:
                raise ValueError(f"line {line.sku}: quantity must be positive")
            subtotal += line.price * line.quantity
        # Tax applies to the rounded subtotal, as the invoice shows it.
        rounded = subtotal.quantize(Decimal("0.01"))
        tax = (rounded * request.tax_rate).quantize(Decimal("0.01"))
        return OrderTotal(subtotal=rounded, tax=tax, total=rounded + tax)
'''


def test_weights_sum_to_one_in_composite_order():
    assert list(WEIGHTS) == [
        "completeness",
        "documentation",
        "onex_compliance",
        "metadata_richness",
        "complexity",
        "substance",
        "robustness",
    ]
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_composite_is_the_weighted_sum_of_seven_dimensions():
    full, _ = _score({"code": HANDLER, "node_type": "compute"})
    c, d, o, m, x = full.dims
    s, r = _extra(full)["substance_score"], _extra(full)["robustness_score"]
    expected = c * 0.10 + d * 0.20 + o * 0.10 + m * 0.05 + x * 0.10 + s * 0.25 + r * 0.20
    assert full.composite == pytest.approx(expected)


def test_real_handler_scores_well_and_a_shell_scores_lower():
    good = PatternQualityScorer("3.0.0").score_pattern({"code": HANDLER, "node_type": "compute"})
    shell = PatternQualityScorer("3.0.0").score_pattern(
        {
            "code": (
                'class NodeOrderTotalCompute(NodeCompute):\n    """Driven by contract.yaml."""\n'
            ),
            "node_type": "compute",
        }
    )
    assert good.composite_score > shell.composite_score + 0.1
    assert dict(good.extra_scores)["substance_score"] > dict(shell.extra_scores)["substance_score"]
    # The shell is a valid ONEX node: declarative, driven by its contract.
    assert shell.onex_compliance_score >= 0.7


# -- completeness ---------------------------------------------------------------


def test_completeness_stub_costs_and_stub_ok_costs_a_quarter():
    stub = "def load(path: str) -> str:\n    pass\n\ndef keep() -> int:\n    return 1\n"
    marked = stub.replace("    pass", "    pass  # stub-ok: the loader comes with the plugin")
    full, findings = _score({"code": stub})
    assert full.dims.completeness == pytest.approx(1.0 - 0.4)
    assert "stub" in _rules(findings, "completeness")
    full, findings = _score({"code": marked})
    assert full.dims.completeness == pytest.approx(1.0 - 0.1)
    assert "stub_ok" in _rules(findings, "completeness")


def test_completeness_never_calls_abstract_protocol_or_init_stubs():
    code = (
        "from abc import ABC, abstractmethod\nfrom typing import Protocol\n\n"
        "class Port(Protocol):\n    def read(self) -> str: ...\n\n"
        "class Base(ABC):\n    @abstractmethod\n    def run(self) -> None:\n        pass\n\n"
        'class Node:\n    def __init__(self) -> None:\n        """Nothing to set up."""\n'
    )
    full, findings = _score({"code": code})
    assert full.dims.completeness == 1.0
    assert "stub" not in _rules(findings, "completeness")


def test_completeness_markers_and_syntax_errors():
    full, findings = _score({"code": "x = 1  # TODO: real value\ny = (\n"})
    assert full.dims.completeness == pytest.approx(1.0 - 0.1 - 0.1)
    assert {"marker:TODO", "syntax_errors"} <= set(_rules(findings, "completeness"))


# -- documentation ----------------------------------------------------------------


def test_documentation_licence_headers_are_not_comments_and_trivial_members_exempt():
    code = (
        "# SPDX-License-Identifier: MIT\n# Copyright 2026 Example\n"
        'class Flag:\n    """A flag."""\n\n    @property\n    def name(self) -> str:\n'
        "        return 'flag'\n"
    )
    full, findings = _score({"code": code})
    comments = next(f for f in findings if f.rule == "comments")
    assert comments.effect == 0.0
    docs = next(f for f in findings if f.rule == "public_docs")
    assert docs.detail.startswith("1/1")  # the constant property is not counted


# -- ONEX ---------------------------------------------------------------------------


def test_onex_kind_from_base_class_and_disagreement():
    code = "class NodeThing(NodeReducer):\n    pass\n"
    agree, findings = _score({"code": code, "node_type": "reducer"})
    assert {"kind_in_code", "node_type", "declarative_shell"} <= set(
        _rules(findings, "onex_compliance")
    )
    disagree, findings = _score({"code": code, "node_type": "effect"})
    assert "kind_disagrees" in _rules(findings, "onex_compliance")
    assert disagree.dims.onex_compliance < agree.dims.onex_compliance - 0.3


def test_onex_handler_entry_point_and_legacy_alias():
    full, findings = _score({"code": HANDLER, "metadata": {"node_type": "COMPUTE_GENERIC"}})
    assert {"entry_point", "handler_properties", "node_type"} <= set(
        _rules(findings, "onex_compliance")
    )
    legacy = (
        "class NodeX(NodeEffect):\n    async def execute_effect(self, c: C) -> R:\n"
        "        return await c.run()\n"
    )
    _, findings = _score({"code": legacy})
    assert "legacy_entry_point" in _rules(findings, "onex_compliance")


def test_onex_does_not_judge_code_without_any_signal():
    full, findings = _score({"code": "def add(a: int, b: int) -> int:\n    return a + b\n"})
    assert full.dims.onex_compliance == 0.9
    assert _rules(findings, "onex_compliance") == ["not_onex"]


# -- metadata richness ------------------------------------------------------------------


def test_metadata_richness_from_contract_fields():
    meta = {
        "contract_name": "order_total",
        "node_type": "compute",
        "description": "Totals an order",
        "contract_version": "1.0.0",
        "input_model": "OrderRequest",
    }
    full, findings = _score({"code": HANDLER, "metadata": meta})
    assert full.dims.metadata_richness == pytest.approx(0.4)
    assert "contract_fields" in _rules(findings, "metadata_richness")


# -- complexity -------------------------------------------------------------------------


def _branches(n: int) -> str:
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(n))
    return f"def pick(x: int) -> int:\n{body}    return -1\n"


def test_complexity_measured_against_the_kind():
    general, findings = _score({"code": _branches(16)})  # cc 17 > 12
    assert general.dims.complexity == pytest.approx(1.0 - 0.03 * 5)
    assert "too_complex" in _rules(findings, "complexity")
    orchestrator, _ = _score({"code": _branches(16), "node_type": "orchestrator"})
    assert orchestrator.dims.complexity == 1.0  # limit 18


def test_complexity_of_declarations_is_as_simple_as_they_need():
    full, findings = _score({"code": "class Shape:\n    name: str\n    size: int\n"})
    assert full.dims.complexity == 1.0
    assert _rules(findings, "complexity") == ["no_logic"]


def test_complexity_declared_level_is_checked():
    low, _ = _score({"code": _branches(12), "metadata": {"complexity": "low"}})
    assert low.dims.complexity == pytest.approx(0.3)
    high, _ = _score({"code": _branches(12), "metadata": {"complexity": "high"}})
    assert high.dims.complexity == 1.0


def test_complexity_nesting():
    code = (
        "def f(a, b, c, d):\n    if a:\n        for x in b:\n            while c:\n"
        "                with d:\n                    try:\n                        return x\n"
        "                    finally:\n                        d.close()\n"
    )
    full, findings = _score({"code": code})
    assert "too_nested" in _rules(findings, "complexity")
    assert full.dims.complexity == pytest.approx(1.0 - 0.1)  # nesting 5 > 4


# -- substance --------------------------------------------------------------------------


def test_substance_is_log_scaled_and_saturates():
    def body(n: int) -> str:
        return (
            "def f(x: int) -> int:\n"
            + "".join(f"    x = x * {i} + {i}\n" for i in range(n))
            + "    return x\n"
        )

    values = [_extra(_score({"code": body(n)})[0])["substance_score"] for n in (1, 10, 60, 300)]
    assert values[0] < values[1] < values[2]
    assert values[2] == values[3] == 1.0


def test_substance_repetition_costs():
    line = "    result = transform_the_record(record, options, context)\n"
    code = "def f(record, options, context):\n" + line * 20 + "    return result\n"
    full, findings = _score({"code": code})
    assert "repetition" in _rules(findings, "substance")


# -- robustness -------------------------------------------------------------------------


def test_robustness_python_hazards_with_lines():
    code = (
        "import random\n\nclass HandlerPick:\n    handler_category = 'compute'\n\n"
        "    def handle(self, items: list[int], seen: list[int] = []) -> object:\n"
        "        try:\n            return random.choice(items)\n"
        "        except Exception:\n            return None\n"
    )
    full, findings = _score({"code": code})
    robust = [(f.rule, f.detail.split(":")[0]) for f in findings if f.dimension == "robustness"]
    assert ("mutable_default", "line 6") in robust
    assert ("any_in_signature", "line 6") in robust
    assert ("swallowed_exception", "line 9") in robust
    assert ("io_in_pure_node", "line 8") in robust
    assert _extra(full)["robustness_score"] == pytest.approx(1.0 - 0.15 - 0.06 - 0.25 - 0.35)


def test_robustness_each_further_issue_of_a_rule_costs_half():
    code = "def f(a=[], b={}, c=set()):\n    return a, b, c\n"
    full, findings = _score({"code": code})
    costs = [f.effect for f in findings if f.rule == "mutable_default"]
    assert costs == [-0.15, -0.075]  # set() is a call, not a literal
    assert _extra(full)["robustness_score"] == pytest.approx(1.0 - 0.15 - 0.075)


def test_robustness_io_is_fine_in_an_effect():
    code = (
        "class HandlerFetch:\n    handler_category = 'effect'\n\n"
        "    def handle(self, url: str) -> bytes:\n        return requests.get(url).content\n"
    )
    full, findings = _score({"code": code})
    assert "io_in_pure_node" not in _rules(findings, "robustness")


# -- languages without rules, empty code ---------------------------------------------------


def test_empty_code_scores_zero_on_code_dimensions():
    full, findings = _score({"code": "  \n", "text": "x" * 120})
    assert full.dims.completeness == 0.0
    assert _extra(full) == {"substance_score": 0.0, "robustness_score": 0.0}
    assert full.dims.documentation == pytest.approx(0.15)


def test_every_rule_that_moved_a_score_has_a_finding():
    score = PatternQualityScorer("3.0.0").score_pattern({"code": HANDLER, "node_type": "compute"})
    dims = {f.dimension for f in score.findings}
    assert dims == {
        "completeness",
        "documentation",
        "onex_compliance",
        "metadata_richness",  # 0.0: the scorer's nothing_found finding says why
        "complexity",
        "substance",
        "robustness",
    }
    text = score.explain()
    assert "substance" in text and "robustness" in text


def test_kind_from_the_node_directory_of_the_path():
    code = "def handle(x: int) -> float:\n    return time.time() + x\n"
    _, findings = _score({"code": code, "path": "nodes/node_price_compute/handlers/h.py"})
    assert "io_in_pure_node" in _rules(findings, "robustness")
    _, findings = _score({"code": code, "path": "nodes/node_price_effect/handlers/h.py"})
    assert "io_in_pure_node" not in _rules(findings, "robustness")


def test_substance_of_a_data_shape_is_capped_and_one_liners_count_half():
    fields = "".join(f"    field_{i}: int = {i}\n" for i in range(40))
    shape, findings = _score({"code": "class Shape:\n" + fields})
    assert _extra(shape)["substance_score"] == pytest.approx(0.35)
    assert "declarative" in _rules(findings, "substance")
    one = "def a(x: int) -> int:\n    return x + 1\n"
    two = "def a(x: int) -> int:\n    y = x + 1\n    return y\n"
    s1 = _extra(_score({"code": one})[0])["substance_score"]
    s2 = _extra(_score({"code": two})[0])["substance_score"]
    assert 0 < s1 < s2


def test_documented_private_helpers_count_half():
    code = (
        'def api(x: int) -> int:\n    """Public."""\n    y = _help(x)\n    return y\n\n'
        "def _help(x: int) -> int:\n    y = x * 2\n    return y\n"
    )
    bare, findings = _score({"code": code})
    detail = next(f.detail for f in findings if f.rule == "public_docs")
    assert detail.endswith("0/1 private helpers (half weight)")
    helped = code.replace("    y = x * 2", '    """Double."""\n    y = x * 2')
    assert _score({"code": helped})[0].dims.documentation > bare.dims.documentation


def test_robustness_broad_except_that_only_logs():
    code = (
        "def f(x: int) -> int:\n    try:\n        return g(x)\n"
        "    except Exception as exc:\n        logger.warning('failed: %s', exc)\n"
        "        return 0\n"
    )
    full, findings = _score({"code": code})
    assert "logged_and_dropped" in _rules(findings, "robustness")
    assert _extra(full)["robustness_score"] == pytest.approx(0.9)
    reraised = code.replace("        return 0\n", "        raise\n")
    assert "logged_and_dropped" not in _rules(_score({"code": reraised})[1], "robustness")
