"""How a backfill retries a failed batch read or write: :class:`RetryPolicy`.

The policy is pure (which errors are transient, how long to wait); the retrying
loop is :mod:`._retrying_async` (and the generated :mod:`._retrying`).
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import ConfigurationError, PatternQualityError, StoreError, StoreTimeoutError

__all__ = ["DEFAULT_RETRY", "RetryPolicy"]


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@attrs.frozen(slots=True)
class RetryPolicy:
    """How failed batch reads and writes are retried: only transient errors, exponential backoff.

    A call is transient-failed when the store raises
    :class:`~pattern_quality.errors.DatabaseUnavailableError` (connection lost,
    refused or timed out, administrator shutdown), or, from a store that is not
    the library's, a :class:`ConnectionError` or :class:`TimeoutError`. Never
    retried: authentication and configuration errors
    (:class:`~pattern_quality.errors.ConfigurationError` and its children), a
    lock or statement timeout (:class:`~pattern_quality.errors.StoreTimeoutError`),
    validation errors, a missing schema and every other store error. Retrying is
    safe: a store call is atomic and re-writing the same scores leaves the same rows.

    Attributes:
        attempts: Total tries per batch, at least 1 (default 4: one try, 3 retries).
        initial_delay: Seconds before the first retry (default 0.5).
        multiplier: Factor between successive delays (default 2).
        max_delay: Upper bound of one delay in seconds (default 8).
    """

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    initial_delay: float = attrs.field(default=0.5, validator=_non_negative)
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1.0))
    max_delay: float = attrs.field(default=8.0, validator=_non_negative)

    def delays(self) -> list[float]:
        """Return the waits before each retry.

        Returns:
            ``attempts - 1`` delays in seconds.
        """
        out, delay = [], self.initial_delay
        for _ in range(self.attempts - 1):
            out.append(min(delay, self.max_delay))
            delay *= self.multiplier
        return out

    @staticmethod
    def is_transient(exc: BaseException) -> bool:
        """Tell whether a failed write may succeed when retried.

        Args:
            exc: What the store raised.

        Returns:
            ``True`` for :class:`DatabaseUnavailableError` and for a foreign
            store's connection or timeout errors; ``False`` for everything else.
        """
        if isinstance(exc, ConfigurationError | StoreTimeoutError):
            return False
        if isinstance(exc, StoreError):
            return isinstance(exc, ConnectionError)  # DatabaseUnavailableError only
        if isinstance(exc, PatternQualityError) and not isinstance(exc, ConnectionError):
            return False
        return isinstance(exc, ConnectionError | TimeoutError)


#: The policy of a backfill that names none: 0.5 s, 1 s, 2 s between four tries.
DEFAULT_RETRY = RetryPolicy()
