""" "Can my product take part in OCOP?": a short questionnaire as data, and the rules that judge the answers.

The product group is not asked here (the bot suggests it from the product name); `evaluate` takes it so
questions that do not apply to the group (food safety for tourism) are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from bot.content import programme
from bot.content.base import ContentError, ContentErrors, ContentModel, Sourced, UText, load_model

NAME = "eligibility"
FILE = "eligibility.yaml"

OPTION_LABEL_LIMIT = 60
"""Option labels become buttons."""

Level = Literal["blocker", "step", "ok"]
Verdict = Literal["eligible", "eligible_after_steps", "not_eligible"]
_LEVEL_ORDER = {"blocker": 0, "step": 1, "ok": 2}


class Option(ContentModel):
    code: str
    label: UText
    means: Literal["yes", "no"] | None = None
    """Typed yes/no words ("có rồi", "chưa", "ko"…) answer with this option (bot/core/typed.py)."""


class Question(ContentModel):
    id: str
    text: UText
    options: Annotated[list[Option], Field(min_length=2)]
    profile_field: Literal["producer_type"] | None = None
    """The answer can come from this field of the user's profile; option codes are that field's codes."""
    only_groups: list[str] = []
    except_groups: list[str] = []

    def applies_to(self, group: str | None) -> bool:
        """Whether to ask this question for a product of `group` (None = group not known yet: ask)."""
        if group is None:
            return True
        if self.only_groups and group not in self.only_groups:
            return False
        return group not in self.except_groups

    @cached_property
    def option_codes(self) -> list[str]:
        return [o.code for o in self.options]


class Condition(ContentModel):
    question: str
    answers: Annotated[list[str], Field(min_length=1)]


class Rule(Sourced):
    """One finding and when it applies: every `when` condition must hold."""

    id: str
    when: Annotated[list[Condition], Field(min_length=1)]
    level: Level
    gate: bool = False
    """The dossier is rejected without this: do it before filing."""
    min_stars: int | None = None
    """3 = the score sheet marks this as the minimum for 3★."""
    reason: UText
    next_step: UText | None = None

    def fires(self, answers: dict[str, str]) -> bool:
        return all(answers.get(c.question) in c.answers for c in self.when)


class Eligibility(ContentModel):
    questions: list[Question]
    rules: list[Rule]

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def questions_for(self, group: str | None = None) -> list[Question]:
        """The questions to ask, in order, for a product of `group`."""
        return [q for q in self.questions if q.applies_to(group)]


@dataclass(frozen=True)
class EligibilityResult:
    verdict: Verdict
    findings: tuple[Rule, ...]
    """Fired rules: blockers first, then steps (gates first), then information; file order within each."""
    missing: tuple[str, ...] = ()
    """Ids of questions that apply but were not answered: the verdict only covers answered questions."""
    ignored: tuple[str, ...] = ()
    """Answers not used: unknown question ids, unknown option codes, or questions not for this group."""

    @property
    def blockers(self) -> list[Rule]:
        return [f for f in self.findings if f.level == "blocker"]

    @property
    def steps(self) -> list[Rule]:
        return [f for f in self.findings if f.level == "step"]

    @property
    def complete(self) -> bool:
        return not self.missing


def evaluate(
    eligibility: Eligibility, answers: dict[str, str], group: str | None = None
) -> EligibilityResult:
    """Judge answers (question id → option code): not_eligible if any blocker fires, eligible_after_steps if
    any step fires, else eligible. Answers that do not fit the content (an old code, a question not asked
    for this group) are ignored and listed, never an error: stored answers may predate a content change."""
    asked = {q.id: q for q in eligibility.questions_for(group)}
    usable: dict[str, str] = {}
    ignored: list[str] = []
    for question_id, answer in answers.items():
        question = asked.get(question_id)
        if question is not None and answer in question.option_codes:
            usable[question_id] = answer
        else:
            ignored.append(question_id)
    fired = [rule for rule in eligibility.rules if rule.fires(usable)]
    findings = sorted(fired, key=lambda r: (_LEVEL_ORDER[r.level], not r.gate))  # stable: file order kept
    if any(r.level == "blocker" for r in findings):
        verdict: Verdict = "not_eligible"
    elif any(r.level == "step" for r in findings):
        verdict = "eligible_after_steps"
    else:
        verdict = "eligible"
    missing = tuple(q for q in asked if q not in usable)
    return EligibilityResult(verdict, tuple(findings), missing, tuple(ignored))


def check(model: Eligibility, path: Path, known: programme.Programme | None) -> list[ContentError]:
    """Cross-checks, each naming its key: unique ids and option codes, rules that refer to existing questions
    and options, next steps where something must be done, known group codes, profile-field option codes equal
    to the profile's codes, and button-sized option labels."""
    errors: list[ContentError] = []

    def error(key: str, message: str) -> None:
        errors.append(ContentError(path, key, message))

    questions: dict[str, Question] = {}
    groups = set(known.group_by_code) if known else None
    for i, question in enumerate(model.questions):
        key = f"questions.{i}"
        if question.id in questions:
            error(f"{key}.id", f"duplicate question id {question.id!r}")
        questions.setdefault(question.id, question)
        codes = question.option_codes
        for j, option in enumerate(question.options):
            if codes.index(option.code) != j:
                error(f"{key}.options.{j}.code", f"duplicate option code {option.code!r}")
            if len(option.label) > OPTION_LABEL_LIMIT:
                error(
                    f"{key}.options.{j}.label",
                    f"longer than {OPTION_LABEL_LIMIT} characters (it becomes a button)",
                )
        for field in ("only_groups", "except_groups"):
            for j, group in enumerate(getattr(question, field)):
                if groups is not None and group not in groups:
                    error(f"{key}.{field}.{j}", f"unknown product group {group!r}")
        if question.profile_field == "producer_type" and known is not None:
            expected = list(known.producer_type_by_code)
            if sorted(codes) != sorted(expected):
                error(
                    f"{key}.options", f"option codes must be the producer types of programme.yaml: {expected}"
                )
    rule_ids: set[str] = set()
    for i, rule in enumerate(model.rules):
        key = f"rules.{i}"
        if rule.id in rule_ids:
            error(f"{key}.id", f"duplicate rule id {rule.id!r}")
        rule_ids.add(rule.id)
        if rule.level in ("blocker", "step") and rule.next_step is None:
            error(f"{key}.next_step", f"a {rule.level} must say what to do next")
        for j, condition in enumerate(rule.when):
            question = questions.get(condition.question)
            if question is None:
                error(f"{key}.when.{j}.question", f"no question with id {condition.question!r}")
                continue
            for k, answer in enumerate(condition.answers):
                if answer not in question.option_codes:
                    error(
                        f"{key}.when.{j}.answers.{k}",
                        f"question {question.id!r} has no option {answer!r}; options: {question.option_codes}",
                    )
    return errors


def load(root: Path) -> Eligibility:
    path = root / FILE
    model = load_model(Eligibility, path)
    errors = check(model, path, programme.load_or_none(root))
    if errors:
        raise ContentErrors(errors)
    return model
