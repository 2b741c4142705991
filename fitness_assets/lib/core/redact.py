"""Keep secrets out of messages: database passwords, webhook URLs, AWS keys.

`redact_url` shows what a URL points at without what unlocks it: a database URL keeps its user,
host, port and database (`postgresql://user:***@host:5432/db`); any other URL, such as a webhook,
keeps only its scheme and host (`https://hooks.example.com/***`), since its path carries the token.
`redact_text` replaces every secret it knows of (those given, and those in the environment) in a
message, traceback or log line, and masks the password of any `scheme://user:password@` URL.
"""

from __future__ import annotations

import os
import re
from typing import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

MASK = "***"
# Shorter values would mask ordinary words; a URL's password is masked by pattern whatever its length.
MIN_SECRET_LENGTH = 4
DATABASE_URL_VARIABLES = ("FITNESS_DATABASE_URL", "DAGSTER_PG_URL", "FITNESS_BENCH_DATABASE_URL")
WEBHOOK_URL_VARIABLES = ("FITNESS_ALERT_WEBHOOK_URL",)
_SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PASSPHRASE|PRIVATE_KEY|API_KEY")
_SECRET_QUERY_KEYS = {"password", "sslpassword", "passfile", "token", "key", "secret", "sig", "signature"}
# scheme://user:password@ : the password is everything up to the last @ before the host.
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'\"]*:)(?P<password>[^\s/'\"]+)@")


def _mask_netloc(netloc: str, keep_user: bool = True) -> str:
    """Mask the password; outside database URLs the user part goes too (`https://KEY@host`
    carries a key where a user name would be)."""
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        return netloc
    if not keep_user:
        return f"{MASK}@{hostport}"
    user, colon, _ = userinfo.partition(":")
    return f"{user}:{MASK}@{hostport}" if colon else f"{user}@{hostport}"


def _is_database(scheme: str) -> bool:
    """Database URLs keep their path (the database name); any other URL's path may be a token,
    whatever its scheme (a webhook URL with a typo, `htps://…`, included)."""
    return scheme.lower().startswith(("postgre", "pg"))


def _looks_like_token(piece: str) -> bool:
    """A path segment or query value that is a credential rather than a word like `hooks`."""
    return len(piece) >= 20 or (len(piece) >= 8 and any(c.isdigit() for c in piece))


def redact_url(url: str) -> str:
    """The URL without its secrets: the password of a database URL, the path and query of any
    other URL (a webhook's token lives there), and any password-like query parameter."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return MASK
    if not parts.scheme or not parts.netloc and "://" not in url:
        return MASK
    netloc = _mask_netloc(parts.netloc, keep_user=_is_database(parts.scheme))
    if not _is_database(parts.scheme):
        hidden = (parts.path not in ("", "/")) or parts.query or parts.fragment
        return f"{parts.scheme}://{netloc}/{MASK if hidden else ''}"
    query = "&".join(f"{k}={MASK if k.lower() in _SECRET_QUERY_KEYS else v}"
                     for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that must not be shown: its password, and unless it is a database URL
    its path, token-like path segments and query values (a webhook's token)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return [url]
    found = []
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        user, _, password = userinfo.partition(":")
        # A password equal to a part the messages show anyway (docker-compose's fitness:fitness)
        # would otherwise mask that word in every message; the URL pattern still masks it in URLs.
        shown = {unquote(user), hostport.partition(":")[0], unquote(parts.path.lstrip("/"))}
        found += [p for p in {password, unquote(password)} if p not in shown]
    found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() in _SECRET_QUERY_KEYS]
    if not _is_database(parts.scheme):
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        pieces = [*parts.path.split("/"), *(v for _, v in parse_qsl(parts.query, keep_blank_values=True))]
        found += [tail, *(p for p in pieces if _looks_like_token(p))]
    return [s for s in found if len(s) >= MIN_SECRET_LENGTH]


def environment_secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Secret values in the environment: passwords in the database URLs, the webhook URL and its
    token, and every variable named like a secret (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, …)."""
    env = os.environ if environ is None else environ
    found = []
    for name in (*DATABASE_URL_VARIABLES, *WEBHOOK_URL_VARIABLES):
        if env.get(name):
            found += url_secrets(env[name])
    for name in WEBHOOK_URL_VARIABLES:
        if env.get(name):
            found.append(env[name])
    found += [value for name, value in env.items() if _SECRET_NAME.search(name.upper()) and value]
    return found


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret masked: `secrets` (URLs are masked as by redact_url, their
    secret parts wherever they occur), the environment's secrets, and any URL's password."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)
    values: set[str] = set()
    urls: set[str] = set()
    for secret in [*secrets, *environment_secrets()]:
        if not secret:
            continue
        if "://" in secret:
            urls.add(secret)
            values.update(url_secrets(secret))
        elif len(secret) >= MIN_SECRET_LENGTH:
            values.add(secret)
    for url in sorted(urls, key=len, reverse=True):
        text = text.replace(url, redact_url(url))
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
