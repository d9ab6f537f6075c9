"""The communes and wards of Đồng Tháp (after the 2025 merger), and matching what a producer types."""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import model_validator

from bot.content.base import ContentModel, Sourced, load_model
from bot.content.text import fold

NAME = "communes"
FILE = "communes.yaml"

_KIND_PREFIXES = ("thi tran ", "phuong ", "xa ", "tt ", "p ", "x ")


class Commune(ContentModel):
    """One commune (xã) or ward (phường); place names are proper nouns and are not translated."""

    code: str
    name: str
    kind: Literal["xa", "phuong"]
    former: list[str] = []

    @property
    def bare_name(self) -> str:
        """The name without "Xã"/"Phường", folded, for matching."""
        return _strip_kind(fold(self.name))


class CommuneList(Sourced):
    province: str
    communes: list[Commune]

    @model_validator(mode="after")
    def _unique(self) -> CommuneList:
        codes = [c.code for c in self.communes]
        dupes = {c for c in codes if codes.count(c) > 1}
        if dupes:
            raise ValueError(f"duplicate commune codes: {sorted(dupes)}")
        return self

    @cached_property
    def by_code(self) -> dict[str, Commune]:
        return {c.code: c for c in self.communes}

    def match(self, typed: str, limit: int = 3) -> list[Commune]:
        """Communes that best match what was typed, with or without diacritics or "xã"/"phường".

        An exact name match wins alone; otherwise names containing the typed words, then close
        spellings (typos), at most `limit`."""
        wanted = _strip_kind(fold(typed))
        if not wanted:
            return []
        exact = [c for c in self.communes if c.bare_name == wanted]
        if exact:
            # "xa my tho" means the commune Mỹ Thọ before the ward Mỹ Tho: the typed kind goes first.
            typed_kind = _typed_kind(fold(typed))
            exact.sort(key=lambda c: c.kind != typed_kind)
            return exact[:limit]
        former = [c for c in self.communes if any(_strip_kind(fold(f)) == wanted for f in c.former)]
        containing = [c for c in self.communes if wanted in c.bare_name and c not in former]
        found = former + containing
        if len(found) < limit:
            names: dict[str, list[Commune]] = {}
            for commune in self.communes:
                names.setdefault(commune.bare_name, []).append(commune)
            for name in difflib.get_close_matches(wanted, list(names), n=limit, cutoff=0.75):
                found.extend(c for c in names[name] if c not in found)
        return found[:limit]


def _typed_kind(folded: str) -> str:
    if folded.startswith(("xa ", "x ")):
        return "xa"
    if folded.startswith(("phuong ", "p ")):
        return "phuong"
    return ""


def _strip_kind(folded: str) -> str:
    """Drop a leading "xã", "phường", "thị trấn" (or p/x/tt) and a trailing "(…)" qualifier."""
    folded = folded.split(" (")[0]
    for prefix in _KIND_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix):]
    return folded


def load(root: Path) -> CommuneList:
    return load_model(CommuneList, root / FILE)
