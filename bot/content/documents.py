"""The OCOP dossier as checklists: first time, upgrade and re-evaluation, filtered by producer type and group.

Items come in the order a producer gathers them (forms → gates → evidence → samples → submission); the
order is checked at load so `checklist` can simply filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from bot.content import criteria, eligibility, product_sets, programme
from bot.content.base import ContentError, ContentErrors, ContentModel, Sourced, UText, load_model

NAME = "documents"
FILE = "documents.yaml"

Kind = Literal["lan-dau", "nang-hang", "danh-gia-lai"]
KINDS: tuple[str, ...] = get_args(Kind)
"""First time, upgrade, re-evaluation (the three kinds of dossier in Mẫu 01)."""

Section = Literal["forms", "gates", "evidence", "samples", "submission"]
SECTIONS: tuple[str, ...] = get_args(Section)


class EligibilityAnswer(ContentModel):
    """An answer of the eligibility check (content/eligibility.yaml): question id and option codes."""

    question: str
    answers: list[str]


class Item(Sourced):
    """One thing to put in (or do with) the dossier."""

    id: str
    section: Section
    title: UText
    explanation: UText
    """What it is, where to get it, pitfalls."""
    gate: bool = False
    """Without it the dossier is rejected (only in the `gates` section)."""
    supports: list[str] = []
    """Criterion codes (product set #7 sheet) whose points this item is the evidence for."""
    expires: bool = False
    """The paper has an expiry date: the bot asks for it (and can remind before it)."""
    kinds: list[Kind] = list(KINDS)
    notes: dict[Kind, UText] = {}
    """Extra explanation for one kind of dossier."""
    only_types: list[str] = []
    except_types: list[str] = []
    only_groups: list[str] = []
    except_groups: list[str] = []
    topics: list[str] = []
    """Sheet topics (criteria/questions.yaml): only for product sets whose own score sheet has an item of one
    of them (the flowers' sheets have no quality declaration, so no declaration or lab test is asked)."""
    prefilled_by: EligibilityAnswer | None = None
    """The eligibility answer that says the producer has this paper: the checklist shows it as ready (pre-filled,
    changeable) until the producer marks it."""
    set_notes: dict[str, UText] = {}
    """Extra explanation for one product set (its sheet words the item differently: #21 "khi luật yêu cầu")."""

    def applies(
        self, kind: str, producer_type: str | None, group: str | None, sheet_topics: frozenset[str] | None = None
    ) -> bool:
        """Whether this item belongs in a `kind` dossier; an unknown type, group or sheet (None) filters nothing."""
        if kind not in self.kinds:
            return False
        if self.topics and sheet_topics is not None and not sheet_topics & set(self.topics):
            return False
        return _allowed(producer_type, self.only_types, self.except_types) and _allowed(
            group, self.only_groups, self.except_groups
        )

    def note_for(self, kind: str) -> UText | None:
        return self.notes.get(kind)  # type: ignore[call-overload]


class CriterionCodes(Sourced):
    codes: list[str]


class Documents(ContentModel):
    criteria: CriterionCodes
    items: list[Item]


def checklist(
    documents: Documents, kind: str, producer_type: str | None = None, group: str | None = None,
    sheet_topics: frozenset[str] | None = None,
) -> list[Item]:
    """The items of a `kind` dossier (lan-dau, nang-hang, danh-gia-lai) for this producer type, product group
    and own score sheet (`sheet_topics`: the topics of its items), in gathering order: forms, gates, evidence,
    samples, submission."""
    if kind not in KINDS:
        raise ValueError(f"unknown dossier kind {kind!r}; kinds: {KINDS}")
    return [item for item in documents.items if item.applies(kind, producer_type, group, sheet_topics)]


def _allowed(value: str | None, only: list[str], excluded: list[str]) -> bool:
    if value is None:
        return True
    if only and value not in only:
        return False
    return value not in excluded


def check(
    model: Documents, path: Path, known: programme.Programme | None,
    topics: set[str] | None = None, set_codes: set[str] | None = None,
    questions: dict[str, list[str]] | None = None,
) -> list[ContentError]:
    """Cross-checks, each naming its key: unique ids, sections in gathering order, `gate` exactly in the gates
    section, known criterion, producer type and group codes, notes only for kinds the item is in."""
    errors: list[ContentError] = []

    def error(key: str, message: str) -> None:
        errors.append(ContentError(path, key, message))

    codes = set(model.criteria.codes)
    types = set(known.producer_type_by_code) if known else None
    groups = set(known.group_by_code) if known else None
    seen: set[str] = set()
    last_section = 0
    for i, item in enumerate(model.items):
        key = f"items.{i}"
        if item.id in seen:
            error(f"{key}.id", f"duplicate item id {item.id!r}")
        seen.add(item.id)
        section = SECTIONS.index(item.section)
        if section < last_section:
            error(
                f"{key}.section",
                f"{item.section!r} after {SECTIONS[last_section]!r}: keep the order {list(SECTIONS)}",
            )
        last_section = max(last_section, section)
        if item.gate != (item.section == "gates"):
            error(f"{key}.gate", "gate must be true exactly for items in the gates section")
        for j, code in enumerate(item.supports):
            if code not in codes:
                error(f"{key}.supports.{j}", f"unknown criterion code {code!r}")
        for field, known_codes in (
            ("only_types", types),
            ("except_types", types),
            ("only_groups", groups),
            ("except_groups", groups),
        ):
            for j, code in enumerate(getattr(item, field)):
                if known_codes is not None and code not in known_codes:
                    error(f"{key}.{field}.{j}", f"unknown code {code!r}; known: {sorted(known_codes)}")
        for j, topic in enumerate(item.topics):
            if topics is not None and topic not in topics:
                error(f"{key}.topics.{j}", f"unknown sheet topic {topic!r} (criteria/questions.yaml)")
        if item.prefilled_by is not None and questions is not None:
            question = questions.get(item.prefilled_by.question)
            if question is None:
                error(f"{key}.prefilled_by.question", f"no eligibility question {item.prefilled_by.question!r}")
            else:
                for j, code in enumerate(item.prefilled_by.answers):
                    if code not in question:
                        error(f"{key}.prefilled_by.answers.{j}", f"{item.prefilled_by.question!r} has no option {code!r}")
        for code in item.set_notes:
            if set_codes is not None and code not in set_codes:
                error(f"{key}.set_notes.{code}", f"unknown product set {code!r}")
        for kind in item.notes:
            if kind not in item.kinds:
                error(f"{key}.notes.{kind}", f"note for a kind the item is not in (kinds: {item.kinds})")
    for kind in KINDS:
        sections = {item.section for item in model.items if kind in item.kinds}
        if "forms" not in sections or "submission" not in sections:
            error("items", f"the {kind} checklist needs at least a form and the submission step")
    return errors


def load(root: Path) -> Documents:
    path = root / FILE
    model = load_model(Documents, path)
    errors = check(model, path, programme.load_or_none(root), criteria.topic_names_or_none(root),
                   product_sets.codes_or_none(root), eligibility_options_or_none(root))
    if errors:
        raise ContentErrors(errors)
    return model


def eligibility_options_or_none(root: Path) -> dict[str, list[str]] | None:
    """Eligibility question ids and their option codes; None if eligibility.yaml is broken (reported there)."""
    try:
        return {q.id: q.option_codes for q in eligibility.load(root).questions}
    except ContentErrors:
        return None
