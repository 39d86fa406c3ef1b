"""Sync and async twins expose the same API; the core package does not need hypothesis."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PatternQualityScorer,
    PostgresQualityStore,
)
from pattern_quality.storage.base import AsyncQualityStore, QualityStore

TWINS = [
    (PostgresQualityStore, AsyncPostgresQualityStore),
    (InMemoryQualityStore, AsyncInMemoryQualityStore),
]
# Context-manager dunders map onto their async names; everything else keeps its name.
RENAMED = {"__enter__": "__aenter__", "__exit__": "__aexit__"}
SYNC_ONLY_KINDS = {"__init__", "from_pool"}  # constructors: plain calls in both twins


def public_api(cls: type) -> dict[str, Callable[..., Any]]:
    names = [n for n in dir(cls) if not n.startswith("_") or n in RENAMED or n == "__init__"]
    names += [n for n in RENAMED.values() if hasattr(cls, n)]
    return {n: getattr(cls, n) for n in names if callable(getattr(cls, n))}


def params(func: Callable[..., Any]) -> list[tuple[str, Any, Any, Any]]:
    sig = inspect.signature(func)
    return [(p.name, p.kind, p.default, p.annotation) for p in sig.parameters.values()]


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS, ids=lambda c: c.__name__)
def test_twins_have_the_same_methods(sync_cls: type, async_cls: type) -> None:
    sync_api = public_api(sync_cls)
    async_api = public_api(async_cls)
    assert {RENAMED.get(n, n) for n in sync_api} == set(async_api)


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS, ids=lambda c: c.__name__)
def test_twins_have_the_same_parameters(sync_cls: type, async_cls: type) -> None:
    async_api = public_api(async_cls)
    for name, method in public_api(sync_cls).items():
        twin = async_api[RENAMED.get(name, name)]
        if name == "from_pool":  # the pool type differs by design; names and defaults agree
            assert [p[:3] for p in params(method)] == [p[:3] for p in params(twin)]
            continue
        assert params(method) == params(twin), name


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS, ids=lambda c: c.__name__)
def test_async_twin_methods_are_awaitable(sync_cls: type, async_cls: type) -> None:
    for name, method in public_api(async_cls).items():
        if name in SYNC_ONLY_KINDS:
            assert not inspect.iscoroutinefunction(method), name
        elif name == "iter_all":
            assert inspect.isasyncgenfunction(method)
            assert inspect.isgeneratorfunction(getattr(sync_cls, name))
        else:
            assert inspect.iscoroutinefunction(method), name
            assert not inspect.iscoroutinefunction(getattr(sync_cls, RENAMED_BACK.get(name, name)))


RENAMED_BACK = {v: k for k, v in RENAMED.items()}


@pytest.mark.parametrize("cls", [PostgresQualityStore, InMemoryQualityStore])
def test_sync_stores_implement_the_protocol(cls: type) -> None:
    for name in ("upsert", "get", "get_many", "count", "iter_all", "delete", "close"):
        proto = params(getattr(QualityStore, name))
        assert [p[:2] for p in params(getattr(cls, name))] == [p[:2] for p in proto], name


@pytest.mark.parametrize("cls", [AsyncPostgresQualityStore, AsyncInMemoryQualityStore])
def test_async_stores_implement_the_protocol(cls: type) -> None:
    for name in ("upsert", "get", "get_many", "count", "iter_all", "delete", "close"):
        proto = params(getattr(AsyncQualityStore, name))
        assert [p[:2] for p in params(getattr(cls, name))] == [p[:2] for p in proto], name


def test_scorer_store_api_twins() -> None:
    async_method = PatternQualityScorer.store_quality_metrics
    sync_method = PatternQualityScorer.store_quality_metrics_sync
    assert inspect.iscoroutinefunction(async_method)
    assert not inspect.iscoroutinefunction(sync_method)
    assert params(async_method) == params(sync_method)
    assert [p[0] for p in params(async_method)] == ["self", "scores", "database_url"]


def test_core_package_does_not_import_hypothesis() -> None:
    code = (
        "import sys, pattern_quality, pattern_quality.storage; "
        "assert 'hypothesis' not in sys.modules, 'hypothesis imported'; "
        "assert 'pattern_quality.testing' not in sys.modules; print('clean')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert (out.returncode, out.stdout.strip()) == (0, "clean"), out.stderr
