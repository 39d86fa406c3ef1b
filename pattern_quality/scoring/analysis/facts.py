"""What the analysis layer finds in a pattern's code, in any language.

:class:`Facts` is language-neutral where the rubric's rules are (functions, their
complexity, documentation, annotations, robustness issues, ONEX signals) and
carries the language's own signals in :attr:`Facts.signals`.
"""

from __future__ import annotations

__all__ = ["Facts", "Function", "Issue", "Shape"]


class Function:
    """One function or method.

    Attributes:
        name: Its name (``<lambda>`` / ``<arrow>`` for anonymous ones).
        line: First line (1-based), ``end_line`` the last.
        cc: Cyclomatic complexity (1 + decision points inside it).
        nesting: Deepest nesting of control blocks inside it.
        statements: Statements in its body (docstrings excluded).
        public: Part of the public API (no leading underscore, not nested).
        documented: Has a docstring (Python) or a doc comment (JSDoc).
        trivial: A member a reader needs no doc for: a body of one ``return``
            of a constant or a name, or a dunder other than ``__init__``/``__call__``.
        stub: ``"stub"`` (no behaviour), ``"stub_ok"`` (the same, marked
            ``# stub-ok: <reason>``), ``"exempt"`` (abstract, overload, Protocol
            member, docstring-only ``__init__`` or a no-op hook) or ``""``.
        is_async: Defined with ``async``.
        owner: Name of the enclosing class, ``""`` at module level.
        stub_reason: The ``stub-ok`` reason, when given.
        interface: A signature by design (abstract, or a Protocol / ABC member).
    """

    __slots__ = (
        "cc",
        "documented",
        "end_line",
        "interface",
        "is_async",
        "line",
        "name",
        "nesting",
        "owner",
        "public",
        "statements",
        "stub",
        "stub_reason",
        "trivial",
    )

    def __init__(self, name: str, line: int, end_line: int) -> None:
        """Create a function record with neutral values.

        Args:
            name: Function name.
            line: First line.
            end_line: Last line.
        """
        self.name = name
        self.line = line
        self.end_line = end_line
        self.cc = 1
        self.nesting = 0
        self.statements = 0
        self.public = not name.startswith("_")
        self.documented = False
        self.trivial = False
        self.stub = ""
        self.stub_reason = ""
        self.interface = False
        self.is_async = False
        self.owner = ""


class Issue:
    """One robustness problem at a line.

    Attributes:
        rule: Stable rule name, e.g. ``swallowed_exception``.
        line: 1-based line.
        detail: What was seen.
    """

    __slots__ = ("detail", "line", "rule")

    def __init__(self, rule: str, line: int, detail: str) -> None:
        """Create an issue.

        Args:
            rule: Rule name.
            line: Line.
            detail: Detail text.
        """
        self.rule = rule
        self.line = line
        self.detail = detail


class Shape:
    """A class that declares members: what its readers must be told about them.

    Attributes:
        line: The class's first line; ``name`` its name.
        kind: ``"model"`` (annotated fields: dataclass, pydantic, TypedDict...),
            ``"enum"`` (members of an ``Enum`` subclass) or ``"interface"`` (the
            methods of a ``Protocol`` / ``ABC``, abstract methods).
        members: Fields, enum members or interface methods.
        documented: Members with their own documentation (``Field(description=...)``,
            a string or a comment right after / above, a method docstring).
        constrained: Model fields whose values are constrained (``Field`` bounds,
            lengths or patterns, ``Literal[...]``, ``Annotated[...]``).
        frozen: The model is immutable (``frozen=True``).
    """

    __slots__ = ("constrained", "documented", "frozen", "kind", "line", "members", "name")

    def __init__(self, line: int, name: str, kind: str) -> None:
        """Create a shape with no members.

        Args:
            line: First line.
            name: Class name.
            kind: ``"model"``, ``"enum"`` or ``"interface"``.
        """
        self.line = line
        self.name = name
        self.kind = kind
        self.members = 0
        self.documented = 0
        self.constrained = 0
        self.frozen = False

    @property
    def precision(self) -> float:
        """How fully the shape tells its reader what its members are, in [0, 1].

        Enums and interfaces: the documented share of their members. Models: the
        mean of the documented share, the constrained share and immutability.
        """
        if not self.members:
            return 0.0
        docs = self.documented / self.members
        if self.kind != "model":
            return docs
        return (docs + self.constrained / self.members + float(self.frozen)) / 3


class Facts:
    """The facts of one pattern's code.

    Attributes:
        language: The language the code was read as.
        errors: Syntax-error nodes in the tree (0 for clean code).
        notes: What was skipped or assumed, for zero-effect findings.
        lines: Non-blank lines.
        code_lines: Non-blank lines that are neither comment nor docstring.
        comment_lines: Lines of comments that document (licence / SPDX headers,
            tool directives and shebangs excluded).
        docstring_lines: Lines inside docstrings.
        statements: Executable statements (docstrings, ``pass``, ``...`` excluded).
        imports: Import statements.
        functions: Every function and method, in source order.
        classes: ``(line, name, bases, documented, public)`` of each class.
        doc_total: Documentable public units (classes and non-trivial functions;
            the module when there is none).
        doc_missing: ``(line, name)`` of each undocumented one.
        ann_total: Annotation slots (parameters without ``self``/``cls``, returns).
        ann_done: Annotated slots.
        issues: Robustness issues (see :class:`Issue`).
        io_calls: ``(line, call)`` of I/O, clock and randomness calls.
        node_kinds: ``(line, class, kind)`` for classes whose base names an ONEX
            node kind (``NodeEffect`` -> ``effect``).
        handler_types: ``(line, value)`` of ``handler_type`` members.
        handler_categories: ``(line, value)`` of ``handler_category`` members.
        entry_points: ``(line, name, is_async)`` of ``handle`` / ``execute`` /
            ``compute`` / ``process`` / ``execute_<kind>`` methods.
        repetition: Share of substantial lines that repeat an earlier line.
        signals: Language-specific counts (e.g. ``strict_mode`` for Bash).
        markers: ``(line, word)`` of ``TODO`` / ``FIXME`` / ``XXX`` / ``HACK`` comments.
        behaviour: Statements inside functions (what the code does, not what it declares).
        fields: Top-level scalar keys of a YAML document (a contract's fields).
        shapes: One :class:`Shape` per class that declares members (a data model's
            fields, an enum's members, a Protocol's or ABC's methods); read only for
            code without behaviour (the only code the rubric judges them in).
    """

    __slots__ = (
        "ann_done",
        "ann_total",
        "behaviour",
        "classes",
        "code_lines",
        "comment_lines",
        "doc_missing",
        "doc_total",
        "docstring_lines",
        "entry_points",
        "errors",
        "fields",
        "functions",
        "handler_categories",
        "handler_types",
        "imports",
        "io_calls",
        "issues",
        "language",
        "lines",
        "markers",
        "node_kinds",
        "notes",
        "repetition",
        "shapes",
        "signals",
        "statements",
    )

    def __init__(self, language: str) -> None:
        """Create empty facts.

        Args:
            language: The language the code is read as.
        """
        self.language = language
        self.errors = 0
        self.notes: list[str] = []
        self.lines = 0
        self.code_lines = 0
        self.comment_lines = 0
        self.docstring_lines = 0
        self.statements = 0
        self.imports = 0
        self.functions: list[Function] = []
        self.classes: list[tuple[int, str, tuple[str, ...], bool, bool]] = []
        self.doc_total = 0
        self.doc_missing: list[tuple[int, str]] = []
        self.ann_total = 0
        self.ann_done = 0
        self.issues: list[Issue] = []
        self.io_calls: list[tuple[int, str]] = []
        self.node_kinds: list[tuple[int, str, str]] = []
        self.handler_types: list[tuple[int, str]] = []
        self.handler_categories: list[tuple[int, str]] = []
        self.entry_points: list[tuple[int, str, bool]] = []
        self.repetition = 0.0
        self.signals: dict[str, int] = {}
        self.fields: dict[str, str] = {}
        self.markers: list[tuple[int, str]] = []
        self.behaviour = 0
        self.shapes: list[Shape] = []

    @property
    def max_cc(self) -> tuple[int, str, int]:
        """``(cc, name, line)`` of the most complex function (``(1, "<module>", 1)`` if none)."""
        best = (0, "<module>", 1)
        for f in self.functions:
            if f.cc > best[0]:
                best = (f.cc, f.name, f.line)
        return best if best[0] else (1, "<module>", 1)

    @property
    def max_nesting(self) -> int:
        """Deepest nesting of control blocks in any function."""
        return max((f.nesting for f in self.functions), default=0)
