"""Loads every content file once, validates it, and exposes the parts by name (`content.communes`).

Each part lives in its own module with a `NAME` and a `load(root)` function; `PARTS` is the one
explicit list of what is loaded. A new kind of content adds a module and a line here.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

import content as _content_package
from bot.content import (
    calendar,
    communes,
    criteria,
    documents,
    eligibility,
    faq,
    product_sets,
    programme,
    reminders,
)
from bot.content.base import ContentError, ContentErrors, collect_texts

PARTS: list[ModuleType] = [
    programme, communes, product_sets, criteria, eligibility, documents, calendar, faq, reminders,
]

DEFAULT_ROOT = Path(_content_package.__file__).resolve().parent


class Content:
    """All loaded content. Attribute access returns the part of that name (`content.programme`)."""

    def __init__(self, root: Path, parts: dict[str, Any]) -> None:
        self.root = root
        self._parts = parts

    def __getattr__(self, name: str) -> Any:
        try:
            return self._parts[name]
        except KeyError:
            raise AttributeError(f"no content part named {name!r}") from None

    def texts(self) -> set[str]:
        """Every user-visible content text (the msgids the content catalogs must translate)."""
        found: set[str] = set()
        for part in self._parts.values():
            collect_texts(part, found)
        return found


def content_root() -> Path:
    """The content folder: OCOP_CONTENT_DIR if set, else the bundled one."""
    override = os.environ.get("OCOP_CONTENT_DIR")
    return Path(override) if override else DEFAULT_ROOT


def load_content(root: Path | None = None) -> Content:
    """Load and validate all parts; raises ContentErrors listing every problem in every file."""
    root = root or content_root()
    parts: dict[str, Any] = {}
    errors: list[ContentError] = []
    for module in PARTS:
        try:
            parts[module.NAME] = module.load(root)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ContentErrors(errors)
    return Content(root, parts)
