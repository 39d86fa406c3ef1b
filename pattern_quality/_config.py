"""Settings shared by the library and the CLI: database URL lookup, masking secrets."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from .errors import ConfigurationError

__all__ = ["DATABASE_URL_ENV_VARS", "mask_dsn", "resolve_database_url", "scrub"]

#: Environment variables consulted, in order, when no database URL is given.
#: ``HOST_DATABASE_URL`` comes before ``DATABASE_URL`` as in the legacy tool
#: (docs/cli.md#the-database-url).
DATABASE_URL_ENV_VARS: tuple[str, ...] = (
    "PATTERN_QUALITY_DATABASE_URL",
    "HOST_DATABASE_URL",
    "DATABASE_URL",
)

# user:password@ in a URL, and password=... in a key/value connection string.
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#\s]*:)(?P<pw>[^@/?#\s]*)@")
_KV_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE
)
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<pw>[^&#\s]*)", re.IGNORECASE)


def mask_dsn(text: str) -> str:
    """Replace every password in ``text`` with ``***``.

    Works on URLs (``postgresql://user:pw@host/db``, ``?password=pw``) and on
    key/value connection strings (``host=x password=pw``), also when they are
    embedded in a longer message.

    Args:
        text: A connection string or any message that may contain one.

    Returns:
        The text with passwords replaced by ``***``.
    """
    text = _URL_PASSWORD.sub(r"\g<head>***@", text)
    text = _QUERY_PASSWORD.sub(r"\g<head>***", text)
    return _KV_PASSWORD.sub(r"\g<head>***", text)


def resolve_database_url(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """Return the database URL to use.

    Args:
        explicit: A URL given by the caller; wins when non-empty.
        environ: The environment to read (defaults to ``os.environ``).

    Returns:
        ``explicit``, else the first non-empty of ``PATTERN_QUALITY_DATABASE_URL``,
        ``HOST_DATABASE_URL`` and ``DATABASE_URL``.

    Raises:
        ConfigurationError: None of them is set.
    """
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    for name in DATABASE_URL_ENV_VARS:
        value = env.get(name)
        if value:
            return value
    raise ConfigurationError(
        "no database URL configured: pass one explicitly (--database-url) or set "
        + " or ".join(DATABASE_URL_ENV_VARS)
    )


def scrub(text: str, secret: str | None) -> str:
    """Remove an API key and any URL password from ``text``.

    Args:
        text: A message.
        secret: The API key in use, or ``None``.

    Returns:
        The text with the key replaced by ``***`` and passwords masked.
    """
    if secret:
        text = text.replace(secret, "***")
    return mask_dsn(text)
