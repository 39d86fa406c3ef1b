"""What a command shows while it works: slow-step notices, the progress bar, warnings.

Only on a terminal (``stderr`` a tty) and never with ``--quiet``:
:func:`slow_notice` prints ``pattern-quality: connecting to ... …`` when a step
(connecting to PostgreSQL or Qdrant, loading a local Qdrant) is still running
after :data:`NOTICE_DELAY` seconds, and :class:`ProgressBar` is the backfill's
tqdm bar labelled with the collection being read and the rows stored and
patterns failed so far. :func:`plain_warnings` turns the libraries' warnings
(``warnings.warn`` in qdrant-client, ...) into one ``pattern-quality: warning:``
line each, once, without the source line Python would print.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, TextIO

from .._config import mask_dsn, scrub_secrets

__all__ = ["NOTICE_DELAY", "ProgressBar", "plain_warnings", "slow_notice", "tty"]

#: Seconds a step may take before :func:`slow_notice` says what is going on.
NOTICE_DELAY: Final = 0.75


def tty(stream: TextIO | None = None) -> bool:
    """Tell whether ``stream`` (default: ``sys.stderr``) is a terminal.

    Args:
        stream: The stream.

    Returns:
        ``True`` for a terminal; ``False`` for a pipe, a file, or a closed stream.
    """
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def slow_notice(message: str, *, enabled: bool, delay: float = NOTICE_DELAY) -> Iterator[None]:
    """Print ``pattern-quality: MESSAGE`` on stderr if the block is still running after ``delay``.

    Nothing is printed when the block ends in time, so a fast connection shows
    nothing; the line is never printed after the block ended.

    Args:
        message: What is going on, e.g. ``"connecting to PostgreSQL at postgresql://u@h/db …"``
            (already masked: no password).
        enabled: ``False`` prints nothing (not a terminal, ``--quiet``).
        delay: Seconds to wait before printing.

    Yields:
        Nothing; the block is the slow step.
    """
    if not enabled:
        yield
        return
    done = threading.Event()
    lock = threading.Lock()

    def show() -> None:
        if not done.wait(delay):
            with lock:
                if not done.is_set():
                    print(f"pattern-quality: {message}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=show, name="pattern-quality-notice", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with lock:
            done.set()
        thread.join()


class ProgressBar:
    """The backfill's progress bar on stderr, labelled with the collection and the counts.

    E.g. ``code_patterns:  42%|███  | 8400/20000 [00:03<00:04, stored 8,000, failed 3]``.

    Pass it as ``backfill(progress=...)``: it is called with the items read and,
    through :meth:`status`, told the collection being read and the counts.

    Args:
        total: Items the run will read (``None``: unknown).
        label: The label until the first status (the first collection).
    """

    def __init__(self, total: int | None, label: str) -> None:
        from tqdm import tqdm  # only when a bar is shown

        self._bar: Any = tqdm(
            total=total,
            unit="pattern",
            file=sys.stderr,
            dynamic_ncols=True,
            desc=label,
            postfix="stored 0, failed 0",
        )

    def __call__(self, read: int) -> None:
        """Advance by ``read`` items.

        Args:
            read: Items read since the previous call.
        """
        self._bar.update(read)

    def status(self, collection: str, stored: int, failed: int) -> None:
        """Label the bar with the collection being read and the counts so far.

        Args:
            collection: The collection of the last item read (``""``: keep the label).
            stored: Rows committed so far.
            failed: Patterns that could not be scored so far.
        """
        if collection:
            self._bar.set_description_str(collection, refresh=False)
        self._bar.set_postfix_str(f"stored {stored:,}, failed {failed:,}")

    def close(self) -> None:
        """Draw the final state and release the line."""
        self._bar.close()


_SHOWN: set[str] = set()


def _show(*dsns: str | None) -> Callable[..., None]:
    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = " ".join(mask_dsn(scrub_secrets(str(message), *dsns)).split())
        if text in _SHOWN:
            return
        _SHOWN.add(text)
        # stderr is gone: a warning is not worth a traceback
        with contextlib.suppress(OSError, ValueError):
            print(f"pattern-quality: warning: {text}", file=sys.stderr, flush=True)

    return show


def plain_warnings(*, every: bool, quiet: bool, dsns: tuple[str | None, ...] = ()) -> None:
    """Show warnings as one plain line each, once (passwords masked), from now on.

    Args:
        every: Every category (``-v``); otherwise only ``UserWarning`` and its
            subclasses (what libraries address to the user, such as
            qdrant-client's "Local mode is not recommended ..."), not
            deprecation, resource or runtime warnings.
        quiet: Show none (``--quiet``), unless ``every``.
        dsns: Connection strings whose passwords must never be printed.
    """
    _SHOWN.clear()  # once each per command
    warnings.showwarning = _show(*dsns)
    if every:
        warnings.simplefilter("always")  # the line is printed once per text by _show
    elif quiet:
        warnings.simplefilter("ignore")
    else:
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", category=UserWarning)
