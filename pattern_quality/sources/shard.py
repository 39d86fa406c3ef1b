"""``--shard K/N``: disjoint slices of the points, by pattern id (no I/O).

:func:`resolve_shard` is the one place the command line's three spellings meet:
``--shard K/N`` (1-based), ``--shard-count N --shard-index I`` (0-based) and
``--shard-count N`` alone, whose index is ``$JOB_COMPLETION_INDEX`` (0-based, set
by a Kubernetes Indexed Job; docs/scaling.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["JOB_COMPLETION_INDEX", "Shard", "resolve_shard"]

#: The environment variable a Kubernetes Indexed Job sets to the pod's 0-based index.
JOB_COMPLETION_INDEX: Final = "JOB_COMPLETION_INDEX"


@attrs.frozen(slots=True)
class Shard:
    """One of ``count`` disjoint slices of the points, by pattern id (``k/N``, 1-based).

    A point belongs to shard ``k`` of ``N`` when ``UUID(pattern_id).int % N == k - 1``,
    so every point belongs to exactly one shard, whatever the collection or id type.

    Attributes:
        index: ``k``, from 1 to ``count``.
        count: ``N``, at least 1.
    """

    index: int
    count: int

    def __attrs_post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"shard count must be an integer >= 1, got {self.count!r}")
        if (
            isinstance(self.index, bool)
            or not isinstance(self.index, int)
            or not 1 <= self.index <= self.count
        ):
            raise ValueError(f"shard index must be between 1 and {self.count}, got {self.index!r}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Parse ``"k/N"``.

        Args:
            text: E.g. ``"2/4"``.

        Returns:
            The shard.

        Raises:
            ValueError: Not of the form ``k/N`` with ``1 <= k <= N``.
        """
        index, sep, count = text.partition("/")
        try:
            if not sep:
                raise ValueError
            return cls(int(index), int(count))
        except ValueError:
            raise ValueError(
                f"invalid shard {text!r}: expected k/N with 1 <= k <= N, e.g. 1/4"
            ) from None

    @classmethod
    def of_index(cls, index: int, count: int) -> Shard:
        """Return the shard with the 0-based ``index`` of ``count`` (Kubernetes' numbering).

        Args:
            index: From 0 to ``count - 1``.
            count: At least 1.

        Returns:
            ``Shard(index + 1, count)``.

        Raises:
            ValueError: ``count`` < 1, or ``index`` outside ``0 .. count - 1``.
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"shard count must be an integer >= 1, got {count!r}")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
            raise ValueError(
                f"shard index must be between 0 and {count - 1} (0-based) for "
                f"{count} shard{'' if count == 1 else 's'}, got {index!r}"
            )
        return cls(index + 1, count)

    def owns(self, pattern_id: str) -> bool:
        """Return whether the pattern with this (canonical UUID) id is in this shard.

        Args:
            pattern_id: A UUID string.

        Returns:
            ``True`` when ``UUID(pattern_id).int % count == index - 1``.
        """
        return uuid.UUID(pattern_id).int % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def _parse_index(text: str, where: str, count: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(
            f"{where} must be a 0-based shard index between 0 and {count - 1}, got {text!r}"
        ) from None


def resolve_shard(
    shard: Shard | None,
    count: int | None,
    index: int | None,
    environ: Mapping[str, str],
) -> Shard | None:
    """Return the shard the options ask for, from whichever spelling was used.

    * ``--shard K/N`` alone: that shard (``$JOB_COMPLETION_INDEX`` is not read);
      with ``--shard-count`` too, the counts must agree.
    * ``--shard-count N --shard-index I``: shard ``I + 1`` of ``N``.
    * ``--shard-count N`` alone: the index is ``$JOB_COMPLETION_INDEX`` (0-based).
    * none of them: ``None`` (every point).

    Args:
        shard: ``--shard``.
        count: ``--shard-count``.
        index: ``--shard-index`` (0-based).
        environ: The environment (``os.environ``).

    Returns:
        The shard, or ``None``.

    Raises:
        ValueError: An actionable message: ``--shard`` with ``--shard-index``,
            ``--shard`` and ``--shard-count`` that disagree, ``--shard-index``
            without ``--shard-count``, ``--shard-count`` without any index, an
            index that is not an integer or not below the count, a count < 1.
    """
    if shard is not None:
        if index is not None:
            raise ValueError(
                "give either --shard K/N (1-based) or --shard-count N --shard-index I "
                "(0-based), not both"
            )
        if count is not None and count != shard.count:
            raise ValueError(
                f"--shard {shard} is one of {shard.count} shards but --shard-count is "
                f"{count}: give one of them (or the same count in both)"
            )
        return shard
    if count is None:
        if index is not None:
            raise ValueError("--shard-index I needs --shard-count N (how many shards there are)")
        return None
    if count < 1:
        raise ValueError(f"--shard-count must be an integer >= 1, got {count}")
    if index is None:
        raw = environ.get(JOB_COMPLETION_INDEX)
        if raw is None or not raw.strip():
            raise ValueError(
                f"--shard-count {count} needs this shard's 0-based index: pass "
                f"--shard-index I, or set ${JOB_COMPLETION_INDEX} (a Kubernetes Indexed "
                "Job sets it in every pod)"
            )
        index = _parse_index(raw, f"${JOB_COMPLETION_INDEX}", count)
        if not 0 <= index < count:
            raise ValueError(
                f"${JOB_COMPLETION_INDEX} is {index}, not below --shard-count {count}: "
                f"the Job's completions must equal --shard-count"
            )
    elif not 0 <= index < count:
        raise ValueError(
            f"--shard-index {index} is not a 0-based index below --shard-count {count} "
            f"(0 .. {count - 1})"
        )
    return Shard.of_index(index, count)
