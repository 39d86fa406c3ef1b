"""Parameters for fixtures that need a database for some of their values only."""

from __future__ import annotations

from typing import Any

import pytest


def store_kinds(*kinds: str) -> list[Any]:
    """Return fixture params for store kinds, the ``postgres*`` ones marked ``db``.

    Such a fixture asks for ``migrated_dsn`` with ``request.getfixturevalue``,
    which the automatic marking in conftest.py cannot see.
    """
    return [
        pytest.param(kind, marks=pytest.mark.db, id=kind) if kind.startswith("postgres") else kind
        for kind in kinds
    ]
