"""Linear-time lexing helpers for rubric 2.0.0: comments, masked code, name words.

Two scanners, each one pass of one compiled regular expression:

* :func:`scan_python` finds the comments and the decision keywords of source
  that *parses* as Python. In valid Python a ``#`` outside a string literal always
  starts a comment, a quote outside a comment always starts a string, and ``if``,
  ``for``, ``and``, ... outside both are keyword tokens (they cannot be
  identifiers). So skipping string literals (any prefix, single or triple quoted,
  with backslash escapes), reading ``#...`` to the end of the line and matching
  the keywords as whole words yields exactly the ``COMMENT`` tokens and keyword
  ``NAME`` tokens that :mod:`tokenize` would produce, several times faster than
  :mod:`tokenize` on CPython 3.11 (the test-suite checks that they agree).
* :func:`mask_generic` is the comment-aware view used for code that does not parse
  (another language, a fragment): it knows ``#``, ``//`` and ``/* */`` comments
  and ``'``, ``"``, triple-quoted and backtick strings, and returns the code with
  every string emptied and every comment blanked, newlines kept.

Every pattern here either consumes at least one character or always succeeds
(an unterminated string runs to the end of its line, or of the input for triple
quotes), so no input makes them backtrack quadratically.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "DECISION_KEYWORDS",
    "KIND_WORDS",
    "mask_generic",
    "marker_words",
    "name_words",
    "scan_python",
]

# String bodies written as "unrolled loops" (normal* (special normal*)*): linear.
_TRIPLE_SQ: Final = r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)"
_TRIPLE_DQ: Final = r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)'
_SINGLE_SQ: Final = r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'?"
_SINGLE_DQ: Final = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
_BACKTICK: Final = r"`[^`\\]*(?:\\.[^`\\]*)*`?"

#: Hard keywords that open a decision (``and`` / ``or`` join two operands).
DECISION_KEYWORDS: Final = ("if", "elif", "for", "while", "except", "and", "or")
# Every top-level alternative starts with a literal character, so the regex
# engine skips ahead with a first-character set instead of trying every position
# (a group around an alternative would defeat that). A keyword must not follow a
# word character: the lookbehind sits after its first letter. Keywords sharing a
# first letter share one alternative (``elif`` / ``except``). Group 1 is a
# comment, groups 2 and up are keywords, a match without a group is a string.
_INITIALS: Final = dict.fromkeys(w[0] for w in DECISION_KEYWORDS)
_KEYWORDS: Final = "|".join(
    rf"{c}(?<!\w{c})({'|'.join(w[1:] for w in DECISION_KEYWORDS if w[0] == c)})\b"
    for c in _INITIALS
)
_PYTHON: Final = re.compile(
    rf"{_TRIPLE_SQ}|{_TRIPLE_DQ}|{_SINGLE_SQ}|{_SINGLE_DQ}|#([^\r\n]*)|{_KEYWORDS}",
    re.DOTALL,
)
# The same without keywords, when complexity cannot change a score (about three
# times cheaper: quotes and '#' are rare, keyword initials are not).
_PYTHON_COMMENTS: Final = re.compile(
    rf"{_TRIPLE_SQ}|{_TRIPLE_DQ}|{_SINGLE_SQ}|{_SINGLE_DQ}|#([^\r\n]*)", re.DOTALL
)

# C preprocessor directives (at the start of a line) and Rust attributes start
# with '#' but are code.
_HASH_CODE: Final = (
    r"(?<![^\n])\#(?:include|define|undef|ifn?def|if|elif|else|endif|pragma|error|import)\b"
    r"|\#!?\["
)
_GENERIC: Final = re.compile(
    rf"(?P<s>{_TRIPLE_SQ}|{_TRIPLE_DQ}|{_SINGLE_SQ}|{_SINGLE_DQ}|{_BACKTICK})"
    rf"|(?P<k>{_HASH_CODE})"
    r"|(?P<c>#[^\r\n]*|//[^\r\n]*|/\*[^*]*(?:\*(?!/)[^*]*)*(?:\*/|\Z))",
    re.DOTALL,
)

#: The ONEX node kinds recognised in pattern names when no node type is given.
KIND_WORDS: Final = frozenset({"effect", "compute", "reducer", "orchestrator"})

_NAME_WORD: Final = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_MARKER: Final = re.compile(r"\b(TODO|FIXME|XXX)\b")


def scan_python(code: str, keywords: bool = True) -> tuple[list[tuple[int, str, bool]], list[int]]:
    """Return the comments and the decision keywords of valid Python source.

    Args:
        code: Source that :func:`ast.parse` accepted.
        keywords: Also find the decision keywords; when false, ``decisions`` is empty.

    Returns:
        ``(comments, decisions)``. ``comments`` holds one ``(line, text, own_line)``
        triple per comment in source order: ``line`` is 1-based, ``text`` starts
        with ``#``, and ``own_line`` is true when only blanks precede the comment on
        its line. ``decisions`` holds the line of each decision keyword (``if``,
        ``elif``, ``for``, ``while``, ``except``, ``and``, ``or``) outside strings
        and comments, in source order.
    """
    comments: list[tuple[int, str, bool]] = []
    decisions: list[int] = []
    line = 1
    last = 0  # start of the previous keyword or comment: everything scanned is after it
    count = code.count
    for m in (_PYTHON if keywords else _PYTHON_COMMENTS).finditer(code):
        kind = m.lastindex
        if kind is None:
            continue  # a string
        start = m.start()
        line += count("\n", last, start)
        if kind > 1:
            decisions.append(line)
        else:
            # Own line: a newline since the previous keyword, then only blanks.
            # Both searches stay within (last, start), so the scan stays linear.
            begin = code.rfind("\n", last, start) + 1
            own = (begin > 0 or last == 0) and (begin == start or code[begin:start].isspace())
            comments.append((line, m.group(), own))
        last = start
    return comments, decisions


def _blank(text: str) -> str:
    return "\n" * text.count("\n")


def mask_generic(code: str) -> tuple[str, list[tuple[int, str, bool]]]:
    """Return ``code`` with strings emptied and comments blanked, and the comments.

    Args:
        code: Any text (the fallback for code that does not parse as Python).

    Returns:
        ``(masked, comments)``: ``masked`` keeps every newline, so its line numbers
        are those of ``code``; a string becomes ``""`` (plus its newlines) and a
        comment becomes its newlines only. ``comments`` holds one
        ``(line, text, own_line)`` triple per comment, as :func:`python_comments`.
    """
    parts: list[str] = []
    comments: list[tuple[int, str, bool]] = []
    pos = 0  # end of the previous match: everything before it is done
    line = 1
    for m in _GENERIC.finditer(code):
        kind = m.lastgroup
        if kind == "k":
            continue
        start, end = m.span()
        parts.append(code[pos:start])
        line += code.count("\n", pos, start)
        text = m.group()
        if kind == "c":
            # Own line: a newline since the previous match, then only blanks
            # (both searches stay within (pos, start): linear overall).
            begin = code.rfind("\n", pos, start) + 1
            own = (begin > 0 or pos == 0) and (begin == start or code[begin:start].isspace())
            comments.append((line, text, own))
            parts.append(_blank(text))
        else:
            parts.append('""' + _blank(text))
        line += text.count("\n")
        pos = end
    parts.append(code[pos:])
    return "".join(parts), comments


def name_words(name: str) -> list[str]:
    """Split a pattern name into lower-case words (CamelCase, snake_case, digits).

    Args:
        name: A name such as ``UserAuthEffect``, ``user_auth_effect`` or ``HTTPEffect``.

    Returns:
        The words, lower-cased: ``["user", "auth", "effect"]``, ``["http", "effect"]``.
    """
    return [w.lower() for w in _NAME_WORD.findall(name)]


def marker_words(comment: str) -> list[str]:
    """Return the distinct ``TODO`` / ``FIXME`` / ``XXX`` words of a comment, in order.

    Args:
        comment: The text of one comment.

    Returns:
        The markers found as whole words (case-sensitive), each once.
    """
    found = _MARKER.findall(comment)
    return list(dict.fromkeys(found))
