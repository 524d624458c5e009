"""Strict parsing of settings from the environment.

Every reader names the variable in its error, so a bad value stops start-up with a message
that says what to fix instead of surfacing later as a confusing failure.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


class EnvError(ImproperlyConfigured):
    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r} is not valid: expected {expected}.")
        self.name = name


def _raw(name: str, env: Mapping[str, str] | None) -> str | None:
    value = (os.environ if env is None else env).get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str, env: Mapping[str, str] | None = None) -> str:
    value = _raw(name, env)
    return default if value is None else value


def env_bool(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, env)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(name, value, "one of 1, 0, true, false, yes, no, on, off")


def env_int(
    name: str,
    default: int,
    env: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    value = _raw(name, env)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, value, "a whole number") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise EnvError(name, value, f"a whole number from {minimum} to {maximum}")
    return number


def env_list(name: str, default: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, env)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise EnvError(name, value, "a comma-separated list with no empty entries")
    return items


def env_timezone(name: str, default: str, env: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, env)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EnvError(name, value, "an IANA time zone such as Europe/London") from None
    return value


def env_database(
    name: str, default: str, env: Mapping[str, str] | None = None
) -> dj_database_url.DBConfig:
    value = env_str(name, default, env)
    scheme = urlsplit(value).scheme
    expected = "a URL such as sqlite:///path/db.sqlite3 or postgres://user@host:5432/name"
    if scheme not in DATABASE_SCHEMES:
        raise EnvError(name, value, expected)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception:  # dj-database-url raises several types for malformed URLs
        raise EnvError(name, value, expected) from None
    if not config.get("NAME"):
        raise EnvError(name, value, expected + " (with a database name)")
    return config


def env_email(name: str, default: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse an email URL into Django EMAIL_* settings.

    console:                      print messages to standard output (the default)
    locmem:                       keep messages in memory (tests)
    file:///var/mail/outbox       write each message to a file in that folder
    smtp://user:pass@host:25      plain SMTP; smtp+tls:// for STARTTLS, smtps:// for implicit TLS
    Add ?from=clinic@example.org to set the sender address.
    """
    value = env_str(name, default, env)
    parts = urlsplit(value)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    settings: dict[str, Any] = {}
    if "from" in query:
        settings["DEFAULT_FROM_EMAIL"] = query["from"]
        settings["SERVER_EMAIL"] = query["from"]
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise EnvError(
            name,
            value,
            "a URL starting console:, locmem:, file://, smtp://, smtp+tls:// or smtps://",
        )
    settings["EMAIL_BACKEND"] = backends[parts.scheme]
    if parts.scheme == "file":
        if not parts.path:
            raise EnvError(name, value, "file:///absolute/folder")
        settings["EMAIL_FILE_PATH"] = parts.path
    if parts.scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError:
            raise EnvError(name, value, "a port number between 1 and 65535") from None
        if not parts.hostname:
            raise EnvError(name, value, "smtp://user:password@host:port")
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 587),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtps",
        )
    return settings
