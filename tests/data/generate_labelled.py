"""Generate the labelled evidence set ``tests/data/labelled/pairs.json`` for the rubrics.

Two kinds of pairs, each built from one template so that the twins differ *only*
in what the label says:

* ``degraded``: a complete pattern and its degraded twin: stubbed bodies (all
  methods or one), stripped docstrings (all or one public method's), stripped
  annotations (all, or the return annotations only). The complete twin is the
  better pattern, so a rubric should rank it strictly higher.
* ``false_positive``: a clean pattern and a twin that differs only in tokens that
  look like a defect to a substring scorer but are not one (``password`` /
  ``bypass`` identifiers, ``Callable[..., T]``, ``x[..., 0]``, ``#`` inside a
  string, dict literals and slices, keywords or ``TODO`` inside strings and
  comments, ``return NotImplemented`` in ``__eq__``). A rubric should score both
  twins identically.

Most patterns are ONEX nodes of the four types; a few pairs are truncated previews
(code that does not parse), which exercise the fallback. Everything is written out
from fixed tables (no randomness), so the output is byte-for-byte reproducible.

Usage (from the repository root)::

    .venv/bin/python tests/data/generate_labelled.py          # rewrite the file
    .venv/bin/python tests/data/generate_labelled.py --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "labelled" / "pairs.json"
NODE_TYPES = ("effect", "compute", "reducer", "orchestrator")
SUFFIX = {
    "effect": "Effect",
    "compute": "Compute",
    "reducer": "Reducer",
    "orchestrator": "Orchestrator",
}
EXECUTE = {
    "effect": "execute_effect",
    "compute": "execute_compute",
    "reducer": "execute_reduction",
    "orchestrator": "execute_orchestration",
}
DOMAINS = [
    ("UserAuth", "user authentication"),
    ("PaymentCapture", "payment capture"),
    ("OrderFulfillment", "order fulfillment"),
    ("InventorySync", "inventory sync"),
    ("NotificationDispatch", "notification dispatch"),
    ("SearchIndex", "search indexing"),
]
STUB_STYLES = ("pass", "...", "raise NotImplementedError", 'raise NotImplementedError("todo")')


@dataclass(frozen=True)
class Method:
    name: str
    params: tuple[tuple[str, str], ...]
    returns: str
    doc: str
    body: tuple[str, ...]
    is_async: bool = False


@dataclass(frozen=True)
class Spec:
    """One pattern template; the render options below degrade it."""

    node_type: str
    domain: str
    topic: str
    module_doc: str
    imports: tuple[str, ...]
    class_doc: str
    methods: tuple[Method, ...]
    declared: str
    long_text: bool
    snippet: bool = False
    script: tuple[str, ...] = ()
    extra_class_lines: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


def _bodies(node_type: str, topic: str) -> dict[str, tuple[str, ...]]:
    """The method bodies of one node type (lists of lines, indented by the renderer)."""
    execute = {
        "effect": (
            "# one round trip per attempt; the store is idempotent",
            "for attempt in range(self.retries):",
            "    try:",
            "        rows = await self.client.fetch(contract.target)",
            "    except TimeoutError:",
            "        continue",
            "    return {'ok': True, 'rows': rows, 'attempts': attempt + 1}",
            f"raise RuntimeError('{topic}: upstream unavailable')",
        ),
        "compute": (
            "# pure: no I/O, safe to cache",
            "values = [self._weight(v) for v in contract.values if v is not None]",
            "if not values:",
            "    return 0.0",
            "total = sum(values)",
            "return total / len(values) if self.normalise else total",
        ),
        "reducer": (
            "# events arrive in order; fold them into the state",
            "state = dict(contract.state)",
            "for event in contract.events:",
            "    if event.kind == 'add':",
            "        state[event.key] = state.get(event.key, 0) + event.amount",
            "    elif event.kind == 'remove' and event.key in state:",
            "        del state[event.key]",
            "return state",
        ),
        "orchestrator": (
            "# run the steps in order, compensate on failure",
            "done = []",
            "for step in self.steps:",
            "    try:",
            "        await step.run(contract)",
            "        done.append(step)",
            "    except Exception:",
            "        for finished in reversed(done):",
            "            await finished.compensate(contract)",
            "        raise",
            "return len(done)",
        ),
    }[node_type]
    helper = {
        "effect": (
            "if not payload:",
            "    return {}",
            "return {k.lower(): v for k, v in payload.items()}",
        ),
        "compute": ("if value < 0:", "    return 0.0", "return value * self.factor"),
        "reducer": ("merged = dict(left)", "merged.update(right)", "return merged"),
        "orchestrator": ("ready = [s for s in self.steps if s.enabled]", "return len(ready) > 0"),
    }[node_type]
    return {"execute": execute, "helper": helper}


def build_specs() -> list[Spec]:
    """Twenty-four templates: six domains x four node types, with varied shapes."""
    specs: list[Spec] = []
    for i, (domain, topic) in enumerate(DOMAINS):
        for j, node_type in enumerate(NODE_TYPES):
            n = i * len(NODE_TYPES) + j
            bodies = _bodies(node_type, topic)
            helper_sig = {
                "effect": (("payload", "dict[str, Any]"),),
                "compute": (("value", "float"),),
                "reducer": (("left", "dict[str, int]"), ("right", "dict[str, int]")),
                "orchestrator": (),
            }[node_type]
            helper_ret = {
                "effect": "dict[str, Any]",
                "compute": "float",
                "reducer": "dict[str, int]",
                "orchestrator": "bool",
            }[node_type]
            helper_name = {
                "effect": "normalise",
                "compute": "_weight",
                "reducer": "merge",
                "orchestrator": "is_ready",
            }[node_type]
            methods = [
                Method(
                    "__init__",
                    (("client", "Any"), ("retries", "int")),
                    "None",
                    "",
                    (
                        "self.client = client",
                        "self.retries = retries",
                        "self.steps: list[Any] = []",
                    ),
                ),
                Method(
                    EXECUTE[node_type],
                    (("contract", "Any"),),
                    "Any",
                    f"Run the {topic} {node_type} on one contract.",
                    bodies["execute"],
                    is_async=True,
                ),
                Method(
                    helper_name,
                    helper_sig,
                    helper_ret,
                    f"Helper of the {topic} {node_type}.",
                    bodies["helper"],
                ),
            ]
            if n % 3 == 0:
                methods.append(
                    Method(
                        "describe",
                        (),
                        "str",
                        "Return a one-line description.",
                        (f"return '{topic} {node_type} with ' + str(self.retries) + ' retries'",),
                    )
                )
            specs.append(
                Spec(
                    node_type=node_type,
                    domain=domain,
                    topic=topic,
                    module_doc=f"{topic.capitalize()} {node_type} node." if n % 2 == 0 else "",
                    imports=("from typing import Any",)
                    + (("import asyncio",) if n % 4 == 1 else ()),
                    class_doc=f"ONEX {node_type} node for {topic}.",
                    methods=tuple(methods),
                    declared=("low", "medium", "medium", "high")[n % 4],
                    long_text=n % 5 < 3,
                    meta={
                        "author": ("platform-team", "payments-team", "search-team")[n % 3],
                        "language": "python",
                        "framework": "onex",
                        "source_file": f"nodes/{domain.lower()}_{node_type}.py",
                    },
                )
            )
    return specs


SNIPPETS: dict[str, tuple[Method, Method]] = {
    "effect": (
        Method(
            "execute_effect",
            (("contract", "Any"),),
            "dict[str, Any]",
            "Send one {topic} request and return the decoded reply.",
            (
                "response = await contract.client.post(contract.url, json=contract.payload)",
                "if response.status_code >= 500:",
                "    raise RuntimeError('{topic}: upstream failed')",
                "return response.json()",
            ),
            is_async=True,
        ),
        Method(
            "build_headers",
            (("token", "str"),),
            "dict[str, str]",
            "Headers for an authenticated call.",
            ("return dict(authorization='Bearer ' + token)",),
        ),
    ),
    "compute": (
        Method(
            "execute_compute",
            (("contract", "Any"),),
            "float",
            "Weighted mean of the {topic} scores.",
            (
                "values = [float(v) for v in contract.values]",
                "return weighted(values, contract.weights)",
            ),
            is_async=True,
        ),
        Method(
            "weighted",
            (("values", "list[float]"), ("weights", "list[float]")),
            "float",
            "Mean of values weighted by weights (0.0 when the weights sum to 0).",
            (
                "total = sum(weights)",
                "if not total:",
                "    return 0.0",
                "return sum(v * w for v, w in zip(values, weights)) / total",
            ),
        ),
    ),
    "reducer": (
        Method(
            "execute_reduction",
            (("contract", "Any"),),
            "dict[str, int]",
            "Fold the {topic} events into the running totals.",
            (
                "state = dict(contract.state)",
                "for event in contract.events:",
                "    state[event.key] = state.get(event.key, 0) + event.amount",
                "return state",
            ),
            is_async=True,
        ),
        Method(
            "drop_empty",
            (("state", "dict[str, int]"),),
            "dict[str, int]",
            "Remove the keys whose total is zero.",
            ("return {k: v for k, v in state.items() if v}",),
        ),
    ),
    "orchestrator": (
        Method(
            "execute_orchestration",
            (("contract", "Any"),),
            "list[Any]",
            "Run the {topic} steps in order and collect their results.",
            (
                "results = []",
                "for step in contract.steps:",
                "    results.append(await step.run(contract))",
                "return results",
            ),
            is_async=True,
        ),
        Method(
            "count_failed",
            (("results", "list[Any]"),),
            "int",
            "How many steps returned a falsy result.",
            ("return sum(1 for r in results if not r)",),
        ),
    ),
}


SCRIPTS = {
    "effect": (
        "config = load_config(contract.path)",
        "retries = int(config.get('retries', 3))",
        "for channel in config.get('channels', []):",
        "    register(channel, retries)",
        "print('registered', len(config.get('channels', [])))",
    ),
    "compute": (
        "rows = read_rows(contract.path)",
        "scores = [row.score for row in rows if row.valid]",
        "mean = sum(scores) / len(scores) if scores else 0.0",
        "print('mean score', round(mean, 3))",
    ),
    "reducer": (
        "totals = dict()",
        "for event in read_events(contract.path):",
        "    totals[event.key] = totals.get(event.key, 0) + event.amount",
        "print(sorted(totals.items()))",
    ),
    "orchestrator": (
        "steps = plan(contract)",
        "while steps:",
        "    step = steps.pop(0)",
        "    run(step)",
        "print('done')",
    ),
}


def build_scripts() -> list[Spec]:
    """Four top-level scripts (no function, no annotation), one per node type."""
    return [
        Spec(
            node_type=node_type,
            domain=DOMAINS[3 + k % 3][0],
            topic=DOMAINS[3 + k % 3][1],
            module_doc="",
            imports=(),
            class_doc="",
            methods=(),
            declared="low",
            long_text=k % 2 == 0,
            script=SCRIPTS[node_type],
            meta={"author": "ops-team"},
        )
        for k, node_type in enumerate(NODE_TYPES)
    ]


def build_snippets() -> list[Spec]:
    """Twelve small module-level snippets: three domains x four node types."""
    specs: list[Spec] = []
    for i, (domain, topic) in enumerate(DOMAINS[:3]):
        for j, node_type in enumerate(NODE_TYPES):
            n = i * len(NODE_TYPES) + j
            methods = tuple(
                replace(
                    m,
                    doc=m.doc.replace("{topic}", topic),
                    body=tuple(b.replace("{topic}", topic) for b in m.body),
                )
                for m in SNIPPETS[node_type]
            )
            specs.append(
                Spec(
                    node_type=node_type,
                    domain=domain,
                    topic=topic,
                    module_doc=f"{topic.capitalize()} {node_type} snippet." if n % 3 == 0 else "",
                    imports=("from typing import Any",) if n % 2 == 0 else (),
                    class_doc="",
                    methods=methods,
                    declared="low",
                    long_text=n % 4 < 2,
                    snippet=True,
                    meta={"author": "agents-team", "language": "python"},
                )
            )
    return specs


def render(
    spec: Spec,
    *,
    stub: frozenset[str] = frozenset(),
    stub_style: int = 0,
    docs: bool = True,
    strip_doc: frozenset[str] = frozenset(),
    annotations: bool = True,
    returns: bool = True,
    execute_lines: tuple[str, ...] = (),
    truncate: bool = False,
) -> str:
    """Render a template as code, applying the degradations asked for."""
    lines: list[str] = []
    if spec.module_doc and docs:
        lines += [f'"""{spec.module_doc}"""', ""]
    if spec.imports:
        lines += [*spec.imports, "", ""]
    indent = ""
    if spec.script:  # top-level statements only: no function, no class
        lines += [*spec.extra_class_lines, *execute_lines, *spec.script]
        if truncate:
            lines.append("summary = format_summary(config,")
        return "\n".join(lines) + "\n"
    if spec.snippet:
        lines += [*spec.extra_class_lines, "", ""] if spec.extra_class_lines else []
    else:
        indent = "    "
        lines.append(f"class {spec.domain + SUFFIX[spec.node_type]}(NodeBase):")
        if docs:
            lines.append(f'    """{spec.class_doc}"""')
            lines.append("")
        for extra in spec.extra_class_lines:
            lines.append("    " + extra)
        if spec.extra_class_lines:
            lines.append("")
    for k, m in enumerate(spec.methods):
        params = [] if spec.snippet else ["self"]
        for name, annotation in m.params:
            params.append(f"{name}: {annotation}" if annotations else name)
        ret = f" -> {m.returns}" if annotations and returns else ""
        prefix = "async def" if m.is_async else "def"
        lines.append(f"{indent}{prefix} {m.name}({', '.join(params)}){ret}:")
        inner = indent + "    "
        if m.doc and docs and m.name not in strip_doc:
            lines.append(f'{inner}"""{m.doc}"""')
        if m.name in stub:
            lines.append(inner + STUB_STYLES[(stub_style + k) % len(STUB_STYLES)])
        else:
            body = list(m.body)
            if m.name == EXECUTE[spec.node_type] and execute_lines:
                body = [*execute_lines, *body]
            lines += [inner + b for b in body]
        lines += ["", ""] if spec.snippet else [""]
    if truncate:  # a preview cut in the middle of a signature: does not parse
        cut = "batch: list[" if spec.snippet else "self, batch: list["
        lines.append(f"{indent}def _flush({cut}")
    return "\n".join(lines).rstrip("\n") + "\n"


def pattern(spec: Spec, code: str, index: int) -> dict[str, Any]:
    name = spec.domain + SUFFIX[spec.node_type]
    text = (
        f"ONEX {spec.node_type} node that handles {spec.topic}: validates the contract, "
        "does its work with retries and structured logging, and returns a typed result."
        if spec.long_text
        else f"{spec.topic.capitalize()} {spec.node_type}."
    )
    return {
        "pattern_id": f"00000000-0000-4000-8000-{index:012d}",
        "pattern_name": name,
        "code": code,
        "text": text,
        "metadata": {**spec.meta, "complexity": spec.declared},
        "node_type": spec.node_type,
        "use_cases": [
            f"Handle {spec.topic} for the checkout flow",
            f"Replay {spec.topic} after an outage",
        ],
        "examples": [f"await node.{EXECUTE[spec.node_type]}(contract)"],
        "confidence": 0.8,
    }


def _pair_id(spec: Spec, label: str, truncate: bool) -> str:
    shape = "script" if spec.script else "snippet" if spec.snippet else "class"
    cut = "-truncated" if truncate else ""
    return f"{spec.domain.lower()}-{spec.node_type}-{shape}-{label}{cut}"


def degraded_pairs(specs: list[Spec]) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for n, spec in enumerate(specs):
        execute = EXECUTE[spec.node_type]
        public = [m.name for m in spec.methods if not m.name.startswith("_") and m.doc]
        variants: list[tuple[str, dict[str, Any]]] = [
            ("stub_all", {"stub": frozenset(m.name for m in spec.methods)})
            if n % 2 == 0
            else ("stub_one", {"stub": frozenset({execute})}),
            ("no_docstrings", {"docs": False})
            if n % 2 == 0
            else ("no_docstring_one", {"strip_doc": frozenset({public[-1]})}),
            ("no_annotations", {"annotations": False})
            if n % 3 != 2
            else ("no_return_annotations", {"returns": False}),
        ]
        if n % 4 == 0:
            helper = next(m for m in spec.methods if m.name not in (execute, "__init__"))
            variants.append(("stub_helper", {"stub": frozenset({helper.name})}))
        truncate = n % 6 == 5
        for label, options in variants:
            complete = render(spec, truncate=truncate)
            worse = render(spec, stub_style=n, truncate=truncate, **options)
            assert complete != worse, (spec.domain, label)
            pairs.append(
                {
                    "id": _pair_id(spec, label, truncate),
                    "kind": "degraded",
                    "label": label,
                    "node_type": spec.node_type,
                    "parses": not truncate,
                    "better": pattern(spec, complete, 2 * len(pairs)),
                    "worse": pattern(spec, worse, 2 * len(pairs) + 1),
                }
            )
    return pairs


#: (label, clean lines, noisy lines, class lines clean, class lines noisy, extra import)
FALSE_POSITIVES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "password_identifier",
        ("secret = contract.lookup('credential')",),
        ("password = contract.lookup('credential')",),
    ),
    (
        "bypass_identifier",
        ("skip_cache = bool(contract.flags)",),
        ("bypass_cache = bool(contract.flags)",),
    ),
    (
        "subscript_ellipsis",
        ("window = contract.frame[0, 0]",),
        ("window = contract.frame[..., 0]",),
    ),
    ("hash_in_string", ("color = 'ff8800'",), ("color = '#ff8800'",)),
    ("dict_literal", ("headers = dict(accept='json')",), ("headers = {'accept': 'json'}",)),
    ("slice", ("head = contract.rows[limit]",), ("head = contract.rows[1:limit]",)),
    (
        "keywords_in_string",
        ("note = 'retry when the store is down'",),
        ("note = 'retry if the store is down, for a while'",),
    ),
    (
        "keywords_in_comment",
        ("# fall back when the cache is cold",),
        ("# fall back if the cache is cold, or for a while",),
    ),
    ("todo_in_string", ("label = 'task list sync'",), ("label = 'TODO list sync'",)),
    ("ellipsis_in_string", ("status = 'loading'",), ("status = 'loading...'",)),
    (
        "class_import_in_string",
        ("reason = 'first rate data'",),
        ("reason = 'first class import of data'",),
    ),
    (
        "pass_in_string",
        ("hint = 'go around the cache'",),
        ("hint = 'pass through, bypass the cache'",),
    ),
]
#: Several false-positive tokens at once, as real code often has.
SEVERAL = (
    "several_tokens",
    (
        "secret = contract.lookup('credential')",
        "window = contract.frame[0, 0]",
        "label = 'task list sync'",
        "color = 'ff8800'",
    ),
    (
        "password = contract.lookup('credential')",
        "window = contract.frame[..., 0]",
        "label = 'TODO: raise NotImplementedError for unknown kinds'",
        "color = '#ff8800'",
    ),
)
CLASS_FALSE_POSITIVES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "callable_ellipsis",
        ("hook: Callable[[int], None] | None = None",),
        ("hook: Callable[..., None] | None = None",),
    ),
]
EQ_CLEAN = Method(
    "__eq__",
    (("other", "object"),),
    "bool",
    "",
    (
        "if not isinstance(other, type(self)):",
        "    return False",
        "return self.retries == other.retries",
    ),
)
EQ_NOISY = replace(
    EQ_CLEAN,
    body=(
        "if not isinstance(other, type(self)):",
        "    return NotImplemented",
        "return self.retries == other.retries",
    ),
)


def false_positive_pairs(
    specs: list[Spec], snippets: list[Spec], scripts: list[Spec], start: int
) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    index = start

    def add(
        label: str,
        spec_clean: Spec,
        spec_noisy: Spec,
        clean_lines: tuple[str, ...],
        noisy_lines: tuple[str, ...],
        truncate: bool,
    ) -> None:
        nonlocal index
        clean = render(spec_clean, execute_lines=clean_lines, truncate=truncate)
        noisy = render(spec_noisy, execute_lines=noisy_lines, truncate=truncate)
        assert clean != noisy and clean.count("\n") == noisy.count("\n"), label
        pairs.append(
            {
                "id": _pair_id(spec_clean, label, truncate),
                "kind": "false_positive",
                "label": label,
                "node_type": spec_clean.node_type,
                "parses": not truncate,
                "clean": pattern(spec_clean, clean, index),
                "noisy": pattern(spec_noisy, noisy, index + 1),
            }
        )
        index += 2

    def bases(k: int) -> list[tuple[Spec, bool]]:
        """Six bases per label: two classes, two snippets and two scripts, one of
        each truncated (a preview that does not parse)."""
        return [
            (specs[(k * 5) % len(specs)], False),
            (specs[(k * 5 + 7) % len(specs)], True),
            (snippets[(k * 5) % len(snippets)], False),
            (snippets[(k * 5 + 7) % len(snippets)], True),
            (scripts[k % len(scripts)], False),
            (scripts[(k + 1) % len(scripts)], True),
        ]

    for k, (label, clean_lines, noisy_lines) in enumerate([*FALSE_POSITIVES, SEVERAL]):
        for spec, truncate in bases(k):
            add(label, spec, spec, clean_lines, noisy_lines, truncate)
    k = len(FALSE_POSITIVES) + 1
    for label, clean_lines, noisy_lines in CLASS_FALSE_POSITIVES:
        for spec, truncate in bases(k):
            imports = (*spec.imports, "from collections.abc import Callable")
            add(
                label,
                replace(spec, imports=imports, extra_class_lines=clean_lines),
                replace(spec, imports=imports, extra_class_lines=noisy_lines),
                (),
                (),
                truncate,
            )
        k += 1
    for spec, truncate in bases(k)[:2]:  # __eq__ is a method: classes only
        add(
            "notimplemented_in_dunder",
            replace(spec, methods=(*spec.methods, EQ_CLEAN)),
            replace(spec, methods=(*spec.methods, EQ_NOISY)),
            (),
            (),
            truncate,
        )
    for spec, truncate in bases(k + 1)[:2]:
        add(
            "notimplemented_in_dunder",
            replace(spec, methods=(*spec.methods, EQ_CLEAN)),
            replace(spec, methods=(*spec.methods, EQ_NOISY)),
            (),
            (),
            truncate,
        )
    return pairs


def build() -> dict[str, Any]:
    """The whole evidence set as a JSON-ready mapping."""
    specs = build_specs()
    snippets = build_snippets()
    degraded = degraded_pairs(specs + snippets)
    scripts = build_scripts()
    false_positive = false_positive_pairs(specs, snippets, scripts, start=2 * len(degraded))
    return {
        "description": (
            "Labelled pairs for rubric evidence: 'degraded' pairs (the 'better' twin is the "
            "complete pattern) and 'false_positive' pairs (twins that differ only in tokens "
            "that are not defects). Generated by tests/data/generate_labelled.py."
        ),
        "pairs": degraded + false_positive,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = dumps(build())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
