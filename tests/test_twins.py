"""Sync and async twins expose the same API; the core package does not need hypothesis.

Every twin is compared here: the generated ones (which match by construction,
so this guards the generator) and the hand-written ones (the backfill, the
filter, the scorer's store API, the shared-store helpers), whose only allowed
differences are listed in :data:`INTENDED`. Annotations are compared after
renaming the async names to their sync twins, as tools/async_to_sync.py does.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    AsyncQdrantPatternSource,
    AsyncQualityFilter,
    InMemoryQualityStore,
    PatternQualityScorer,
    PostgresQualityStore,
    QdrantPatternSource,
    QualityFilter,
    abackfill,
    amigrate,
    amigration_status,
    arollback,
    averify,
    backfill,
    migrate,
    migration_status,
    rollback,
    verify,
)
from pattern_quality.backfill._retrying import retrying
from pattern_quality.backfill._retrying_async import aretrying
from pattern_quality.backfill.steps import Batches
from pattern_quality.backfill.steps_async import AsyncBatches
from pattern_quality.projection.projector import QdrantProjector
from pattern_quality.projection.projector_async import AsyncQdrantProjector
from pattern_quality.projection.rebuild import project_stored, verify_projection
from pattern_quality.projection.rebuild_async import aproject_stored, averify_projection
from pattern_quality.sources.base import AsyncPatternSource, PatternSource
from pattern_quality.storage._connect import connect
from pattern_quality.storage._connect_async import aconnect
from pattern_quality.storage.base import AsyncQualityStore, QualityStore
from pattern_quality.storage.registry import astore_scores, store_scores
from tools.async_to_sync import NAMES

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


# --- every twin, against an explicit list of intended differences ----------------------

FUNCTIONS: list[tuple[Callable[..., Any], Callable[..., Any]]] = [
    (backfill, abackfill),
    (migrate, amigrate),
    (rollback, arollback),
    (migration_status, amigration_status),
    (verify, averify),
    (connect, aconnect),
    (retrying, aretrying),
    (store_scores, astore_scores),
    (project_stored, aproject_stored),
    (verify_projection, averify_projection),
]
CLASSES: list[tuple[type, type]] = [
    (PostgresQualityStore, AsyncPostgresQualityStore),
    (InMemoryQualityStore, AsyncInMemoryQualityStore),
    (QdrantPatternSource, AsyncQdrantPatternSource),
    (QdrantProjector, AsyncQdrantProjector),
    (QualityFilter, AsyncQualityFilter),
    (Batches, AsyncBatches),
    (PatternSource, AsyncPatternSource),
    (QualityStore, AsyncQualityStore),
]
#: (sync name, parameter or "return"): (sync annotation, async annotation, why).
INTENDED: dict[tuple[str, str], tuple[str, str, str]] = {
    ("backfill", "source"): (
        "PatternSource | Iterable[Item]",
        "AsyncPatternSource | AsyncIterable[Item] | Iterable[Item]",
        "abackfill also reads async iterables and synchronous sources",
    ),
    ("retrying", "call"): (
        "Callable[[], T]",
        "Callable[[], Awaitable[T]]",
        "the async loop awaits what the call returns",
    ),
}
#: Methods of an async twin that are plain functions there too.
PLAIN = {"__init__", "__aiter__", "from_pool", "from_url", "local", "projector", "qdrant_filter"}
#: A Protocol declares an async generator method as a plain one returning an async iterator.
PLAIN_IN = {(AsyncQualityStore, "iter_all")}
_DUNDERS = {"__init__", "__aenter__", "__aexit__", "__aiter__", "__enter__", "__exit__", "__iter__"}


def _sync_name(text: str) -> str:
    names = r"\b(" + "|".join(map(re.escape, NAMES)) + r")\b"
    return re.sub(names, lambda m: NAMES[m.group(1)], text)


def _shape(func: Callable[..., Any]) -> list[tuple[str, Any, Any, str]]:
    sig = inspect.signature(func)
    return [(p.name, p.kind, p.default, str(p.annotation)) for p in sig.parameters.values()] + [
        ("return", None, None, str(sig.return_annotation))
    ]


def _compare(name: str, sync: Callable[..., Any], asyn: Callable[..., Any]) -> None:
    sync_shape, async_shape = _shape(sync), _shape(asyn)
    assert [p[:3] for p in sync_shape] == [p[:3] for p in async_shape], name
    for (param, _, _, sync_ann), (_, _, _, async_ann) in zip(sync_shape, async_shape, strict=True):
        intended = INTENDED.get((name, param))
        if intended is not None:
            assert (sync_ann, async_ann) == intended[:2], (name, param)
        else:  # the same types, or their twins
            assert sync_ann in (async_ann, _sync_name(async_ann)), (name, param)


def _api(cls: type) -> dict[str, Any]:
    return {
        NAMES.get(n, n): getattr(cls, n)
        for n in dir(cls)
        if (not n.startswith("_") or n in _DUNDERS) and callable(getattr(cls, n))
    }


@pytest.mark.parametrize(("sync", "asyn"), FUNCTIONS, ids=lambda f: f.__name__)
def test_function_twins_have_the_same_signature(
    sync: Callable[..., Any], asyn: Callable[..., Any]
) -> None:
    assert inspect.iscoroutinefunction(asyn) and not inspect.iscoroutinefunction(sync)
    _compare(sync.__name__, sync, asyn)


@pytest.mark.parametrize(("sync", "asyn"), CLASSES, ids=lambda c: c.__name__)
def test_class_twins_have_the_same_methods_and_signatures(sync: type, asyn: type) -> None:
    sync_api, async_api = _api(sync), _api(asyn)
    assert sync_api.keys() == async_api.keys()
    for name, method in sync_api.items():
        twin = async_api[name]
        _compare(name, method, twin)
        async_name = next((a for a, s in NAMES.items() if s == name and a in _DUNDERS), name)
        if async_name in PLAIN or (asyn, name) in PLAIN_IN:
            assert not inspect.iscoroutinefunction(twin), name
        else:
            assert inspect.iscoroutinefunction(twin) or inspect.isasyncgenfunction(twin), name
            assert not inspect.iscoroutinefunction(method), name


def test_every_intended_difference_is_still_used() -> None:
    names = {f.__name__ for f, _ in FUNCTIONS}
    assert {name for name, _ in INTENDED} <= names
