"""Running ``pattern-quality`` as a real process in tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from pattern_quality._config import DATABASE_URL_ENV_VARS

#: A PostgreSQL URL on a closed port of this machine, with a password to hide.
CLOSED = "postgresql://alice:s3cret-pw@127.0.0.1:1/nowhere"


def clean_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without database URLs, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in DATABASE_URL_ENV_VARS}
    env.setdefault("PATTERN_QUALITY_EMBEDDED", "0")
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pattern_quality ARGS`` and return the finished process (text)."""
    return subprocess.run(
        [sys.executable, "-m", "pattern_quality", *args],
        env=dict(clean_env() if env is None else env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
