"""Babel catalogs and locale formatting.

Two kinds of msgid share the catalogs under content/locale/<lang>/LC_MESSAGES/*.po:
- code texts use symbolic ids (`menu.title`), present in every locale's catalogs;
- content texts are written in Vietnamese in content/*.yaml and that text is the msgid; the
  English catalogs (content_*.po) translate it, Vietnamese shows it as written.
Catalogs are read from .po at start (no compiled .mo to keep in sync); each capability has its own
.po file so work on one capability never touches another's catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from bot.content.text import N_  # noqa: F401 - the marker lives with the content that uses it too

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
_BABEL_LOCALES = {"vi": "vi_VN", "en": "en_US"}




class CatalogError(Exception):
    pass


def load_catalogs(locale_dir: Path) -> dict[str, dict[str, str]]:
    """{locale: {msgid: msgstr}} from every .po file; the same msgid translated two ways is an error."""
    catalogs: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        merged: dict[str, str] = {}
        origin: dict[str, str] = {}
        for path in sorted((locale_dir / locale / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
            for message in catalog:
                if not message.id or not message.string or message.fuzzy:
                    continue
                msgid, msgstr = str(message.id), str(message.string)
                if msgid in merged and merged[msgid] != msgstr:
                    raise CatalogError(f"{path.name} and {origin[msgid]} translate {msgid!r} differently")
                merged[msgid], origin[msgid] = msgstr, path.name
        catalogs[locale] = merged
    return catalogs


class _SafeValues(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """Renders msgids in one locale: `t("menu.title")`, `t("x.y", count=3)`, `t.content(vi_text)`."""

    def __init__(self, catalogs: Mapping[str, Mapping[str, str]], locale: str, timezone: str) -> None:
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._catalog = catalogs.get(self.locale, {})
        self._fallback = catalogs.get(DEFAULT_LOCALE, {})
        self._babel = Locale.parse(_BABEL_LOCALES[self.locale])
        self.tz = ZoneInfo(timezone)

    def __call__(self, msgid: str, /, **values: Any) -> str:
        text = self._catalog.get(msgid) or self._fallback.get(msgid) or msgid
        if not values:
            return text
        return text.format_map(_SafeValues({k: self._format_value(v) for k, v in values.items()}))

    def content(self, text: str) -> str:
        """A content text (Vietnamese source) in this locale."""
        if self.locale == DEFAULT_LOCALE:
            return text
        return self._catalog.get(text, text)

    def _format_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, (int, float, Decimal)):
            return self.number(value)
        return value

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self._babel)

    def datetime(self, value: datetime, fmt: str = "short") -> str:
        return format_datetime(value.astimezone(self.tz), format=fmt, locale=self._babel)

    def number(self, value: float | int | Decimal) -> str:
        return format_decimal(value, locale=self._babel)

    def money(self, value: float | int | Decimal) -> str:
        return format_currency(value, "VND", locale=self._babel)

    def percent(self, value: float) -> str:
        return format_percent(value, format="#,##0.0%", locale=self._babel)


class I18n:
    """The loaded catalogs; hands out a Translator per locale (cached)."""

    def __init__(self, locale_dir: Path, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self.catalogs = load_catalogs(locale_dir)
        self.timezone = timezone
        self._translator = cache(self._make)

    def _make(self, locale: str) -> Translator:
        return Translator(self.catalogs, locale, self.timezone)

    def translator(self, locale: str | None) -> Translator:
        return self._translator(locale or DEFAULT_LOCALE)
