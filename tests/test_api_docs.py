"""docs/api.md names every public symbol and shows the real signature of every callable.

A *signature entry* is inline code at the start of a heading (``### `f(a, b=1)` ``)
or of a list item (``- `f(a, b=1)`: ...``). Its parameters are parsed as those of
a ``def`` and its defaults evaluated in the package's namespace, then compared
with :func:`inspect.signature`. Every entry must be right; every public function
and class (except exceptions, enums, protocols and attrs value objects, whose
fields must be named instead) needs at least one. ``Class.method(...)`` and
``module.function(...)`` (a submodule of the package) entries are checked too.
Exceptions must appear in the errors table with their real bases.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import pattern_quality

DOC = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
PUBLIC = sorted(set(pattern_quality.__all__) - {"__version__"})
NAMESPACE = {name: getattr(pattern_quality, name) for name in pattern_quality.__all__}
_MISSING = object()


def _prose(doc: str) -> str:
    return re.sub(r"```.*?```", "", doc, flags=re.DOTALL)  # fenced examples are not entries


def _entries(doc: str) -> list[tuple[str, str]]:
    """(dotted name, parameter text) of every signature entry."""
    found = []
    for line in _prose(doc).splitlines():
        match = re.match(r"\s*(?:#+|-)\s+`([A-Za-z_][\w.]*)\(", line)
        if not match:
            continue
        start = match.end()
        depth, end = 1, start
        while end < len(line) and depth:
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            end += 1
        found.append((match.group(1), line[start : end - 1]))
    return found


def _target(dotted: str) -> Any:
    """Resolve ``Name``, ``Name.method`` or ``module.function`` (a submodule of the package)."""
    head, _, rest = dotted.partition(".")
    obj: Any = getattr(pattern_quality, head, _MISSING)
    if obj is _MISSING or (rest and inspect.ismodule(obj) is False and not isinstance(obj, type)):
        try:
            obj = importlib.import_module(f"pattern_quality.{head}")
        except ImportError:
            return _MISSING
    for part in rest.split(".") if rest else ():
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def _documented(params: str) -> list[tuple[str, str, Any]]:
    args = ast.parse(f"def _({params}): pass").body[0].args  # type: ignore[attr-defined]
    out: list[tuple[str, str, Any]] = []
    positional = [*args.posonlyargs, *args.args]
    defaults = [_MISSING] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        out.append((arg.arg, "positional", default))
    if args.vararg:
        out.append((args.vararg.arg, "*args", _MISSING))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append((arg.arg, "keyword", _MISSING if default is None else default))
    if args.kwarg:
        out.append((args.kwarg.arg, "**kwargs", _MISSING))
    return [
        (name, kind, default if default is _MISSING else eval(ast.unparse(default), NAMESPACE))  # noqa: S307
        for name, kind, default in out
    ]


_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.VAR_POSITIONAL: "*args",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_KEYWORD: "**kwargs",
}


def _real(obj: Any) -> list[tuple[str, str, Any]]:
    sig = inspect.signature(obj)
    return [
        (p.name, _KINDS[p.kind], _MISSING if p.default is p.empty else p.default)
        for p in sig.parameters.values()
        if p.name not in ("self", "cls")
    ]


def _needs_entry(obj: Any) -> bool:
    if not callable(obj) or isinstance(obj, enum.EnumMeta) or attrs.has(obj):
        return False  # attrs value objects: their fields are named instead
    if isinstance(obj, type):
        return not (issubclass(obj, BaseException) or getattr(obj, "_is_protocol", False))
    return True


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_symbol_is_named(name: str) -> None:
    assert f"`{name}" in DOC, f"docs/api.md does not name {name}"


@pytest.mark.parametrize(("dotted", "params"), _entries(DOC), ids=lambda v: str(v)[:60])
def test_every_signature_entry_is_the_real_signature(dotted: str, params: str) -> None:
    obj = _target(dotted)
    assert obj is not _MISSING, f"docs/api.md shows {dotted}(...), which does not exist"
    assert _documented(params) == _real(obj), f"docs/api.md shows {dotted}({params})"


@pytest.mark.parametrize("name", [n for n in PUBLIC if _needs_entry(NAMESPACE[n])])
def test_every_public_callable_has_a_signature_entry(name: str) -> None:
    assert name in {dotted for dotted, _ in _entries(DOC)}, f"no `{name}(...)` entry in api.md"


@pytest.mark.parametrize(
    "name", [n for n in PUBLIC if attrs.has(NAMESPACE[n]) and not _needs_entry(NAMESPACE[n])]
)
def test_value_objects_have_every_field_named(name: str) -> None:
    missing = [f.name for f in attrs.fields(NAMESPACE[name]) if f"`{f.name}`" not in DOC]
    assert not missing, f"docs/api.md names no field {missing} of {name}"


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in PUBLIC
        if isinstance(NAMESPACE[n], type) and issubclass(NAMESPACE[n], BaseException)
    ],
)
def test_exceptions_are_in_the_errors_table_with_their_bases(name: str) -> None:
    row = next((r for r in DOC.splitlines() if r.startswith(f"| `{name}` |")), None)
    assert row is not None, f"{name} is not in the errors table of docs/api.md"
    bases = [b.strip(" `") for b in row.split("|")[2].split(",")]
    assert bases == [b.__name__ for b in NAMESPACE[name].__bases__]
