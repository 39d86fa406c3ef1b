"""Call a store again after a transient error, as a :class:`~.retry.RetryPolicy` says."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from .._acompat import asleep
from .retry import RetryPolicy

__all__ = ["aretrying"]

T = TypeVar("T")


async def aretrying(call: Callable[[], Awaitable[T]], retry: RetryPolicy) -> tuple[T, int]:
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
            return await call(), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            await asleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover
