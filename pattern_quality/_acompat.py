"""The few real differences between the async modules and the sync ones generated from them.

Async sources import the async names; ``tools/async_to_sync.py`` renames each to
its sync twin (``ALock`` -> ``Lock``, ``asleep`` -> ``sleep``), so a generated
module imports the sync names from here. Everything else in a generated module
is its async source without ``async`` and ``await`` (see docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import threading
import time

__all__ = ["ALock", "Lock", "asleep", "sleep"]

#: A lock held across awaits (``async with``), and its sync twin.
ALock = asyncio.Lock
Lock = threading.Lock

#: Wait some seconds without blocking the event loop, and its sync twin.
asleep = asyncio.sleep
sleep = time.sleep
