"""Contract metadata: the fields of a node's ``contract.yaml`` that a pattern carries.

A node class or a handler gets the metadata of the nearest ``contract.yaml`` in
its directory or a parent directory (within its package); a contract pattern gets
its own. Only the fields that describe the node are kept, flat, JSON-safe:
``contract_name``, ``node_type``, ``description``, ``contract_version``,
``node_version``, ``input_model``, ``output_model``, ``inputs``, ``outputs``,
``handler`` (module, class, input/output model), ``handler_operations``,
``subscribe_topics``, ``publish_topics``, ``descriptor`` and ``contract_path``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import yaml


def load_yaml(text: str) -> Any:
    """Parse YAML text; ``None`` when it does not parse (a pattern is still cut)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _version(value: Any) -> str | None:
    if isinstance(value, Mapping):
        parts = [value.get(k) for k in ("major", "minor", "patch")]
        if all(isinstance(p, int) for p in parts):
            return ".".join(str(p) for p in parts)
        return None
    return None if value is None else str(value)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _topics(contract: Mapping[str, Any], key: str) -> list[str]:
    bus = contract.get("event_bus")
    topics = bus.get(key) if isinstance(bus, Mapping) else None
    return [str(t) for t in topics] if isinstance(topics, list) else []


def contract_metadata(contract: Mapping[str, Any], contract_path: str) -> dict[str, Any]:
    """The flat metadata of one parsed contract.

    Args:
        contract: The parsed ``contract.yaml``.
        contract_path: Its path in the corpus (``package/dir/contract.yaml``).

    Returns:
        The fields listed in the module docstring that the contract has.
    """
    out: dict[str, Any] = {"contract_path": contract_path}
    for key, name in (("name", "contract_name"), ("node_type", "node_type")):
        if contract.get(key) is not None:
            out[name] = str(contract[key])
    if isinstance(contract.get("description"), str):
        out["description"] = " ".join(contract["description"].split())
    for key in ("contract_version", "node_version"):
        version = _version(contract.get(key))
        if version is not None:
            out[key] = version
    handler = contract.get("handler")
    if isinstance(handler, Mapping):
        out["handler"] = {
            k: str(handler[k])
            for k in ("module", "class", "name", "input_model", "output_model")
            if handler.get(k) is not None
        }
    for key in ("input_model", "output_model"):
        value = contract.get(key)
        if value is None and isinstance(handler, Mapping):
            value = handler.get(key)
        if value is not None:
            out[key] = _json_safe(value)
    for key in ("inputs", "outputs"):
        if contract.get(key) is not None:
            out[key] = _json_safe(contract[key])
    routing = contract.get("handler_routing")
    handlers = routing.get("handlers") if isinstance(routing, Mapping) else None
    if isinstance(handlers, list):
        operations = [h.get("operation") for h in handlers if isinstance(h, Mapping)]
        named = [str(o) for o in operations if o is not None]
        if named:
            out["handler_operations"] = named
    for key in ("subscribe_topics", "publish_topics"):
        topics = _topics(contract, key)
        if topics:
            out[key] = topics
    if isinstance(contract.get("descriptor"), Mapping):
        out["descriptor"] = _json_safe(contract["descriptor"])
    return out


def is_contract(parsed: Any) -> bool:
    """True for a parsed YAML that is a node contract."""
    return isinstance(parsed, Mapping) and "node_type" in parsed and "contract_version" in parsed


def nearest_contract(path: str, contracts: Mapping[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The metadata of the contract nearest to ``path``: its directory, then each parent.

    Args:
        path: A file's path in the corpus (``package/dir/file.py``).
        contracts: Contract metadata by the contract's directory.

    Returns:
        The metadata, or ``None`` when no directory up to the package's root has one.
    """
    directory = PurePosixPath(path).parent
    while True:
        found = contracts.get(str(directory))
        if found is not None:
            return found
        if directory.parent == directory or str(directory.parent) == ".":
            return None
        directory = directory.parent
