"""Rubric 2.0.0's single pass over a Python AST.

:func:`python_facts` walks the statements of the tree once, iteratively (no
recursion, so nesting depth cannot exhaust the stack), and fills a
:class:`CodeFacts`: stubs, docstring and annotation coverage, ``execute_*``
functions, imports, and the cyclomatic complexity of every block (the module and
each function body). Expressions are not walked: the decision points they hold
(``and`` / ``or``, ``x if c else y``, comprehension ``for`` / ``if`` clauses) are
their keyword tokens, which the comment scan of the same source already located,
and each is added to the innermost function body that holds its line.
"""

from __future__ import annotations

import ast
from typing import Any, Final

from .facts import CodeFacts

__all__ = ["python_facts"]

_Name: Final = ast.Name
_Constant: Final = ast.Constant
_AsyncFunctionDef: Final = ast.AsyncFunctionDef
_Expr: Final = ast.Expr
_Pass: Final = ast.Pass
_Raise: Final = ast.Raise
_Call: Final = ast.Call
_Attribute: Final = ast.Attribute
_Subscript: Final = ast.Subscript
_MatchAs: Final = ast.MatchAs

#: Decorators that make an empty body legitimate.
_EXEMPT_DECORATORS: Final = frozenset(
    {
        "abstractmethod",
        "abstractproperty",
        "abstractclassmethod",
        "abstractstaticmethod",
        "overload",
    }
)
_NOT_IMPLEMENTED: Final = frozenset({"NotImplementedError", "NotImplemented"})
_NONE: Final[frozenset[str]] = frozenset()

# Statement kinds of the walk; any type not listed (Try, With, Match, and
# statements of newer Pythons) is a compound statement whose statement lists are
# found through its ``_fields``.
(
    _SIMPLE,
    _EXPR,
    _IF_LOOP,
    _FUNCTION,
    _CLASS,
    _IMPORT,
    _ANN_ASSIGN,
    _PASS,
    _CASE,
    _HANDLER,
    _COMPOUND,
) = range(11)
_KINDS: Final[dict[type, int]] = {
    **{
        t: _SIMPLE
        for t in (
            ast.Assign,
            ast.AugAssign,
            ast.Return,
            ast.Raise,
            ast.Assert,
            ast.Delete,
            ast.Global,
            ast.Nonlocal,
            ast.Break,
            ast.Continue,
            *((ast.TypeAlias,) if hasattr(ast, "TypeAlias") else ()),
        )
    },
    ast.Expr: _EXPR,
    ast.If: _IF_LOOP,
    ast.For: _IF_LOOP,
    ast.AsyncFor: _IF_LOOP,
    ast.While: _IF_LOOP,
    ast.FunctionDef: _FUNCTION,
    ast.AsyncFunctionDef: _FUNCTION,
    ast.ClassDef: _CLASS,
    ast.Import: _IMPORT,
    ast.ImportFrom: _IMPORT,
    ast.AnnAssign: _ANN_ASSIGN,
    ast.Pass: _PASS,
    ast.match_case: _CASE,
    ast.ExceptHandler: _HANDLER,
}

#: Statement fields that hold statement lists (walked with their context).
_BODY_FIELDS: Final = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_body_fields: dict[type, tuple[str, ...]] = {}


def _body_fields_of(t: type) -> tuple[str, ...]:
    fields = tuple(f for f in getattr(t, "_fields", ()) if f in _BODY_FIELDS)
    _body_fields[t] = fields
    return fields


def _is_docstring(stmt: ast.stmt) -> bool:
    if type(stmt) is not _Expr:
        return False
    value = stmt.value
    return type(value) is _Constant and type(value.value) is str


def _terminal_name(node: ast.expr | None) -> str:
    """``x`` for ``x``, ``a.b.x``, ``x(...)`` and ``x[...]``; ``""`` otherwise."""
    if type(node) is _Call:
        node = node.func
    if type(node) is _Subscript:
        node = node.value
    if type(node) is _Name:
        return node.id
    if type(node) is _Attribute:
        return node.attr
    return ""


def _is_stub_body(body: list[ast.stmt], start: int) -> bool:
    """Whether ``body[start:]`` holds only ``pass``, ``...`` and
    ``raise NotImplementedError`` (an empty remainder, a docstring-only body, is a stub)."""
    for i in range(start, len(body)):
        s = body[i]
        t = type(s)
        if t is _Pass:
            continue
        if t is _Expr:
            v = s.value  # type: ignore[attr-defined]
            if type(v) is _Constant and v.value is Ellipsis:
                continue
            return False
        if t is _Raise:
            exc = s.exc  # type: ignore[attr-defined]
            if exc is not None and _terminal_name(exc) in _NOT_IMPLEMENTED:
                continue
            return False
        return False
    return True


def _function(
    facts: CodeFacts,
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: int,
    top: bool,
) -> None:
    """Record one function's stub status, docstring, annotations and signature.

    ``owner`` is 0 outside a class, 1 in a class body, 2 in a Protocol class body;
    ``top`` is true when the function is not nested inside another function.
    """
    name = fn.name
    line = fn.lineno
    decorators = {_terminal_name(d) for d in fn.decorator_list} if fn.decorator_list else _NONE
    overload = "overload" in decorators
    exempt = owner == 2 or not _EXEMPT_DECORATORS.isdisjoint(decorators)
    body = fn.body
    documented = _is_docstring(body[0])
    if not exempt:
        facts.candidates += 1
        if _is_stub_body(body, 1 if documented else 0):
            facts.stubs.append((line, name))
    if top and not overload and not name.startswith("_"):
        facts.doc_total += 1
        if not documented:
            facts.doc_missing.append((line, name))
    # Annotation slots: every parameter but a method's self / cls, and the return.
    args = fn.args
    total = 1
    done = 0 if fn.returns is None else 1
    for group in (args.posonlyargs, args.args, args.kwonlyargs):
        for p in group:
            total += 1
            if p.annotation is not None:
                done += 1
    for star in (args.vararg, args.kwarg):
        if star is not None:
            total += 1
            if star.annotation is not None:
                done += 1
    if owner and "staticmethod" not in decorators:
        first = args.posonlyargs or args.args
        if first:
            total -= 1
            if first[0].annotation is not None:
                done -= 1
    facts.ann_total += total
    facts.ann_done += done
    if name.startswith("execute_"):
        facts.executes.append((line, name, type(fn) is _AsyncFunctionDef, owner != 0))


def _is_protocol(cls: ast.ClassDef) -> bool:
    return any(_terminal_name(b) == "Protocol" for b in cls.bases)


def python_facts(tree: ast.Module, decisions: list[int]) -> CodeFacts:
    """Gather the facts of a parsed module in one iterative walk over its statements.

    Args:
        tree: The module returned by :func:`ast.parse`.
        decisions: Lines of the decision keywords (from :func:`scan_python`), in order.

    Returns:
        The facts; ``comments`` and ``code_lines`` are left for the caller (they
        come from the source text, not the tree).
    """
    facts = CodeFacts(parsed=True)
    # Blocks: the module (0) and every function body, as (first line, last line).
    spans: list[tuple[int, int]] = [(1, 1 << 62)]
    names: list[tuple[str, int]] = [("<module>", 1)]
    cc = [1]
    body = tree.body
    module_documented = bool(body) and _is_docstring(body[0])
    # Frames: (statements, block, owner) with owner 0/1/2 = none/class/Protocol class.
    # Order does not matter (the lists are sorted at the end), so a body is walked
    # with a plain loop and the bodies it holds are pushed as frames of their own
    # (empty ones are never pushed).
    frames: list[tuple[list[Any], int, int]] = [(body, 0, 0)]
    push = frames.append
    pop = frames.pop
    statements = 0
    structure = False
    imports = False
    kinds = _KINDS
    while frames:
        nodes, block, owner = pop()
        for node in nodes:
            kind = kinds.get(type(node), _COMPOUND)
            if kind == _SIMPLE:
                statements += 1
            elif kind == _EXPR:
                value = node.value
                if type(value) is not _Constant or not (
                    type(value.value) is str or value.value is Ellipsis
                ):
                    statements += 1  # docstrings and `...` are not statements
            elif kind == _IF_LOOP:  # If, For, AsyncFor, While: body and else
                statements += 1
                structure = True
                push((node.body, block, owner))
                if node.orelse:
                    push((node.orelse, block, owner))
            elif kind == _FUNCTION:
                statements += 1
                structure = True
                _function(facts, node, owner, block == 0)
                fbody = node.body
                push((fbody, len(cc), 0))
                cc.append(1)
                spans.append((fbody[0].lineno, node.end_lineno or fbody[-1].lineno))
                names.append((node.name, node.lineno))
            elif kind == _IMPORT:
                statements += 1
                imports = True
            elif kind == _CLASS:
                statements += 1
                structure = True
                facts.has_class = True
                if block == 0 and not node.name.startswith("_"):
                    facts.doc_total += 1
                    if not _is_docstring(node.body[0]):
                        facts.doc_missing.append((node.lineno, node.name))
                push((node.body, block, 2 if _is_protocol(node) else 1))
            elif kind == _HANDLER:
                push((node.body, block, owner))
            elif kind == _ANN_ASSIGN:
                statements += 1
                facts.ann_assign += 1
            elif kind != _PASS:
                if kind == _CASE:
                    # Every case is a branch, except an irrefutable one without a guard
                    # (`case _:` / `case x:`), the `else` of the match.
                    pattern = node.pattern
                    if node.guard is not None or not (
                        type(pattern) is _MatchAs and pattern.pattern is None
                    ):
                        cc[block] += 1
                else:  # Try, With, Match, and compound statements of newer Pythons
                    statements += 1
                    structure = True
                lists = _body_fields.get(type(node))
                if lists is None:
                    lists = _body_fields_of(type(node))
                for f in lists:
                    sub = getattr(node, f)
                    if sub:
                        push((sub, block, owner))
    if facts.doc_total == 0:
        facts.doc_total = 1
        if not module_documented:
            facts.doc_missing.append((1, "<module>"))
    facts.statements = statements
    facts.structure = structure
    facts.imports = imports
    if len(facts.doc_missing) > 1:
        facts.doc_missing.sort()
    if len(cc) == 1:  # no function: the module is the only block
        facts.max_cc = cc[0] + len(decisions)
        return facts
    if len(facts.stubs) > 1:
        facts.stubs.sort()
    if len(facts.executes) > 1:
        facts.executes.sort()
    _attribute(decisions, spans, cc)
    # The most complex block; on ties a function before the module, then the first.
    best = max(range(len(cc)), key=lambda b: (cc[b], b > 0, -names[b][1]))
    facts.max_cc = cc[best]
    facts.max_cc_name, facts.max_cc_line = names[best]
    return facts


def _attribute(decisions: list[int], spans: list[tuple[int, int]], cc: list[int]) -> None:
    """Add each decision keyword to the innermost block whose body holds its line.

    Function bodies nest properly, so one pass over the keywords (in line order)
    and the blocks (in order of their first line) with a stack of open blocks does.
    """
    if not decisions:
        return
    order = sorted(range(1, len(spans)), key=spans.__getitem__)
    nxt = 0
    open_blocks = [0]
    for line in decisions:
        while nxt < len(order) and spans[order[nxt]][0] <= line:
            block = order[nxt]
            while spans[open_blocks[-1]][1] < spans[block][0]:
                open_blocks.pop()
            open_blocks.append(block)
            nxt += 1
        while spans[open_blocks[-1]][1] < line:
            open_blocks.pop()
        cc[open_blocks[-1]] += 1
