"""``--shard K/N``: disjoint slices of the points, by pattern id (no I/O)."""

from __future__ import annotations

import uuid

import attrs

__all__ = ["Shard"]


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
