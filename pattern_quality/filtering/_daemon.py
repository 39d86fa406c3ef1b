"""Worker threads that never hold the interpreter open: the sync filter's executor.

``concurrent.futures.ThreadPoolExecutor`` joins its threads at interpreter exit,
so one read stuck on a frozen server keeps a finished script alive. These
workers are daemon threads: at exit they are simply dropped (whatever they were
waiting on is abandoned, nothing is half-written: a store call is one
transaction that the server rolls back when the connection goes).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["DaemonExecutor"]

T = TypeVar("T")
_STOP = object()


class DaemonExecutor:
    """A fixed-size pool of daemon threads running submitted calls in order.

    Threads start on first use, at most ``max_workers`` of them.
    """

    def __init__(self, max_workers: int, name: str) -> None:
        """Create the pool (no thread starts yet).

        Args:
            max_workers: Most threads running calls at once.
            name: Prefix of the threads' names.
        """
        self._max = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``fn(*args)`` and return its future.

        Args:
            fn: The call.
            *args: Its arguments.

        Returns:
            The future of its result.

        Raises:
            RuntimeError: The pool is shut down.
        """
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a closed worker pool")
            self._queue.put((future, fn, args))
            if self._idle == 0 and len(self._threads) < self._max:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            else:
                self._idle = max(0, self._idle - 1)
        return future

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, fn, args = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
            with self._lock:
                self._idle += 1

    def shutdown(self, cancel_pending: bool = True) -> None:
        """Stop taking calls; idle threads exit, busy ones exit when their call returns.

        Never waits for a running call.

        Args:
            cancel_pending: Cancel the calls still queued.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = len(self._threads)
        if cancel_pending:
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP:
                    item[0].cancel()
        for _ in range(threads):
            self._queue.put(_STOP)
