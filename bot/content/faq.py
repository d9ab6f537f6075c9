"""Questions producers ask about OCOP, with short answers and their legal basis, plus the words they abbreviate.

The FAQ is the last stop of routing: free text that no flow is waiting for is matched against it. Each entry is
an official fact (or, with source "Trợ lý OCOP (hướng dẫn chung)", plain how-to advice) and says whether its
source was checked (see ocop-reference.md). `source` is where the fact comes from, for maintainers; `citations`
are what a producer reads under the answer: a decision and its articles, a page's title and site, or the
Assistant's own guidance, rendered in the producer's language by `render_citations`. `synonyms` maps what
producers type ("hs", "attp", "gcn"), folded, to the words the entries use, so matching can expand a question
before comparing it.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Protocol

from pydantic import field_validator, model_validator

from bot.content.base import (
    ContentError,
    ContentErrors,
    ContentModel,
    Sourced,
    UText,
    load_model,
    parse_model,
    read_yaml,
)
from bot.content.text import N_, fold

NAME = "faq"
FILE = "faq.yaml"
EXAMPLES_FILE = "faq_examples.yaml"

MIN_ENTRIES = 60
"""Fewer entries than this means the file was cut short (a bad merge, a truncated edit)."""

MAX_RELATED = 2
"""Related entries are offered as buttons under an answer; more than two crowds a phone screen."""

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBER = re.compile(r"^\d+(?:/\d{4})?/(QĐ|NQ)-[A-Za-zĐ0-9]+$")  # "26/2026/QĐ-TTg", "1663/NQ-UBTVQH15"
_ARTICLE = re.compile(r"^(\d+)(?:\.(\d+)(?:\.([a-zđ]))?)?$")  # "7.6.a": Điều 7 khoản 6 điểm a
_ROMAN = re.compile(r"^[IVX]+$")
_SITE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_DATE = re.compile(r"^(?:\d{2}/\d{2}/)?\d{4}$")
_LOOKS_LIKE_AN_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$|print-\d|\bbài [a-z]?\d+\b")
_KINDS = {"QĐ": N_("faq.cite.decision"), "NQ": N_("faq.cite.resolution")}
_ITEM, _ITEMS = N_("faq.cite.item"), N_("faq.cite.items")


class Translate(Protocol):
    """What rendering needs of a Translator: catalog ids, content texts, the locale."""

    locale: str

    def __call__(self, msgid: str, /, **values: object) -> str: ...

    def content(self, text: str) -> str: ...


class Citation(ContentModel):
    """One source as a producer reads it. Exactly one of: a legal text (`decision`, its official number, with
    `articles` like "7.6.a", an `annex` with its `form`, product `set` and `items`; `unchecked` when it was read
    only in an unchecked copy), a page or document (`title` as published, its `site` and `date`; `note`
    where the title is unknown), or `assistant`: the Assistant's own guidance."""

    decision: str | None = None
    date: str | None = None
    articles: list[str] = []
    annex: str | None = None
    form: str | None = None
    set: int | None = None
    items: list[str] = []
    unchecked: bool = False
    title: UText | None = None
    site: str | None = None
    url: str | None = None
    note: UText | None = None
    assistant: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Citation:
        kinds = [self.decision is not None, self.title is not None or self.site is not None, self.assistant]
        if sum(kinds) != 1:
            raise ValueError("a citation is one of: a decision, a page (title/site), or assistant: true")
        if self.decision is not None:
            if not _NUMBER.match(self.decision):
                raise ValueError(f"decision {self.decision!r}: the official number, like 26/2026/QĐ-TTg")
            if bad := [a for a in self.articles if not _ARTICLE.match(a)]:
                raise ValueError(f"articles {bad}: write Điều 7 khoản 6 điểm a as 7.6.a")
            if self.annex is not None and not _ROMAN.match(self.annex):
                raise ValueError(f"annex {self.annex!r}: a Roman numeral")
            if (self.form or self.set or self.items) and self.annex is None:
                raise ValueError("form, set and items belong to an annex")
        else:
            if self.articles or self.annex or self.form or self.set or self.items or self.unchecked:
                raise ValueError("articles, annex, form, set, items and unchecked belong to a decision")
        if self.site is not None:
            if not _SITE.match(self.site):
                raise ValueError(f"site {self.site!r}: the site's domain, like nld.com.vn")
            if self.title is None and self.note is None:
                raise ValueError("a page needs its title (or, when the title is unknown, a note saying what it is)")
        if self.title is not None and _LOOKS_LIKE_AN_ID.search(str(self.title)):
            raise ValueError(f"title {str(self.title)!r} looks like an internal id: give the page's title")
        if self.date is not None and not _DATE.match(self.date):
            raise ValueError(f"date {self.date!r}: DD/MM/YYYY or YYYY")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise ValueError("url must be http(s)")
        return self

    def render(self, t: Translate, *, with_decision: bool = True) -> str:
        """This source in the producer's language ("QĐ 26/2026/QĐ-TTg, Điều 7 khoản 6 điểm a" or
        "Decision 26/2026/QĐ-TTg, Article 7(6)(a)"; "“title” — site (date)"). Without `with_decision`, only
        where in the decision (for a second citation of the same one); the copy marker is the caller's."""
        if self.assistant:
            text = t("faq.cite.assistant")
        elif self.decision is not None:
            kind = _NUMBER.match(self.decision).group(1)  # type: ignore[union-attr]
            parts = [t(_KINDS[kind], number=self.decision) + (" " + t("faq.cite.dated", date=self.date) if self.date else "")]
            parts = parts if with_decision else []
            parts += [_article(a, t) for a in self.articles]
            if self.annex:
                annex = [t("faq.cite.annex", annex=self.annex)]
                if self.form:
                    annex.append(t("faq.cite.form", form=self.form))
                if self.set:
                    annex.append(t("faq.cite.set", set=str(self.set)))
                if self.items:
                    msgid = _ITEMS if len(self.items) > 1 else _ITEM
                    annex.append(t(msgid, items=", ".join(self.items)))
                parts.append(" ".join(annex))
            text = ", ".join(parts)
        elif self.title is not None:
            where = f" — {self.site}" if self.site else ""
            text = t("faq.cite.page", title=t.content(self.title)) + where + (f" ({self.date})" if self.date else "")
        else:
            text = f"{self.site}" + (f" ({self.date})" if self.date else "")
        if self.note:
            plain = self.assistant or self.title is None
            text += f": {t.content(self.note)}" if plain else f" ({t.content(self.note)})"
        return text


def _article(article: str, t: Translate) -> str:
    number, clause, point = _ARTICLE.match(article).groups()  # type: ignore[union-attr]
    if point:
        return t("faq.cite.article_clause_point", article=number, clause=clause, point=point)
    if clause:
        return t("faq.cite.article_clause", article=number, clause=clause)
    return t("faq.cite.article", article=number)


def render_citations(citations: list[Citation], t: Translate) -> str:
    """Every source of an answer, in the producer's language, separated by semicolons; citations of the same
    decision in a row share its number, and an unchecked copy says so once, after the last of them."""
    rendered: list[str] = []
    for i, citation in enumerate(citations):
        again = i > 0 and citation.decision is not None and citation.decision == citations[i - 1].decision
        text = citation.render(t, with_decision=not again)
        last_of_decision = citation.decision is not None and (
            i + 1 == len(citations) or citations[i + 1].decision != citation.decision)
        if citation.unchecked and last_of_decision:
            text += " " + t("faq.cite.copy")
        rendered.append(text)
    return "; ".join(rendered)


class FaqEntry(Sourced):
    """One question and its answer. `keywords` are extra search words (diacritics optional);
    `related` names up to two other entries worth offering next."""

    id: str
    topic: str
    question: UText
    answer: UText
    citations: list[Citation]
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
        if not self.citations:
            raise ValueError("citations: at least one source the producer can read")
        return self


class Examples(ContentModel):
    """Questions as producers typed them, by the entry that answers them (content/faq_examples.yaml):
    the search matches new questions against them too. Not shown to anyone, so not translated."""

    examples: dict[str, list[str]] = {}

    @field_validator("examples")
    @classmethod
    def _examples_not_blank(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for entry_id, texts in value.items():
            if not texts or any(not fold(t) for t in texts):
                raise ValueError(f"{entry_id}: examples must be a list of non-blank questions")
            if len({fold(t) for t in texts}) != len(texts):
                raise ValueError(f"{entry_id}: the same example twice")
        return value


class Faq(ContentModel):
    entries: list[FaqEntry]
    synonyms: dict[str, str] = {}
    examples: dict[str, list[str]] = {}  # from EXAMPLES_FILE, checked against the entries in load()

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
        copies: dict[str, set[bool]] = {}
        for citation in (c for e in self.entries for c in e.citations if c.decision):
            copies.setdefault(citation.decision, set()).add(citation.unchecked)  # type: ignore[arg-type]
        if mixed := sorted(number for number, flags in copies.items() if len(flags) > 1):
            raise ValueError(f"decisions cited both as checked and as an unchecked copy: {mixed}")
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
    faq = load_model(Faq, root / FILE)
    path = root / EXAMPLES_FILE
    if not path.exists():
        return faq
    examples = parse_model(Examples, read_yaml(path), path).examples
    if unknown := sorted(set(examples) - set(faq.by_id)):
        raise ContentErrors([ContentError(path, f"examples.{entry_id}", "no FAQ entry has this id") for entry_id in unknown])
    return faq.model_copy(update={"examples": examples})
