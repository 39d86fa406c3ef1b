"""Generate the bundled sample corpus ``pattern_quality/data/sample_patterns.json.gz``.

The corpus is synthetic but shaped like real ONEX pattern collections: effect,
compute, reducer and orchestrator nodes with ``async def execute_*`` methods,
docstrings, comments and type hints in varying amounts; stubs (``pass``,
``TODO``, ``...``, ``raise NotImplementedError``); undocumented snippets;
truncated previews as mapped from the legacy integer-id collections; varying
metadata, use cases, examples and confidence; and a handful of messy records
with ``None`` fields. Generation is seeded, so the output is byte-for-byte
reproducible.

Usage (from the repository root)::

    .venv/bin/python tests/data/generate_sample_corpus.py          # rewrite the file
    .venv/bin/python tests/data/generate_sample_corpus.py --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

SEED = 20240611
COUNTS = {"code_patterns": 620, "execution_patterns": 400}
OUTPUT = (
    Path(__file__).resolve().parents[2] / "pattern_quality" / "data" / "sample_patterns.json.gz"
)
LEGACY_NAMESPACE = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")

NODE_TYPES = ("effect", "compute", "reducer", "orchestrator")
METHODS = {
    "effect": "execute_effect",
    "compute": "execute_compute",
    "reducer": "execute_reduction",
    "orchestrator": "execute_orchestration",
}
SUFFIX = {
    "effect": "Effect",
    "compute": "Compute",
    "reducer": "Reducer",
    "orchestrator": "Orchestrator",
}
DOMAINS = [
    ("User", "Auth"),
    ("Payment", "Capture"),
    ("Order", "Fulfillment"),
    ("Inventory", "Sync"),
    ("Notification", "Dispatch"),
    ("Cache", "Invalidation"),
    ("Search", "Index"),
    ("Report", "Export"),
    ("Session", "Refresh"),
    ("Email", "Delivery"),
    ("Billing", "Invoice"),
    ("Shipping", "Quote"),
    ("Audit", "Log"),
    ("Feature", "Flag"),
    ("Rate", "Limit"),
    ("Webhook", "Relay"),
    ("File", "Upload"),
    ("Token", "Rotation"),
    ("Metrics", "Rollup"),
    ("Pricing", "Rule"),
    ("Cart", "State"),
    ("Tenant", "Provisioning"),
    ("Schema", "Migration"),
    ("Embedding", "Batch"),
    ("Pattern", "Quality"),
    ("Agent", "Routing"),
    ("Manifest", "Build"),
]
IMPORTS = [
    "import asyncio",
    "import logging",
    "import json",
    "from typing import Any",
    "from uuid import UUID",
    "from datetime import UTC, datetime",
    "from collections.abc import Mapping, Sequence",
    "import httpx",
    "from omnibase_core.nodes import NodeBase",
    "from omnibase_core.models import ModelContract",
    "from pydantic import BaseModel",
    "import psycopg",
]
BRANCH_LINES = [
    "if not {v}:",
    "if {v} is None:",
    "for item in {v}:",
    "while pending and retries < 3:",
    "if len({v}) > self.batch_size:",
    "for key, value in {v}.items():",
]
BODY_LINES = [
    "{v} = await self.client.fetch(contract.target)",
    "{v} = [r for r in rows if r.active]",
    "self.logger.debug('processing %s', {v})",
    "{v} = self._normalise(contract.payload)",
    "await self.bus.publish('{d}.done', {v})",
    "{v} = state.get('{d}', 0) + 1",
    "results.append({v})",
    "{v} = total / max(count, 1)",
    "retries += 1",
    "return {v}",
]
COMMENTS = [
    "# guard against an empty payload",
    "# the upstream API pages by cursor",
    "# keep the read and the write in one transaction",
    "# idempotent: safe to retry",
    "# see ADR-12 for the retry policy",
    "# NOTE: order matters for the reducer",
]
USE_CASES = [
    "Authenticate users against the identity provider",
    "Capture a payment after the order is confirmed",
    "Fan out notifications to every channel a user enabled",
    "Aggregate per-tenant metrics into hourly buckets",
    "Coordinate a multi-step checkout with compensation",
    "Refresh cached search results when the index changes",
    "Rotate API tokens before they expire",
    "Export a report as CSV for the finance team",
    "Route an agent request to the best-matching workflow",
    "Reduce a stream of cart events into the current cart",
]
DESCRIPTIONS = [
    "ONEX {t} node that handles {d} for the {a} workflow.",
    "Handles {d} with retries, structured logging and idempotent writes; used by the {a} "
    "service in production since the v2 rollout. Inputs are validated against the contract "
    "model and outputs are published on the event bus.",
    "{d} {t}.",
    "Pure {t} step for {d}: takes the contract payload, applies the {a} rules and returns a "
    "typed result without touching I/O, so it can be cached and tested in isolation.",
    "Legacy {d} helper kept for the {a} migration; scheduled for replacement.",
    "",
]
META_KEYS: list[tuple[str, list[Any]]] = [
    ("author", ["platform-team", "payments-team", "search-team", "agents-team"]),
    ("language", ["python"]),
    ("framework", ["onex", "fastapi", "none"]),
    ("source_file", ["nodes/{s}.py", "legacy/{s}.py", "services/{s}/node.py"]),
    ("tags", [["onex"], ["io", "retry"], ["pure"], ["workflow", "saga"], []]),
    ("created_at", ["2024-03-0{n}T10:00:00Z", "2024-11-1{n}T08:30:00Z"]),
    ("quality_gate", ["passed", "pending", "failed"]),
    ("reviewed", [True, False]),
]


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def branch_count(code: str) -> int:
    return sum(code.count(k) for k in ("if ", "for ", "while ", "except "))


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def body(self, node_type: str, domain: str, branches: int, comments: bool) -> list[str]:
        rng = self.rng
        var = rng.choice(["payload", "rows", "records", "events", "state", "result"])
        lines: list[str] = []
        if node_type == "effect" or rng.random() < 0.3:
            lines.append("try:")
            lines.append(f"    {var} = await self.client.fetch(contract.target)")
            lines.append("except TimeoutError as exc:")
            lines.append("    raise RuntimeError('upstream timed out') from exc")
            branches -= 1
        indent = ""
        for _ in range(max(branches, 0)):
            if comments and rng.random() < 0.3:
                lines.append(indent + rng.choice(COMMENTS))
            lines.append(indent + rng.choice(BRANCH_LINES).format(v=var))
            lines.append(indent + "    " + rng.choice(BODY_LINES[:-1]).format(v=var, d=domain))
            indent = "    " if rng.random() < 0.3 and not indent else ""
        for _ in range(rng.randint(1, 4)):
            lines.append(rng.choice(BODY_LINES[:-1]).format(v=var, d=domain))
        extra = rng.random()
        if extra < 0.12:  # swallowed errors: "pass" that is not a stub
            lines += ["try:", "    self.cache.evict(contract.key)", "except KeyError:", "    pass"]
        elif extra < 0.2:  # "pass" inside a word
            lines.append("password = self.secrets.get('db_password')")
        elif extra < 0.28:  # "..." in a type, and NotImplemented as a value
            lines.append("handler: Callable[..., Any] = self.handlers.get(contract.kind)")
        elif extra < 0.32:
            lines.append("if handler is NotImplemented:")
            lines.append("    return None")
        lines.append(f"return {var}")
        return lines

    def node_code(self, node_type: str, name: str, domain: str) -> tuple[str, int]:
        rng = self.rng
        documented = rng.random() < 0.65
        commented = rng.random() < 0.55
        typed = rng.random() < 0.7
        branches = rng.choice([0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 11])
        lines: list[str] = []
        if documented and rng.random() < 0.6:
            lines += [f'"""{name}: ONEX {node_type} node for {domain.lower()}."""', ""]
        if rng.random() < 0.85:
            lines += sorted(set(rng.sample(IMPORTS, rng.randint(1, 5))))
            lines.append("")
        lines.append(f"class Node{name}(NodeBase):")
        if documented:
            lines.append(
                f'    """{rng.choice(DESCRIPTIONS).format(t=node_type, d=domain, a="core")[:90]}"""'
            )
            lines.append("")
        method = (
            METHODS[node_type]
            if rng.random() < 0.8
            else rng.choice(["run", "execute", "process", METHODS[rng.choice(NODE_TYPES)]])
        )
        is_async = rng.random() < 0.9
        if typed:
            signature = f"def {method}(self, contract: ModelContract) -> dict[str, Any]:"
        else:
            signature = f"def {method}(self, contract):"
        lines.append("    " + ("async " if is_async else "") + signature)
        if documented and rng.random() < 0.7:
            lines.append(f'        """Run the {node_type} step."""')
        stub = rng.random()
        if stub < 0.09:
            lines.append("        pass")
        elif stub < 0.15:
            lines.append("        raise NotImplementedError")
        elif stub < 0.20:
            lines.append("        # TODO: implement")
            lines.append("        ...")
        else:
            body = self.body(node_type, domain.lower(), branches, commented)
            lines += ["        " + line for line in body]
            if rng.random() < 0.08:
                lines.insert(len(lines) - 1, "        # TODO: handle partial failures")
        if rng.random() < 0.35:
            lines.append("")
            if typed:
                lines.append(
                    "    def _normalise(self, value: Mapping[str, Any]) -> dict[str, Any]:"
                )
            else:
                lines.append("    def _normalise(self, value):")
            lines.append("        return {k.lower(): v for k, v in value.items()}")
        code = "\n".join(lines) + "\n"
        return code, branch_count(code)

    def snippet_code(self, domain: str) -> str:
        # Undocumented free functions, as pasted from a code base.
        rng = self.rng
        fn = snake(domain.replace(" ", ""))
        lines = [f"def {fn}(data):"]
        for _ in range(rng.randint(1, 6)):
            lines.append("    " + rng.choice(BRANCH_LINES).format(v="data"))
            lines.append("        data = " + rng.choice(["data[1:]", "sorted(data)", "list(data)"]))
        lines.append("    return data")
        return "\n".join(lines)

    def metadata(self, branches: int, slug: str) -> dict[str, Any]:
        rng = self.rng
        meta: dict[str, Any] = {}
        for key, values in rng.sample(META_KEYS, rng.randint(0, 6)):
            value = rng.choice(values)
            if isinstance(value, str):
                value = value.format(s=slug, n=rng.randint(1, 9))
            meta[key] = value
        roll = rng.random()
        actual = "low" if branches < 3 else "medium" if branches < 8 else "high"
        if roll < 0.45:
            meta["complexity"] = rng.choice([actual, actual.upper(), actual.capitalize()])
        elif roll < 0.65:
            meta["complexity"] = rng.choice([c for c in ("low", "medium", "high") if c != actual])
        return meta

    def pattern(self, collection: str) -> dict[str, Any]:
        rng = self.rng
        weights = [3, 3, 2, 2] if collection == "code_patterns" else [3, 1, 2, 4]
        node_type = rng.choices(NODE_TYPES, weights)[0]
        left, right = rng.choice(DOMAINS)
        domain = left + right
        name_style = rng.random()
        if name_style < 0.7:
            name = domain + SUFFIX[node_type]
        elif name_style < 0.8:
            name = snake(domain + SUFFIX[node_type])
        elif name_style < 0.9:
            name = domain + rng.choice(["Client", "Handler", "Service", "Helper"])
        else:
            name = domain + SUFFIX[rng.choice(NODE_TYPES)]
        kind = rng.random()
        if kind < 0.12:
            code = self.snippet_code(name)
            branches = branch_count(code)
        else:
            code, branches = self.node_code(node_type, name, left + " " + right)
        declared_type: str | None = node_type
        roll = rng.random()
        if roll < 0.2:
            declared_type = None
        elif roll < 0.4:
            declared_type = rng.choice([node_type.upper(), node_type.capitalize()])
        description = rng.choice(DESCRIPTIONS).format(t=node_type, d=domain, a=left.lower())
        return {
            "pattern_id": self.uuid(),
            "pattern_name": name,
            "code": code,
            "text": description,
            "metadata": self.metadata(branches, snake(domain)),
            "node_type": declared_type,
            "use_cases": rng.sample(USE_CASES, rng.choice([0, 0, 1, 1, 2, 3, 4])),
            "examples": [
                f"await Node{name}().{METHODS[node_type]}(contract)"
                for _ in range(rng.choice([0, 0, 1, 2, 3]))
            ],
            "confidence": round(rng.uniform(0.35, 0.99), 3),
        }

    def legacy_preview(self, point_id: int) -> dict[str, Any]:
        # A point of the legacy integer-id collections, after the legacy mapping
        # (docs/legacy.md#qdrant-points-to-patterns).
        rng = self.rng
        full = self.pattern("code_patterns")
        preview = full["code"][: rng.choice([120, 200, 300])]
        node_type = rng.choice([None, full["node_type"]])
        return {
            "pattern_id": str(uuid.uuid5(LEGACY_NAMESPACE, f"qdrant-pattern-{point_id}")),
            "pattern_name": "unnamed_pattern",
            "code": preview,
            "text": "",
            "metadata": {},
            "node_type": node_type,
            "use_cases": [],
            "examples": [],
            "confidence": round(rng.uniform(0.2, 0.9), 2),
        }

    def messy(self, collection: str) -> dict[str, Any]:
        record = self.pattern(collection)
        for key in self.rng.sample(sorted(set(record) - {"pattern_id"}), self.rng.randint(1, 5)):
            record[key] = None
        if self.chance(0.3):
            del record["confidence"]
        return record

    def collection(self, name: str, count: int) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for i in range(count):
            roll = self.rng.random()
            if roll < 0.06:
                records.append(self.legacy_preview(1000 * (len(name)) + i))
            elif roll < 0.08:
                records.append(self.messy(name))
            else:
                records.append(self.pattern(name))
        return records


def build_corpus(seed: int = SEED) -> dict[str, Any]:
    gen = Generator(seed)
    return {
        "format": 1,
        "seed": seed,
        "collections": {name: gen.collection(name, n) for name, n in COUNTS.items()},
    }


def encode(corpus: dict[str, Any]) -> bytes:
    raw = json.dumps(corpus, ensure_ascii=False, separators=(",", ":")).encode()
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(raw)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    args = parser.parse_args(argv)
    data = encode(build_corpus())
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is stale; rerun without --check", file=sys.stderr)
            return 1
        print(f"{args.output} is current")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    total = sum(COUNTS.values())
    print(f"wrote {args.output} ({total} patterns, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
