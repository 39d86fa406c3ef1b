"""Rubric 3.0.0's rules on the code itself: completeness, documentation, complexity, substance.

Each rule reads :class:`~pattern_quality.scoring.analysis.Facts` and, when a
findings list is given, appends one finding per rule that moved the score.
The reasons and measured effects are in docs/rubric.md#rubric-300.
"""

from __future__ import annotations

import math
from typing import Final

from ...models import Finding
from ..analysis import Facts

__all__ = [
    "COMPLEXITY_LIMITS",
    "DECLARATIVE_CAP",
    "SHAPE_PRECISION",
    "SUBSTANCE_SATURATION",
    "completeness",
    "complexity",
    "documentation",
    "substance",
]

_STUB_OK_COST: Final = 0.25  # share of a stub's cost a `# stub-ok: <reason>` keeps
_MARKER_COST: Final = 0.1
_ERROR_COST: Final = 0.1


def completeness(facts: Facts, out: list[Finding] | None) -> float:
    """Finished code: stubs, ``stub-ok`` stubs (a quarter of the cost), markers, syntax errors."""
    d = "completeness"
    if facts.statements == 0 and not facts.functions:
        if out is not None:
            out.append(Finding(d, "no_code", 0.0, "no executable statement"))
        return 0.0
    total = 1.0
    if out is not None:
        out.append(Finding(d, "base", 1.0, "code with statements"))
    candidates = sum(1 for f in facts.functions if f.stub != "exempt")
    stub_cost = 0.8 / candidates if candidates else 0.0
    for f in facts.functions:
        if f.stub == "stub":
            total -= stub_cost
            if out is not None:
                out.append(
                    Finding(d, "stub", -stub_cost, f"line {f.line}: stub '{f.name}' (no behaviour)")
                )
        elif f.stub == "stub_ok":
            cost = stub_cost * (_STUB_OK_COST if f.stub_reason else 0.5)
            total -= cost
            if out is not None:
                why = f.stub_reason or "no reason given: half the cost"
                out.append(
                    Finding(d, "stub_ok", -cost, f"line {f.line}: '{f.name}' marked stub-ok: {why}")
                )
    for line, word in facts.markers[:3]:
        total -= _MARKER_COST
        if out is not None:
            out.append(Finding(d, "marker:" + word, -_MARKER_COST, f"line {line}: {word}"))
    if facts.errors:
        total -= _ERROR_COST
        if out is not None:
            out.append(
                Finding(d, "syntax_errors", -_ERROR_COST, f"{facts.errors} syntax error node(s)")
            )
    return min(1.0, max(0.0, total))


#: Documentation weights per language: (units, comments, annotations, COMMENT ON / strict).
_DOC_WEIGHTS: Final = {
    "python": (0.45, 0.20, 0.20),
    "typescript": (0.45, 0.20, 0.20),
    "tsx": (0.45, 0.20, 0.20),
    "javascript": (0.50, 0.35, 0.0),
    "sql": (0.15, 0.70, 0.0),
    "bash": (0.40, 0.45, 0.0),
    "yaml": (0.40, 0.45, 0.0),
}
_DESCRIPTION: Final = 0.15
_LINES_PER_COMMENT: Final = {"sql": 8, "bash": 8, "yaml": 10}


def documentation(facts: Facts, text: str, out: list[Finding] | None) -> float:
    """Intent documented: public-API docs (trivial members exempt), comments that are not
    licence headers (per code line, docstrings not counted as code), annotations, description.
    """
    d = "documentation"
    units_w, comments_w, ann_w = _DOC_WEIGHTS[facts.language]
    total = 0.0
    documented = facts.doc_total - len(facts.doc_missing)
    if facts.language == "sql":
        ddl = facts.signals.get("ddl", 0)
        commented = facts.signals.get("comment_on", 0)
        share = min(1.0, commented / ddl) if ddl else (1.0 if facts.comment_lines else 0.0)
        units = units_w * share
        detail = f"COMMENT ON for {commented} of {ddl} DDL statements"
    elif facts.language == "yaml":
        units = units_w if "description" in facts.fields else 0.0
        detail = "a 'description' field" if units else "no 'description' field"
    else:
        # Private helpers count half: documented helpers are better, the API comes first.
        helpers = [f for f in facts.functions if not f.public and not f.trivial and not f.stub]
        helped = sum(1 for f in helpers if f.documented)
        share = (documented + 0.5 * helped) / (facts.doc_total + 0.5 * len(helpers))
        units = units_w * share
        missing = ", ".join(f"'{n}' (line {ln})" for ln, n in facts.doc_missing[:4])
        detail = f"{documented}/{facts.doc_total} public units documented" + (
            f"; missing {missing}" if missing else ""
        )
        if helpers:
            detail += f"; {helped}/{len(helpers)} private helpers (half weight)"
    total += units
    if out is not None:
        out.append(Finding(d, "public_docs", units, detail))
    per = _LINES_PER_COMMENT.get(facts.language, 15)
    target = max(2, math.ceil(facts.code_lines / per))
    comments = comments_w * min(1.0, facts.comment_lines / target)
    total += comments
    if out is not None and (comments or comments_w):
        out.append(
            Finding(
                d,
                "comments",
                comments,
                f"{facts.comment_lines} documenting comment lines for {facts.code_lines} "
                f"code lines (target {target}; licence headers and directives not counted)",
            )
        )
    if ann_w:
        if facts.ann_total:
            ann = ann_w * facts.ann_done / facts.ann_total
            detail = f"{facts.ann_done}/{facts.ann_total} parameters and returns annotated"
        else:
            ann = ann_w if facts.statements else 0.0
            detail = "no function signatures to annotate"
        total += ann
        if out is not None:
            out.append(Finding(d, "annotations", ann, detail))
    if len(text) > 100:
        total += _DESCRIPTION
        if out is not None:
            out.append(
                Finding(d, "description", _DESCRIPTION, f"description of {len(text)} characters")
            )
    return min(1.0, total)


#: Highest acceptable cyclomatic complexity of one function, by node kind.
COMPLEXITY_LIMITS: Final = {"orchestrator": 18, "reducer": 15, "": 12}
_NESTING_LIMIT: Final = 4
_LEVELS: Final = ("low", "medium", "high")
_LEVEL_SCORES: Final = (1.0, 0.6, 0.3)


def complexity(facts: Facts, declared: str, kind: str, out: list[Finding] | None) -> float:
    """Measured complexity: against the declared level when there is one, else against
    what the node kind needs (cyclomatic complexity per function and nesting depth).
    """
    d = "complexity"
    cc, name, line = facts.max_cc
    nesting = facts.max_nesting
    where = f"cyclomatic complexity {cc} in '{name}' (line {line}), nesting {nesting}"
    level = 0 if cc <= 5 else 1 if cc <= 10 else 2
    if declared in _LEVELS:
        score = _LEVEL_SCORES[abs(_LEVELS.index(declared) - level)]
        if out is not None:
            out.append(
                Finding(
                    d, "declared", score, f"declared {declared}, measured {_LEVELS[level]}: {where}"
                )
            )
        return score
    if facts.behaviour == 0 and facts.language in _CODE:
        if out is not None:
            out.append(Finding(d, "no_logic", 1.0, "no logic: as simple as a declaration needs"))
        return 1.0
    limit = COMPLEXITY_LIMITS.get(kind, COMPLEXITY_LIMITS[""])
    score = 1.0
    if out is not None:
        said = f"for a {kind} node" if kind else "for general code"
        out.append(Finding(d, "measured", 1.0, f"{where}; limit {limit} {said}"))
    if cc > limit:
        cost = min(0.3, 0.03 * (cc - limit))
        score -= cost
        if out is not None:
            out.append(Finding(d, "too_complex", -cost, f"'{name}' has {cc} > {limit}"))
    if nesting > _NESTING_LIMIT:
        cost = min(0.3, 0.1 * (nesting - _NESTING_LIMIT))
        score -= cost
        if out is not None:
            out.append(Finding(d, "too_nested", -cost, f"nesting {nesting} > {_NESTING_LIMIT}"))
    return max(0.4, score)


#: Behaviour units at which substance saturates (log scale).
SUBSTANCE_SATURATION: Final = 60
_REPEAT_FREE: Final = 0.15
#: Highest substance of code that declares but does nothing (fields, signatures).
DECLARATIVE_CAP: Final = 0.35
#: What a declaration adds when it tells its reader fully what its members are.
SHAPE_PRECISION: Final = 0.35
_CODE: Final = frozenset({"python", "typescript", "tsx", "javascript"})


def substance(facts: Facts, out: list[Finding] | None) -> float:
    """How much real behaviour the code carries, log-scaled and saturating.

    Units are statements inside non-stub functions (a one-statement body counts
    half: boilerplate) plus half the decision points; declarations (fields,
    constants, signatures of abstract / Protocol members) count a third. Code that
    only declares (a data shape, a Protocol, an enum) is capped at
    :data:`DECLARATIVE_CAP`. Repeated lines beyond 15 % cost.
    """
    d = "substance"
    decisions = sum(f.cc - 1 for f in facts.functions if f.stub == "")
    declared = max(0, facts.statements - facts.behaviour)
    one_liners = sum(1 for f in facts.functions if f.stub == "" and f.statements <= 1)
    signatures = sum(1 for f in facts.functions if f.stub == "exempt" and f.name != "__init__")
    if facts.language == "sql":
        units = facts.behaviour + facts.code_lines / 4 + 0.5 * decisions
    elif facts.language == "yaml":
        units = facts.statements / 3
    elif facts.language == "bash":
        units = facts.behaviour + 0.5 * decisions
    else:
        units = facts.behaviour - 0.5 * one_liners + 0.5 * decisions
        units = max(0.0, units) + (declared + signatures) / 3
    raw = min(1.0, math.log1p(units) / math.log1p(SUBSTANCE_SATURATION))
    if out is not None:
        out.append(
            Finding(
                d,
                "behaviour",
                raw,
                f"{facts.behaviour} statements in functions ({one_liners} one-line bodies), "
                f"{decisions} decisions, {declared + signatures} declarations: {units:.1f} units "
                f"(saturates at {SUBSTANCE_SATURATION})",
            )
        )
    total = raw
    declarative = facts.language in _CODE and facts.behaviour == 0
    if declarative and raw > DECLARATIVE_CAP:
        if out is not None:
            out.append(
                Finding(d, "declarative", DECLARATIVE_CAP - raw, "declarations only: a data shape")
            )
        total = DECLARATIVE_CAP
    members = sum(s.members for s in facts.shapes)
    if declarative and members:
        precision = sum(s.precision * s.members for s in facts.shapes) / members
        part = SHAPE_PRECISION * precision
        total += part
        if out is not None:
            documented = sum(s.documented for s in facts.shapes)
            constrained = sum(s.constrained for s in facts.shapes)
            frozen = sum(1 for s in facts.shapes if s.frozen and s.kind == "model")
            models = sum(1 for s in facts.shapes if s.kind == "model")
            out.append(
                Finding(
                    d,
                    "shape_precision",
                    part,
                    f"{documented}/{members} members documented, {constrained} constrained, "
                    f"{frozen}/{models} models frozen",
                )
            )
    if facts.repetition > _REPEAT_FREE:
        cost = min(0.5, (facts.repetition - _REPEAT_FREE) * 1.2)
        total -= cost
        if out is not None:
            out.append(
                Finding(
                    d, "repetition", -cost, f"{facts.repetition:.0%} of substantial lines repeat"
                )
            )
    return max(0.0, min(1.0, total))
