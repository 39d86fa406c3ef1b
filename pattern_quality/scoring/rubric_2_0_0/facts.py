"""The facts rubric 2.0.0 reads from a pattern's code, whichever way they were found.

:class:`CodeFacts` is filled either from the Python AST (:mod:`.python_facts`) or, for
code that does not parse, by the comment-aware fallback (:mod:`.fallback`); the
rules in ``rubric_2_0_0`` only read it, so both paths are judged by the same rules.
"""

from __future__ import annotations

__all__ = ["CodeFacts"]


class CodeFacts:
    """What one pattern's code contains, as far as the rubric cares.

    Attributes:
        parsed: ``True`` when the facts come from the Python AST.
        notes: What was skipped or why the fallback was used, for the findings.
        statements: Executable statements (docstrings, ``pass`` and ``...`` excluded);
            the fallback counts non-blank code lines.
        structure: Defines a function or class, or has control flow.
        imports: Has an import.
        candidates: Functions that could be stubs (abstract methods, overloads and
            Protocol members excluded).
        stubs: ``(line, name)`` of each stub function, in source order.
        comments: ``(line, text, own_line)`` of each real comment, in source order;
            ``own_line`` is true when nothing but blanks precedes it on its line.
        code_lines: Non-blank lines that are not comment-only (the AST path counts
            them only when there are comments: they only scale the comment target).
        doc_total: Documentable units (public classes and functions, or the module).
        doc_missing: ``(line, name)`` of each documentable unit without a docstring.
        ann_total: Annotation slots: parameters (``self``/``cls`` excluded) and returns.
        ann_done: Annotated slots.
        ann_assign: Annotated assignments (``x: int = 0``).
        executes: ``(line, name, is_async, in_class)`` of each ``execute_*`` function.
        has_class: Defines a class.
        max_cc: Cyclomatic complexity of the most complex block (function or module);
            0 when it was not measured (see ``analyze(..., complexity=False)``).
        max_cc_name: Name of that block (``<module>`` for top-level code).
        max_cc_line: First line of that block.
    """

    __slots__ = (
        "ann_assign",
        "ann_done",
        "ann_total",
        "candidates",
        "code_lines",
        "comments",
        "doc_missing",
        "doc_total",
        "executes",
        "has_class",
        "imports",
        "max_cc",
        "max_cc_line",
        "max_cc_name",
        "notes",
        "parsed",
        "statements",
        "structure",
        "stubs",
    )

    def __init__(self, parsed: bool) -> None:
        """Create empty facts.

        Args:
            parsed: Whether the facts will come from the Python AST.
        """
        self.parsed = parsed
        self.notes: list[str] = []
        self.statements = 0
        self.structure = False
        self.imports = False
        self.candidates = 0
        self.stubs: list[tuple[int, str]] = []
        self.comments: list[tuple[int, str, bool]] = []
        self.code_lines = 0
        self.doc_total = 0
        self.doc_missing: list[tuple[int, str]] = []
        self.ann_total = 0
        self.ann_done = 0
        self.ann_assign = 0
        self.executes: list[tuple[int, str, bool, bool]] = []
        self.has_class = False
        self.max_cc = 1
        self.max_cc_name = "<module>"
        self.max_cc_line = 1
