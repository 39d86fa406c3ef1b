"""Facts of Python code from its tree-sitter tree (one query run in C, then a short pass).

Version-independent: the grammar reads PEP 695 generics, ``type`` aliases and
``except*`` on any interpreter. Fragments (a method cut out of its class, a
truncated file) parse with error nodes, which are counted, not fatal.
"""

from __future__ import annotations

import re
from typing import Final

import tree_sitter

from .common import (
    ENTRY_POINTS,
    IO_CALL,
    KIND_BASE,
    MARKER,
    STUB_OK,
    add_complexity,
    function_owner,
    io_kind,
    is_doc_comment,
    ordered,
)
from .facts import Facts, Function, Issue
from .languages import grammar
from .python_nodes import (
    IGNORE,
    body_statements,
    interfaces,
    is_docstring,
    loose_types,
    no_behaviour,
    read_except,
    read_shape,
    text_of,
)

__all__ = ["python_facts"]

_QUERY_TEXT: Final = """
(function_definition) @func
(class_definition) @class
[(if_statement) (elif_clause) (for_statement) (while_statement) (except_clause)
 (boolean_operator) (conditional_expression) (case_clause) (for_in_clause) (if_clause)] @decision
[(if_statement) (for_statement) (while_statement) (try_statement) (with_statement)
 (match_statement)] @nest
(comment) @comment
[(import_statement) (import_from_statement) (future_import_statement)] @import
(except_clause) @except
(call function: [(identifier) (attribute)] @callee)
(default_parameter name: (_) @mutable_name value: [(list) (dictionary) (set)])
(typed_default_parameter name: (_) @mutable_name value: [(list) (dictionary) (set)])
(ERROR) @error
(block) @block
"""

_query: tree_sitter.Query | None = None
_NOT_STATEMENTS: Final = frozenset(
    {
        "comment",
        "pass_statement",
        "decorated_definition",
        "function_definition",
        "class_definition",
        "ERROR",
    }
)
_BARE_VALUES: Final = frozenset({"string", "concatenated_string", "ellipsis"})


def _not_statement(node: tree_sitter.Node) -> bool:
    """A block child that is no executable statement: a comment, ``pass``, a
    definition, an error, or a lone string / ``...`` expression (a docstring)."""
    t = node.type
    if t in _NOT_STATEMENTS:
        return True
    return (
        t == "expression_statement"
        and node.named_child_count == 1
        and node.named_children[0].type in _BARE_VALUES
    )


def _not_statements(children: list[tree_sitter.Node]) -> int:
    return sum(1 for c in children if _not_statement(c))


_DEFINITIONS: Final = frozenset({"function_definition", "class_definition", "decorated_definition"})


def _get_query() -> tree_sitter.Query:
    global _query
    if _query is None:
        _query = tree_sitter.Query(grammar("python"), _QUERY_TEXT)
    return _query


_CONSTANTS: Final = frozenset(
    {
        "string",
        "integer",
        "float",
        "true",
        "false",
        "none",
        "identifier",
        "attribute",
        "concatenated_string",
    }
)
_NOOP_HOOK: Final = re.compile(r"^(?:on_|before_|after_|setup|teardown|_?hook|\w+_hook$)")
#: An annotation that says nothing: ``Any`` / ``object`` itself, or optional.
_ANY: Final = re.compile(
    r"^(?:typing\.)?(?:Any|object)(?:\s*\|\s*None)?$|^(?:typing\.)?Optional\[(?:typing\.)?Any\]$"
)


def _owner(node: tree_sitter.Node) -> tuple[str, bool, tree_sitter.Node | None]:
    """``(class name, nested in a function, class node)`` of a definition."""
    parent = node.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    if parent is None or parent.type != "block":
        return "", False, None
    holder = parent.parent
    if holder is None:
        return "", False, None
    if holder.type == "class_definition":
        name = holder.child_by_field_name("name")
        return (text_of(name) if name is not None else ""), False, holder
    return "", holder.type == "function_definition", None


def _decorators(node: tree_sitter.Node) -> str:
    parent = node.parent
    if parent is None or parent.type != "decorated_definition":
        return ""
    return " ".join(text_of(c) for c in parent.named_children if c.type == "decorator")


def _bases(cls: tree_sitter.Node) -> tuple[str, ...]:
    sup = cls.child_by_field_name("superclasses")
    if sup is None:
        return ()
    out = []
    for c in sup.named_children:
        if c.type == "keyword_argument":
            continue
        text = text_of(c)
        out.append(text.split("[", 1)[0].strip())
    return tuple(out)


def _constant_value(stmt: tree_sitter.Node) -> str:
    """The value text of ``return X`` / ``name = X`` for handler_type-like members."""
    value = stmt.named_children[-1] if stmt.named_child_count else None
    if value is None:
        return ""
    text = text_of(value).strip().strip("\"'")
    return text.rsplit(".", 1)[-1].lower()


def _function(
    node: tree_sitter.Node, facts: Facts, stub_ok: dict[int, str], protocols: set[str]
) -> Function:
    name_node = node.child_by_field_name("name")
    name = text_of(name_node) if name_node is not None else "<function>"
    f = Function(name, node.start_point[0] + 1, node.end_point[0] + 1)
    f.is_async = node.child_count > 0 and node.children[0].type == "async"
    owner, nested, cls_node = _owner(node)
    f.owner = owner
    f.public = not name.startswith("_") and not nested and not owner.startswith("_")
    decorators = _decorators(node)
    stmts = body_statements(node.child_by_field_name("body"))
    if stmts and is_docstring(stmts[0]):
        f.documented = True
        doc = stmts[0]
        facts.docstring_lines += doc.end_point[0] - doc.start_point[0] + 1
        stmts = stmts[1:]
    f.statements = len(stmts)
    dunder = name.startswith("__") and name.endswith("__")
    if dunder and name not in ("__init__", "__call__"):
        f.trivial = True
    elif len(stmts) == 1 and stmts[0].type == "return_statement":
        value = stmts[0].named_children
        f.trivial = not value or value[0].type in _CONSTANTS
    elif "property" in decorators and len(stmts) == 1:
        f.trivial = True
    # Annotations (self / cls excluded), Any / object in public signatures.
    params = node.child_by_field_name("parameters")
    first = True
    for p in params.named_children if params is not None else ():
        t = p.type
        if t in ("keyword_separator", "positional_separator", "comment"):
            continue
        if first and owner and t == "identifier" and text_of(p) in ("self", "cls"):
            first = False
            continue
        first = False
        facts.ann_total += 1
        if t in ("typed_parameter", "typed_default_parameter"):
            facts.ann_done += 1
            ann = p.child_by_field_name("type")
            if ann is not None and f.public and _ANY.match(text_of(ann)):
                facts.issues.append(
                    Issue("any_in_signature", p.start_point[0] + 1, f"'{name}': {text_of(p)}")
                )
    ret = node.child_by_field_name("return_type")
    if name != "__init__":
        facts.ann_total += 1
        if ret is not None:
            facts.ann_done += 1
            ret_text = text_of(ret)
            if f.public and _ANY.match(ret_text):
                facts.issues.append(
                    Issue(
                        "any_in_signature",
                        ret.start_point[0] + 1,
                        f"'{name}' returns {text_of(ret)}",
                    )
                )
    # Stubs: no behaviour at all; exempt when the design says the body is empty.
    if no_behaviour(stmts):
        reason = next((stub_ok[ln] for ln in stub_ok if f.line <= ln <= f.end_line), None)
        designed = "abstractmethod" in decorators or "overload" in decorators
        hook = bool(owner) and cls_node is not None and _NOOP_HOOK.match(name) is not None
        if designed or owner in protocols or name == "__init__" or hook:
            f.stub = "exempt"
            f.interface = "overload" not in decorators and (designed or owner in protocols)
        elif reason is not None:
            f.stub = "stub_ok"
            f.stub_reason = reason
        else:
            f.stub = "stub"
    if owner and name in ENTRY_POINTS:
        facts.entry_points.append((f.line, name, f.is_async))
    if name in ("handler_type", "handler_category") and stmts:
        target = facts.handler_types if name == "handler_type" else facts.handler_categories
        if stmts[0].type == "return_statement":
            target.append((f.line, _constant_value(stmts[0])))
    return f


def python_facts(source: bytes, tree: tree_sitter.Tree, text: str) -> Facts:
    """Read the facts of Python code.

    Args:
        source: The bytes that were parsed.
        tree: Their tree.
        text: The same code as text (for line counts).

    Returns:
        The facts (:attr:`Facts.functions` in source order).
    """
    facts = Facts("python")
    caps = tree_sitter.QueryCursor(_get_query()).captures(tree.root_node)
    facts.errors = len(caps.get("error", ()))
    stub_ok: dict[int, str] = {}
    comments = 0
    for c in ordered(caps, "comment"):
        t = text_of(c)
        m = STUB_OK.search(t)
        if m is not None:
            stub_ok[c.start_point[0] + 1] = m.group(1).strip()
        mark = MARKER.search(t)
        if mark is not None:
            facts.markers.append((c.start_point[0] + 1, mark.group(1)))
        if is_doc_comment(t):
            comments += 1
        if IGNORE.search(t) is not None:
            facts.issues.append(
                Issue("loose_type", c.start_point[0] + 1, "type checker silenced: type: ignore")
            )
    facts.comment_lines = comments
    facts.imports = len(caps.get("import", ()))
    protocols: set[str] = set()
    classes: list[tuple[tree_sitter.Node, int, str, tuple[str, ...]]] = []
    for cls in ordered(caps, "class"):
        name_node = cls.child_by_field_name("name")
        name = text_of(name_node) if name_node is not None else "<class>"
        bases = _bases(cls)
        body = body_statements(cls.child_by_field_name("body"))
        documented = bool(body) and is_docstring(body[0])
        if documented:
            facts.docstring_lines += body[0].end_point[0] - body[0].start_point[0] + 1
        if any(b.rsplit(".", 1)[-1] in ("Protocol", "ABC") for b in bases):
            protocols.add(name)
        line = cls.start_point[0] + 1
        facts.classes.append((line, name, bases, documented, not name.startswith("_")))
        classes.append((cls, line, name, bases))
        for b in bases:
            m = KIND_BASE.search(b)
            if m is not None:
                facts.node_kinds.append((line, name, m.group(1).lower()))
        for s in body:  # handler_type: Literal[...] = "node_handler"
            if s.type == "expression_statement" and s.named_child_count == 1:
                a = s.named_children[0]
                left = a.child_by_field_name("left") if a.type == "assignment" else None
                if left is not None and text_of(left) in ("handler_type", "handler_category"):
                    target = (
                        facts.handler_types
                        if text_of(left) == "handler_type"
                        else facts.handler_categories
                    )
                    target.append((s.start_point[0] + 1, _constant_value(a)))
    funcs = ordered(caps, "func")
    facts.functions = [_function(n, facts, stub_ok, protocols) for n in funcs]
    owner_of = function_owner(funcs)
    add_complexity(caps, owner_of, facts.functions)
    loose_types(tree, text, facts)
    for e in caps.get("except", ()):
        read_except(e, facts)
    for param in caps.get("mutable_name", ()):
        facts.issues.append(
            Issue(
                "mutable_default",
                param.start_point[0] + 1,
                f"parameter '{text_of(param)}' defaults to a mutable value",
            )
        )
    for callee in caps.get("callee", ()):
        name = text_of(callee)
        if IO_CALL.search(name) is not None:
            kind = io_kind(name)
            if kind:
                facts.io_calls.append((callee.start_point[0] + 1, f"{name} ({kind})"))
    top = body_statements(tree.root_node)
    module_doc = bool(top) and is_docstring(top[0])
    if module_doc:
        facts.docstring_lines += top[0].end_point[0] - top[0].start_point[0] + 1
    # Statements are counted per block, not captured one by one; non-statements are
    # picked out of each block's children (cheaper than anchored query patterns),
    # with no `Node.parent` calls (tree-sitter walks down from the root for those).
    root = tree.root_node
    class_bodies: set[int] = set()
    for cls in caps.get("class", ()):
        body_node = cls.child_by_field_name("body")
        if body_node is not None and body_node.type == "block":
            class_bodies.add(body_node.start_byte)
    top_level = root.named_child_count if root.type == "module" else 0
    statements = top_level - (_not_statements(root.named_children) if top_level else 0)
    behaviour = 0
    for blk in caps.get("block", ()):
        children = blk.named_children
        statements += len(children)
        not_stmts = [c for c in children if _not_statement(c)]
        statements -= len(not_stmts)
        if blk.start_byte in class_bodies:
            continue
        if owner_of(blk.start_byte) >= 0:
            behaviour += len(children)
        for n in not_stmts:
            at = n.start_byte
            if owner_of(at - 1 if n.type in _DEFINITIONS else at) >= 0:
                behaviour -= 1
    facts.behaviour = behaviour
    if behaviour == 0:  # shapes are judged in code that only declares
        for cls, line, name, bases in classes:
            shape = read_shape(cls, line, name, bases)
            if shape is not None:
                facts.shapes.append(shape)
        interfaces(facts)
    facts.statements = statements
    _documentation_units(facts, module_doc)
    facts.issues.sort(key=lambda i: (i.line, i.rule, i.detail))
    facts.io_calls.sort()
    return facts


def _documentation_units(facts: Facts, module_doc: bool) -> None:
    """Public classes and non-trivial public functions; else the module itself."""
    documented_classes = {name for _, name, _, doc, _ in facts.classes if doc}
    for line, name, _, doc, public in facts.classes:
        if public:
            facts.doc_total += 1
            if not doc:
                facts.doc_missing.append((line, name))
    for f in facts.functions:
        # An interface's methods are its API: they count (the platform's Protocols).
        if not f.public or f.trivial or (f.stub == "exempt" and not f.interface):
            continue
        if f.name == "__init__" and f.owner in documented_classes:
            continue
        facts.doc_total += 1
        if not f.documented:
            facts.doc_missing.append((f.line, f.name))
    if facts.doc_total == 0:
        facts.doc_total = 1
        if not module_doc:
            facts.doc_missing.append((1, "<module>"))
