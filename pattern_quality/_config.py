"""Settings shared by the library and the CLI: database URL lookup, masking secrets.

Masking is by construction: messages never quote a connection string or a URL as
given. They quote :func:`describe_dsn` (rebuilt from the parsed, non-secret
fields) or :func:`describe_url` (scheme, host and port only), and driver text
only after :func:`scrub_secrets` removed every spelling of the password the
string may hold: the parsed one, the raw text between ``user:`` and ``@`` (first
and last ``@``), a key/value ``password=`` value up to the next ``key=`` (and each
of its words), and their percent-encoded and decoded forms. :func:`mask_dsn`
(pattern based) is a second net over any text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote, unquote, urlsplit

from .errors import ConfigurationError

__all__ = [
    "DATABASE_URL_ENV_VARS",
    "UNPARSEABLE_DSN",
    "describe_dsn",
    "describe_url",
    "dsn_problem",
    "mask_dsn",
    "resolve_database_url",
    "scrub",
    "scrub_secrets",
    "secrets_of",
]

#: Environment variables consulted, in order, when no database URL is given.
#: ``HOST_DATABASE_URL`` comes before ``DATABASE_URL`` as in the legacy tool
#: (docs/cli.md#the-database-url).
DATABASE_URL_ENV_VARS: tuple[str, ...] = (
    "PATTERN_QUALITY_DATABASE_URL",
    "HOST_DATABASE_URL",
    "DATABASE_URL",
)

# user:password@ in a URL, and password=... in a key/value connection string.
# Greedy to the last '@' of the word: an unencoded '@' or '/' in the password is masked too.
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#\s]*:)(?P<pw>\S*)@")
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


# --- masking by construction ------------------------------------------------------------

#: What a message says instead of a connection string that does not parse.
UNPARSEABLE_DSN: Final = "<a database URL that does not parse>"
#: The hint every refused connection string gets (its text is never quoted).
ENCODING_HINT: Final = (
    "percent-encode special characters of the password in a URL "
    "(% -> %25, @ -> %40, / -> %2F, space -> %20; urllib.parse.quote(password, safe='')), "
    "or quote it in a key=value string (password='...')"
)
# Shorter fragments are not masked on their own: they would mangle every message.
_MIN_FRAGMENT: Final = 3
_KV_VALUE = re.compile(
    r"\bpassword\s*=\s*(?P<value>'(?:[^'\\]|\\.)*'?|.*?)(?=\s+\w+\s*=|\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_QUERY_VALUE = re.compile(r"[?&]password=(?P<value>[^&#]*)", re.IGNORECASE)
_SAFE_FIELDS: Final = ("user", "host", "hostaddr", "port", "dbname")


def _parse(dsn: str) -> dict[str, str] | None:
    # psycopg loads on first use only: ``pattern-quality --help`` must stay light.
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    except (ProgrammingError, ValueError, TypeError):
        return None


def _is_url(dsn: str) -> bool:
    return dsn.lstrip().lower().startswith(("postgresql://", "postgres://"))


def secrets_of(dsn: str) -> set[str]:
    """Return every string that may be (part of) the password in ``dsn``.

    Args:
        dsn: A connection string or URL, well-formed or not.

    Returns:
        The candidate secrets, each at least 3 characters long.
    """
    found: set[str] = set()
    params = _parse(dsn)
    if params and params.get("password"):
        found.add(params["password"])
    if _is_url(dsn):
        rest = dsn.split("://", 1)[1]
        for at in {rest.find("@"), rest.rfind("@")} - {-1}:
            userinfo = rest[:at]
            if ":" in userinfo:
                password = userinfo.split(":", 1)[1]
                found.add(password)
                found.update(password.split())  # libpq quotes words of a spaced one
        found.update(m["value"] for m in _QUERY_VALUE.finditer(dsn))
    for match in _KV_VALUE.finditer(dsn):
        value = match["value"].strip()
        found.add(value)
        found.add(value.strip("'"))
        found.update(value.strip("'").split())
    spelled = set()
    for value in found:
        spelled.update({value, unquote(value), quote(value, safe=""), quote(value)})
    return {s for s in spelled if len(s) >= _MIN_FRAGMENT}


def scrub_secrets(text: str, *dsns: str | None) -> str:
    """Remove from ``text`` every candidate secret of the given connection strings.

    Args:
        text: A message, e.g. a driver's error text.
        *dsns: The connection strings the message may be about (``None`` skipped).

    Returns:
        The text with each candidate (longest first) replaced by ``***``.
    """
    secrets: set[str] = set()
    for dsn in dsns:
        if dsn:
            secrets |= secrets_of(dsn)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def dsn_problem(dsn: str) -> str | None:
    """Tell why ``dsn`` cannot be used, without quoting any of it.

    Args:
        dsn: A connection string or URL.

    Returns:
        ``None`` when it parses unambiguously, else a message that says what to fix.
    """
    params = _parse(dsn)
    if params is None:
        return (
            "invalid database URL: it does not parse (unencoded characters in the password, "
            f"an unclosed '[' in an IPv6 host, a word without '='?): {ENCODING_HINT}"
        )
    if _is_url(dsn) and any("@" in params.get(k, "") for k in ("host", "dbname")):
        # An '@' or '/' in the password moved part of it into the host or the database.
        return f"invalid database URL: it has an '@' after its host part: {ENCODING_HINT}"
    return None


def describe_dsn(dsn: str) -> str:
    """Describe a connection string for messages, from its non-secret fields only.

    Args:
        dsn: A connection string or URL.

    Returns:
        ``postgresql://user@host:port/dbname`` (the parts present), or
        :data:`UNPARSEABLE_DSN`; never a password, never the raw text.
    """
    params = _parse(dsn)
    if params is None or dsn_problem(dsn) is not None:
        return UNPARSEABLE_DSN
    secrets = secrets_of(dsn)
    safe = {k: v for k in _SAFE_FIELDS if (v := params.get(k)) and not any(s in v for s in secrets)}
    host = safe.get("host") or safe.get("hostaddr") or ""
    if host.startswith("/"):
        where = f"socket {host}" + (f" port {safe['port']}" if "port" in safe else "")
        user = f"{safe['user']}@" if "user" in safe else ""
        return f"postgresql://{user}localhost/{safe.get('dbname', '')} ({where})"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = f":{safe['port']}" if "port" in safe else ""
    user = f"{safe['user']}@" if "user" in safe else ""
    return f"postgresql://{user}{host}{port}/{safe.get('dbname', '')}"


def describe_url(url: str) -> str:
    """Describe an HTTP(S) URL (e.g. Qdrant's) as scheme, host and port only.

    Args:
        url: The URL as given, well-formed or not.

    Returns:
        ``scheme://host[:port]``, or ``<a URL that does not parse>``; never the
        user, password, path or query.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return "<a URL that does not parse>"
    if not parts.scheme or not host:
        return "<a URL that does not parse>"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")
