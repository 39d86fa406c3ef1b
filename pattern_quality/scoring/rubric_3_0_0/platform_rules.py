"""Rubric 3.0.0's platform rules: ONEX compliance, metadata richness, robustness.

ONEX is judged as the platform writes nodes today: the kind comes from the base
class (``NodeEffect`` ...), the handler's ``handler_category`` or the declared
``node_type`` (pattern field, contract metadata or a contract's own YAML), and
they must agree; entry points are ``handle`` / ``execute`` / ``compute`` /
``process`` (``execute_<kind>`` is the legacy alias); a declarative shell driven
by its contract is compliant. Reasons and effects: docs/rubric.md#rubric-300.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ...models import Finding, Pattern
from ..analysis import Facts

__all__ = [
    "CONTRACT_FIELDS",
    "ISSUE_COSTS",
    "NOT_ONEX",
    "declared_kind",
    "name_kind",
    "metadata_richness",
    "onex",
    "robustness",
]

_KINDS: Final = ("effect", "compute", "reducer", "orchestrator")
#: ONEX compliance of code with no ONEX signal: general code is not judged on ONEX.
NOT_ONEX: Final = 0.9
_NAME_KIND: Final = re.compile(r"(Effect|Compute|Reducer|Orchestrator)(?=[A-Z_]|$)")
_LEGACY: Final = frozenset(
    {"execute_effect", "execute_compute", "execute_reduction", "execute_orchestration"}
)


def kind_of(value: object) -> str:
    """``"COMPUTE_GENERIC"`` / ``"Compute"`` / ``"compute"`` -> ``"compute"``; else ``""``."""
    if not isinstance(value, str):
        return ""
    word = value.strip().lower().split("_", 1)[0]
    if word == "reduction":
        return "reducer"
    if word == "orchestration":
        return "orchestrator"
    return word if word in _KINDS else ""


def declared_kind(pattern: Pattern, facts: Facts | None) -> str:
    """The declared node kind: ``node_type``, ``metadata["node_type"]``, a contract's field."""
    for value in (
        pattern.node_type,
        pattern.metadata.get("node_type"),
        facts.fields.get("node_type") if facts is not None else None,
    ):
        kind = kind_of(value)
        if kind:
            return kind
    return ""


def code_kinds(facts: Facts | None) -> set[str]:
    """Kinds the code names: node base classes and handler categories."""
    if facts is None:
        return set()
    kinds = {k for _, _, k in facts.node_kinds}
    kinds.update(k for k in (kind_of(v) for _, v in facts.handler_categories) if k)
    return kinds


_PATH_KIND: Final = re.compile(r"(?:^|/)node_\w*?_(effect|compute|reducer|orchestrator)(?:/|$)")


def name_kind(pattern: Pattern, facts: Facts | None) -> str:
    """The kind a name says: the pattern's or a class's (``...Compute``), or the node
    directory of its path (``nodes/node_x_compute/...``, the platform's layout)."""
    path = pattern.extra.get("path") or pattern.metadata.get("path")
    if isinstance(path, str):
        m = _PATH_KIND.search(path.replace("\\", "/"))
        if m is not None:
            return m.group(1)
    names = [pattern.pattern_name]
    if facts is not None:
        names += [name for _, name, _, _, _ in facts.classes]
    for name in names:
        m = _NAME_KIND.search(name)
        if m is not None:
            return m.group(1).lower()
    return ""


#: Contract fields that make a pattern's metadata rich (from the contract or its YAML).
CONTRACT_FIELDS: Final = frozenset(
    {
        "contract_name",
        "name",
        "node_type",
        "description",
        "contract_version",
        "node_version",
        "input_model",
        "output_model",
        "inputs",
        "outputs",
        "handler",
        "handler_routing",
        "handler_operations",
        "subscribe_topics",
        "publish_topics",
        "event_bus",
        "descriptor",
        "dependencies",
        "capabilities",
    }
)


def onex(pattern: Pattern, facts: Facts | None, out: list[Finding] | None) -> float:
    """ONEX compliance as the platform writes nodes today (see the module docstring)."""
    d = "onex_compliance"
    declared = declared_kind(pattern, facts)
    in_code = code_kinds(facts)
    by_name = name_kind(pattern, facts)
    entries = facts.entry_points if facts is not None else []
    handler_info = bool(facts and (facts.handler_types or facts.handler_categories))
    contract = any(k in pattern.metadata for k in ("contract_version", "handler", "contract_path"))
    if facts is not None and facts.language == "yaml":
        contract = contract or "contract_version" in facts.fields
    # An entry-point name alone (any class may have `execute`) is no ONEX signal.
    if not (declared or in_code or by_name or handler_info or contract):
        if out is not None:
            out.append(Finding(d, "not_onex", NOT_ONEX, "no ONEX signal: not judged on ONEX"))
        return NOT_ONEX
    total = 0.4
    if out is not None:
        out.append(Finding(d, "base", 0.4, "an ONEX pattern"))

    def add(rule: str, effect: float, detail: str) -> None:
        nonlocal total
        total += effect
        if out is not None:
            out.append(Finding(d, rule, effect, detail))

    if in_code:
        add("kind_in_code", 0.2, f"kind {', '.join(sorted(in_code))} from base class / category")
    elif by_name:
        add("kind_in_name", 0.1, f"kind '{by_name}' from the name only")
    if declared:
        if in_code and declared not in in_code:
            add("kind_disagrees", -0.2, f"node_type '{declared}' but code says {sorted(in_code)}")
        else:
            add("node_type", 0.15, f"node_type '{declared}'" + (" agrees" if in_code else ""))
    if entries:
        line, name, _ = entries[0]
        rule = "legacy_entry_point" if name in _LEGACY else "entry_point"
        add(rule, 0.15, f"line {line}: {name}" + (" (legacy alias)" if name in _LEGACY else ""))
    elif facts is not None and facts.node_kinds:
        add("declarative_shell", 0.05, "node class driven by its contract")
    if handler_info:
        add("handler_properties", 0.1, "handler_type / handler_category declared")
    if contract:
        add("contract", 0.1, "contract metadata")
    return max(0.0, min(1.0, total))


_CONTAINERS: Final = (list, tuple, dict, set, frozenset)


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (*_CONTAINERS, Mapping)):
        return not value
    return False


def _distinct(items: Iterable[Any]) -> int:
    seen: set[str] = set()
    for item in items:
        if isinstance(item, str):
            if item.split():
                seen.add(" ".join(item.split()).casefold())
        elif not _empty(item):
            try:
                seen.add(repr(item))
            except Exception:  # a hostile __repr__ must not stop scoring
                seen.add(str(id(item)))
    return len(seen)


_NOT_RICH: Final = frozenset({"language", "path", "complexity", "contract_path"})


def metadata_richness(pattern: Pattern, facts: Facts | None, out: list[Finding] | None) -> float:
    """Use cases, examples, contract fields (metadata or a contract's own YAML), other keys."""
    d = "metadata_richness"
    total = 0.0
    use_cases = _distinct(pattern.use_cases)
    if use_cases:
        part = 0.25 * min(1.0, use_cases / 3)
        total += part
        if out is not None:
            out.append(Finding(d, "use_cases", part, f"{use_cases} distinct use cases"))
    examples = _distinct(pattern.examples)
    if examples:
        part = 0.2 * min(1.0, examples / 2)
        total += part
        if out is not None:
            out.append(Finding(d, "examples", part, f"{examples} distinct examples"))
    present = {k for k, v in pattern.metadata.items() if not _empty(v)}
    if facts is not None and facts.language == "yaml":
        present.update(facts.fields)
    fields = present & CONTRACT_FIELDS
    if fields:
        part = 0.4 * min(1.0, len(fields) / 5)
        total += part
        if out is not None:
            out.append(Finding(d, "contract_fields", part, ", ".join(sorted(fields)[:8])))
    others = present - CONTRACT_FIELDS - _NOT_RICH
    if others:
        part = 0.15 * min(1.0, len(others) / 4)
        total += part
        if out is not None:
            out.append(Finding(d, "metadata_keys", part, f"{len(others)} other metadata keys"))
    return min(1.0, total)


#: Cost of the first issue of each rule; each further issue of the same rule costs
#: half the one before (so a rule costs less than twice its first issue, and every
#: extra hazard still costs something).
ISSUE_COSTS: Final[Mapping[str, float]] = {
    "bare_except": 0.25,
    "swallowed_exception": 0.25,
    "logged_and_dropped": 0.1,
    "success_after_failure": 0.3,
    "mutable_default": 0.15,
    "any_in_signature": 0.06,
    "loose_type": 0.05,
    "io_in_pure_node": 0.35,
    "unquoted_expansion": 0.05,
    "non_idempotent_ddl": 0.1,
    "unbounded_write": 0.2,
    "select_star": 0.05,
    "duplicate_key": 0.2,
}
_STRICT_COST: Final = (0.3, 0.2, 0.1, 0.0)  # by how many of -e, -u, pipefail are set


def robustness(facts: Facts, kind: str, out: list[Finding] | None) -> float:
    """Swallowed / bare exceptions, success after failure, mutable defaults, ``Any`` in
    public signatures, I/O in compute and reducer nodes, and each language's own hazards.
    """
    d = "robustness"
    total = 1.0
    if out is not None:
        out.append(Finding(d, "base", 1.0, "no hazard found" if not facts.issues else "start"))
    next_cost: dict[str, float] = {}
    issues = [(i.rule, i.line, i.detail) for i in facts.issues]
    if kind in ("compute", "reducer"):
        issues += [("io_in_pure_node", ln, f"{call} in a {kind}") for ln, call in facts.io_calls]
    for rule, line, detail in issues:
        cost = next_cost.get(rule, ISSUE_COSTS.get(rule, 0.1))
        next_cost[rule] = cost / 2
        total -= cost
        if out is not None:
            out.append(Finding(d, rule, -cost, f"line {line}: {detail}"))
    if facts.language == "bash" and facts.statements:
        strict = facts.signals.get("strict_mode", 0)
        cost = _STRICT_COST[min(3, strict)]
        if cost:
            total -= cost
            if out is not None:
                out.append(Finding(d, "strict_mode", -cost, f"{strict} of set -e, -u, -o pipefail"))
    return max(0.0, total)
