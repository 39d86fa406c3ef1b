"""Degradation mutations on snippets written here: what each changes, and what it leaves."""

from __future__ import annotations

from typing import Any

import pytest

from tests.evidence import mutations

HANDLER = '''\
class HandlerTotals:
    """Sums the amounts of an order."""

    def handle(self, order: dict[str, int], scale: int = 1) -> int:
        """Return the scaled total."""
        total = sum(order.values())
        return total * scale

    def name(self) -> str:
        return "totals"

    def hook(self) -> None:
        """A no-op hook."""
'''


def _item(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": "pkg==1:pkg/h.py#L1-L14",
        "language": "python",
        "code": code,
        "pattern_name": "HandlerTotals",
        "node_type": None,
        "metadata": {},
        **extra,
    }


def test_stub_bodies_keeps_signatures_and_docstrings() -> None:
    twin = mutations.mutate(_item(HANDLER), "stub_bodies")
    assert twin is not None and twin.variant in mutations.STUBS
    stub = twin.variant
    assert f'        """Return the scaled total."""\n        {stub}\n' in twin.code
    assert f"    def name(self) -> str:\n        {stub}\n" in twin.code
    assert "total = sum" not in twin.code and 'return "totals"' not in twin.code
    assert '        """A no-op hook."""\n' in twin.code  # docstring-only: left alone
    assert mutations.parses(twin.code)


def test_strip_docstrings_removes_every_docstring_and_fills_empty_bodies() -> None:
    twin = mutations.mutate(_item(HANDLER), "strip_docstrings")
    assert twin is not None
    assert '"""' not in twin.code
    assert "    def hook(self) -> None:\n        pass\n" in twin.code
    assert "        total = sum(order.values())\n" in twin.code


def test_strip_annotations_removes_parameter_and_return_types_only() -> None:
    code = HANDLER + "\n\nclass ModelRow:\n    name: str = 'x'\n"
    twin = mutations.mutate(_item(code), "strip_annotations")
    assert twin is not None
    assert "    def handle(self, order, scale=1):\n" in twin.code
    assert "    def name(self):\n" in twin.code
    assert "    name: str = 'x'\n" in twin.code  # a field declaration stays


def test_swallow_exception_wraps_the_largest_body() -> None:
    twin = mutations.mutate(_item(HANDLER), "swallow_exception")
    assert twin is not None and twin.variant in mutations.SWALLOWS
    assert (
        '        """Return the scaled total."""\n'
        "        try:\n"
        "            total = sum(order.values())\n"
        "            return total * scale\n"
        "        except Exception:\n"
        f"            {twin.variant}\n"
    ) in twin.code


def test_inject_io_only_into_compute_and_reducer_patterns() -> None:
    assert mutations.mutate(_item(HANDLER), "inject_io") is None
    twin = mutations.mutate(_item(HANDLER, node_type="COMPUTE_GENERIC"), "inject_io")
    assert twin is not None
    first, second = mutations.INJECTIONS[twin.variant]
    assert f'"""Return the scaled total."""\n        {first}\n        {second}\n' in twin.code
    reducer = _item(HANDLER.replace("HandlerTotals", "HandlerTotalsReducer"))
    assert mutations.mutate({**reducer, "pattern_name": "HandlerTotalsReducer"}, "inject_io")


@pytest.mark.parametrize("mutation", mutations.KINDS)
def test_mutations_are_deterministic_and_skip_what_they_cannot_change(mutation: str) -> None:
    item = _item(HANDLER, node_type="reducer")
    assert mutations.mutate(item, mutation, "s") == mutations.mutate(item, mutation, "s")
    bare = _item("X = 1\n", node_type="reducer")
    assert mutations.mutate(bare, mutation) is None
    broken = _item("def f(:\n    return 1\n", node_type="reducer")
    assert mutations.mutate(broken, mutation) is None
    assert mutations.mutate({**item, "language": "yaml"}, mutation) is None


def test_one_line_bodies_and_protocol_stubs_are_left_alone() -> None:
    code = "class ProtocolX(Protocol):\n    def read(self) -> bytes: ...\n"
    assert mutations.mutate(_item(code), "stub_bodies") is None
    assert mutations.mutate(_item(code), "swallow_exception") is None


def test_pairs_draws_up_to_the_quota_per_mutation() -> None:
    items = [
        {**_item(HANDLER, node_type="compute"), "key": f"pkg==1:pkg/h{i}.py#L1-L14"}
        for i in range(5)
    ]
    items.append({**_item("x: int = 1\n"), "key": "pkg==1:pkg/c.py#L1-L1"})
    drawn = mutations.pairs(items, per_kind=3)
    assert len(drawn) == 3 * len(mutations.KINDS)
    assert {p["mutation"] for p in drawn} == set(mutations.KINDS)
    assert all(p["key"] != "pkg==1:pkg/c.py#L1-L1" for p in drawn)
    assert drawn == mutations.pairs(list(reversed(items)), per_kind=3)
    with pytest.raises(KeyError):
        mutations.mutate(items[0], "no_such_mutation")
