"""Secrets never reach the log: a logging filter that redacts them from every record.

httpx logs `POST https://api.telegram.org/bot<TOKEN>/sendMessage` at INFO on every Bot API call, and a
traceback may quote a URL, a header or a JSON body. `install()` puts `RedactSecrets` on every handler of
the root logger (a filter on a logger does not see records propagated from child loggers; a handler's
filter sees them all), and `add_secrets()` adds the configured values (bot token, webhook secret, Zalo
app and OA secrets, refresh token, token key, web secret, the database password) to what is redacted.
Redacted whatever their value: anything shaped like a Telegram bot token, `access_token`/`refresh_token`/
`secret_key`/... in a query, a header or JSON, and the password of a database URL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"
_TELEGRAM_TOKEN = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,}")
_NAMED = re.compile(
    r"(?i)((?:access_token|refresh_token|secret_key|app_secret|oa_secret|secret_token|client_secret|password|"
    r"x-telegram-bot-api-secret-token|authorization)[\"']?\s*[:=]\s*[\"']?)([^\"'&\s,;}]+)")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@\s/]+)@")
MIN_SECRET = 6  # shorter configured values would mask ordinary words


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and its traceback text) with every secret masked. Never drops it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self._secrets |= {s for s in secrets if s and len(s) >= MIN_SECRET}

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = _TELEGRAM_TOKEN.sub(MASK, text)
        text = _NAMED.sub(lambda m: m.group(1) + MASK, text)
        return _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + "@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FILTER = RedactSecrets()


def install(logger: logging.Logger | None = None) -> RedactSecrets:
    """Put the one redacting filter on every handler of `logger` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER


def add_secrets(*secrets: str) -> None:
    """Redact these values too (configured tokens and keys), on every handler `install` covered."""
    _FILTER.add(secrets)


def settings_secrets(settings: object) -> list[str]:
    """The secret values among the settings (bot/core/config.py), the database password included."""
    names = ("telegram_token", "webhook_secret", "zalo_app_secret", "zalo_oa_secret", "zalo_refresh_token",
             "zalo_token_key", "web_secret")
    values = [str(getattr(settings, name, "") or "") for name in names]
    url = str(getattr(settings, "database_url", "") or "")
    match = _URL_PASSWORD.search(url)
    if match:
        values.append(match.group(2))
    return values
