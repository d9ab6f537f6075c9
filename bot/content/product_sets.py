"""The 26 OCOP product sets (bộ sản phẩm) and suggesting one from the product name a producer types.

Codes, numbers, groups and names are official (QĐ 26 Phụ lục I, seen as a copy: `confirmed: false`); the
`examples` that drive `find_sets` are our own mapping of typical products and are only a suggestion the bot
asks the producer to confirm.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field

from bot.content import programme
from bot.content.base import ContentError, ContentErrors, ContentModel, Sourced, UText, load_model
from bot.content.text import fold

NAME = "product_sets"
FILE = "product_sets.yaml"

EXACT_MATCH = 1000
"""Score of a set one of whose examples is exactly what was typed."""

_STOP_WORDS = frozenset("san pham cua tui em minh lam ban la co cac va loai nha anh chi muon cho".split())
"""Words producers add around a product name ("sản phẩm xoài sấy của em") that say nothing about the set.
Not "toi": it is both "tôi" and "tỏi" (garlic)."""

_GENERIC_NAME_WORDS = frozenset("che bien tu khac va".split())
"""Words of set names shared by many sets ("chế biến từ ... khác"); "chè" is matched through examples."""

_TYPO_CUTOFF = 0.8

MIN_ALTERNATIVE_SCORE = 4
"""Below the best, a set is only suggested if it shares at least two words with one of its examples (or
contains one): a single shared word ("bình" in "lục bình" and "nước đóng bình") is noise."""


class ProductSet(Sourced):
    """One product set: its own score sheet, the unit a product is evaluated in."""

    code: Annotated[str, Field(pattern=r"^[IVX]+\.\d+(\.[a-z])?$")]
    number: Annotated[int, Field(ge=1)]
    group: str
    """Product group code from programme.yaml (thuc-pham, do-uong, ...)."""
    name: UText
    examples: Annotated[list[str], Field(min_length=1)]
    """Product names producers type (our mapping, not official); matched without diacritics."""

    @cached_property
    def _example_words(self) -> list[tuple[str, ...]]:
        return [tuple(_words(e)) for e in self.examples]

    @cached_property
    def _name_words(self) -> frozenset[str]:
        return frozenset(_words(self.name)) - _GENERIC_NAME_WORDS

    def score(self, query: tuple[str, ...]) -> int:
        """How well folded, stop-word-free query words fit this set; 0 = not at all.

        An example typed exactly wins outright. Otherwise examples found inside the query count 10 per query
        word they cover (longer, more specific examples win: "xoai say" beats "xoai"), plus 5 when one starts
        the query (the head noun comes first in Vietnamese: "nuoc mam ca loc" is a fish sauce), plus 2 per
        word shared with the best other example, plus 1 per word shared with the set's name."""
        query_set = set(query)
        covered: set[int] = set()
        starts_query = False
        shared = 0
        for example in self._example_words:
            if example == query:
                return EXACT_MATCH
            at = _find(query, example)
            if at >= 0:
                covered.update(range(at, at + len(example)))
                starts_query = starts_query or at == 0
            else:
                shared = max(shared, len(query_set & set(example)))
        return 10 * len(covered) + (5 if starts_query else 0) + 2 * shared + len(query_set & self._name_words)


class ProductSets(ContentModel):
    sets: list[ProductSet]

    @cached_property
    def by_code(self) -> dict[str, ProductSet]:
        return {s.code: s for s in self.sets}

    def in_group(self, group: str) -> list[ProductSet]:
        return [s for s in self.sets if s.group == group]

    @cached_property
    def _vocabulary(self) -> list[str]:
        words: set[str] = set()
        for product_set in self.sets:
            for example in product_set._example_words:
                words.update(example)
            words.update(product_set._name_words)
        return sorted(words)

    def find_sets(self, text: str, limit: int = 3) -> list[ProductSet]:
        """The sets that best fit a typed product name ("xoài sấy" → I.3.c first), best first, at most `limit`.

        Diacritics, case, punctuation and filler words are ignored; a word we do not know is replaced by a
        close known spelling ("nuoc mamm" → "nuoc mam"). Empty when nothing fits."""
        query = tuple(self._correct(w) for w in _words(text))
        if not query:
            return []
        scored = [(s.score(query), s.number, s) for s in self.sets]
        ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
        kept = ranked[:1] + [item for item in ranked[1:] if item[0] >= MIN_ALTERNATIVE_SCORE]
        return [s for _, _, s in kept[:limit]]

    def _correct(self, word: str) -> str:
        if len(word) < 3 or word in self._vocabulary:
            return word
        close = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=_TYPO_CUTOFF)
        return close[0] if close else word


def find_sets(product_sets: ProductSets, text: str, limit: int = 3) -> list[ProductSet]:
    """Module-level form of `ProductSets.find_sets`."""
    return product_sets.find_sets(text, limit)


def _words(text: str) -> list[str]:
    return [w for w in fold(text).split() if w not in _STOP_WORDS]


def _find(haystack: tuple[str, ...], needle: tuple[str, ...]) -> int:
    """Index where the word sequence `needle` starts inside `haystack`, or -1."""
    if not needle:
        return -1
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start : start + len(needle)] == needle:
            return start
    return -1


def check(model: ProductSets, path: Path, groups: set[str] | None) -> list[ContentError]:
    """Cross-checks pydantic cannot express, each naming its key: unique codes and numbers 1..N, known
    groups, one group per roman numeral, and no folded example shared by two sets."""
    errors: list[ContentError] = []
    seen_codes: dict[str, int] = {}
    seen_numbers: dict[int, int] = {}
    group_of_numeral: dict[str, tuple[str, int]] = {}
    example_owner: dict[tuple[str, ...], str] = {}
    for i, product_set in enumerate(model.sets):
        key = f"sets.{i}"
        if product_set.code in seen_codes:
            errors.append(
                ContentError(
                    path,
                    f"{key}.code",
                    f"duplicate code {product_set.code!r} (also sets.{seen_codes[product_set.code]})",
                )
            )
        seen_codes.setdefault(product_set.code, i)
        if product_set.number in seen_numbers:
            errors.append(
                ContentError(
                    path,
                    f"{key}.number",
                    f"duplicate number {product_set.number} (also sets.{seen_numbers[product_set.number]})",
                )
            )
        seen_numbers.setdefault(product_set.number, i)
        if groups is not None and product_set.group not in groups:
            errors.append(
                ContentError(
                    path,
                    f"{key}.group",
                    f"unknown product group {product_set.group!r}; known: {sorted(groups)}",
                )
            )
        numeral = product_set.code.split(".")[0]
        if numeral in group_of_numeral and group_of_numeral[numeral][0] != product_set.group:
            other_group, other = group_of_numeral[numeral]
            errors.append(
                ContentError(
                    path,
                    f"{key}.group",
                    f"{product_set.code} is in {product_set.group!r} but sets.{other} ({numeral}.*) is in {other_group!r}",
                )
            )
        group_of_numeral.setdefault(numeral, (product_set.group, i))
        for j, words in enumerate(product_set._example_words):
            if not words:
                errors.append(
                    ContentError(path, f"{key}.examples.{j}", "example has no words left after folding")
                )
            elif words in example_owner and example_owner[words] != product_set.code:
                errors.append(
                    ContentError(
                        path,
                        f"{key}.examples.{j}",
                        f"example {product_set.examples[j]!r} is also an example of {example_owner[words]}",
                    )
                )
            example_owner.setdefault(words, product_set.code)
    expected = set(range(1, len(model.sets) + 1))
    if set(seen_numbers) != expected:
        errors.append(
            ContentError(
                path,
                "sets",
                f"numbers must run 1..{len(model.sets)}; missing {sorted(expected - set(seen_numbers))}",
            )
        )
    return errors


def known_groups(root: Path) -> set[str] | None:
    """Product group codes from programme.yaml; None if that file is broken (reported by its own part)."""
    known = programme.load_or_none(root)
    return None if known is None else set(known.group_by_code)


def load(root: Path) -> ProductSets:
    path = root / FILE
    model = load_model(ProductSets, path)
    errors = check(model, path, known_groups(root))
    if errors:
        raise ContentErrors(errors)
    return model


def codes_or_none(root: Path) -> set[str] | None:
    """The product set codes (for other content naming sets); None if product_sets.yaml is broken (reported
    by its own part)."""
    try:
        return set(load(root).by_code)
    except ContentErrors:
        return None
