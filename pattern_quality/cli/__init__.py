"""The ``pattern-quality`` command line. One module per command; see ``_app``."""

from __future__ import annotations

from ._app import main

__all__ = ["main"]
