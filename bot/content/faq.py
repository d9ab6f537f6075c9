"""Questions producers ask about OCOP, with short answers and their legal basis, plus the words they abbreviate.

The FAQ is the last stop of routing: free text that no flow is waiting for is matched against it. Each entry is
an official fact (or, with source "Trợ lý OCOP (hướng dẫn chung)", plain how-to advice) and says whether its
source was checked (see ocop-reference.md). `synonyms` maps what producers type ("hs", "attp", "gcn"), folded,
to the words the entries use, so matching can expand a question before comparing it.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import field_validator, model_validator

from bot.content.base import ContentModel, Sourced, UText, load_model
from bot.content.text import fold

NAME = "faq"
FILE = "faq.yaml"

MIN_ENTRIES = 60
"""Fewer entries than this means the file was cut short (a bad merge, a truncated edit)."""

MAX_RELATED = 2
"""Related entries are offered as buttons under an answer; more than two crowds a phone screen."""

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FaqEntry(Sourced):
    """One question and its answer. `keywords` are extra search words (diacritics optional);
    `related` names up to two other entries worth offering next."""

    id: str
    topic: str
    question: UText
    answer: UText
    keywords: list[str] = []
    related: list[str] = []

    @field_validator("id", "topic")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} must be an ascii slug (lowercase letters, digits, hyphens)")
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, value: list[str]) -> list[str]:
        if any(not fold(k) for k in value):
            raise ValueError("keywords must not be blank")
        return value

    @model_validator(mode="after")
    def _related_shape(self) -> FaqEntry:
        if len(self.related) > MAX_RELATED:
            raise ValueError(f"related: at most {MAX_RELATED} entries")
        if self.id in self.related:
            raise ValueError("related must not name the entry itself")
        if len(set(self.related)) != len(self.related):
            raise ValueError("related: duplicate ids")
        return self


class Faq(ContentModel):
    entries: list[FaqEntry]
    synonyms: dict[str, str] = {}

    @field_validator("synonyms")
    @classmethod
    def _synonyms_folded(cls, value: dict[str, str]) -> dict[str, str]:
        for key, expansion in value.items():
            if key != fold(key) or not key:
                raise ValueError(
                    f"synonym key {key!r} must be folded (lowercase, no diacritics): {fold(key)!r}"
                )
            if not expansion or expansion != fold(expansion):
                raise ValueError(f"synonym {key!r}: expansion {expansion!r} must be folded and not empty")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Faq:
        if len(self.entries) < MIN_ENTRIES:
            raise ValueError(f"only {len(self.entries)} entries; at least {MIN_ENTRIES} expected")
        ids = [e.id for e in self.entries]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate entry ids: {dupes}")
        known = set(ids)
        missing = sorted({f"{e.id} -> {r}" for e in self.entries for r in e.related if r not in known})
        if missing:
            raise ValueError(f"related ids that do not exist: {missing}")
        return self

    @cached_property
    def by_id(self) -> dict[str, FaqEntry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def _synonym_pattern(self) -> re.Pattern[str] | None:
        # Longest keys first, whole words only, so "dkkd" wins over "dk" and "sp" never hits "spa".
        keys = sorted(self.synonyms, key=len, reverse=True)
        return re.compile(r"(?<!\S)(" + "|".join(map(re.escape, keys)) + r")(?!\S)") if keys else None

    def expand(self, folded: str) -> str:
        """A folded text with each abbreviation replaced once by its expansion ("hs ocop" → "ho so ocop")."""
        pattern = self._synonym_pattern
        return pattern.sub(lambda m: self.synonyms[m.group(1)], folded) if pattern else folded


def load(root: Path) -> Faq:
    return load_model(Faq, root / FILE)
