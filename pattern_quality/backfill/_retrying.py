# Generated from pattern_quality/backfill/_retrying_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""Call a store again after a transient error, as a :class:`~.retry.RetryPolicy` says."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .._acompat import sleep
from .retry import RetryPolicy

__all__ = ["retrying"]

T = TypeVar("T")


def retrying(call: Callable[[], T], retry: RetryPolicy) -> tuple[T, int]:
    """Call ``call`` until it succeeds, it fails for good, or the attempts run out.

    Args:
        call: The store call, e.g. ``lambda: store.upsert(batch)``.
        retry: Which errors are retried and how long to wait before each retry.

    Returns:
        What ``call`` returned, and how many times it was retried.

    Raises:
        Exception: The last error, when it is not transient or no attempt is left.
    """
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return call(), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover
