"""Text helpers shared by matching code: fold Vietnamese typed any way to one comparable form."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase, drop diacritics (đ → d), drop punctuation, collapse spaces: "Phường Cao Lãnh" → "phuong cao lanh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", stripped.lower())).strip()


def clean_user_text(text: str, limit: int = 200) -> str:
    """Trim what a user typed for storage: printable characters only, spaces collapsed, at most `limit` chars."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", printable).strip()[:limit]


def N_(msgid: str) -> str:
    """Marks a catalog id for extraction where it is not passed to `t()` directly (tables, lists). Defined
    here, at the bottom of the tree, so content that names catalog ids (FAQ citations) needs no import from
    above; bot.core.i18n re-exports it."""
    return msgid
