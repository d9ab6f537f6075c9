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

from bot.content import criteria, product_sets, programme
from bot.content.base import ContentError, ContentErrors, ContentModel, Sourced, UText, load_model
from bot.content.criteria import Sheet

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
    only_sets: list[str] = []
    """Offered only for these product sets (e.g. "not required by law" where the sheet says "khi luật yêu
    cầu"); an unknown set offers it."""

    def offered_for(self, product_set: str | None) -> bool:
        return product_set is None or not self.only_sets or product_set in self.only_sets


class SetScope(ContentModel):
    """Which product sets something is for: `topics` = sheet topics (criteria/questions.yaml) of which the
    set's own score sheet must have at least one item; `only_sets` = product set codes. Empty = every set;
    an unknown set (None) = every set."""

    topics: list[str] = []
    only_sets: list[str] = []
    except_sets: list[str] = []

    def for_set(self, facts: SetFacts | None) -> bool:
        if facts is None:
            return True
        if (self.only_sets and facts.code not in self.only_sets) or facts.code in self.except_sets:
            return False
        return not self.topics or bool(facts.topics & set(self.topics))


@dataclass(frozen=True)
class SetFacts:
    """What eligibility needs of the producer's own score sheet: its set code, the topics of its items, and
    the topics whose item carries a knock-out answer or a 3★ marker."""

    code: str
    topics: frozenset[str]
    knock_outs: frozenset[str] = frozenset()
    minimums: frozenset[str] = frozenset()

    @classmethod
    def of(cls, sheet: Sheet) -> SetFacts:
        items = [c for c in sheet.criteria() if c.topic]
        return cls(
            sheet.product_set,
            frozenset(str(c.topic) for c in items),
            frozenset(str(c.topic) for c in items if any(o.knock_out for o in c.options)),
            frozenset(str(c.topic) for c in items if any(o.min_star == 3 for o in c.options)),
        )


class Question(SetScope):
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


class Rule(Sourced, SetScope):
    """One finding and when it applies: every `when` condition must hold, for a set it is for (`topics`:
    the basis shown names the producer's own sheet item of that topic)."""

    id: str
    when: Annotated[list[Condition], Field(min_length=1)]
    level: Level
    gate: bool = False
    """The dossier is rejected without this: do it before filing."""
    min_stars: int | None = None
    """3 = the score sheet marks this as the minimum for 3★."""
    needs: Literal["knock_out", "minimum"] | None = None
    """The rule stands on the producer's own sheet item of its `topics` carrying a knock-out ("knock_out") or
    a 3★ marker ("minimum"); on a sheet whose item has none, the rule does not fire."""
    reason: UText
    next_step: UText | None = None

    def fires(self, answers: dict[str, str]) -> bool:
        return all(answers.get(c.question) in c.answers for c in self.when)

    def stands_for(self, facts: SetFacts | None) -> bool:
        """For this set, and (with `needs`) its sheet's item of the topic has the knock-out or 3★ marker."""
        if not self.for_set(facts):
            return False
        if facts is None or self.needs is None:
            return True
        marked = facts.knock_outs if self.needs == "knock_out" else facts.minimums
        return bool(marked & set(self.topics))


class Eligibility(ContentModel):
    questions: list[Question]
    rules: list[Rule]

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def questions_for(self, group: str | None = None, facts: SetFacts | None = None) -> list[Question]:
        """The questions to ask, in order, for a product of `group` whose own score sheet is `facts` (None:
        the set is not known, every question of the group is asked)."""
        return [q for q in self.questions if q.applies_to(group) and q.for_set(facts)]


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
    eligibility: Eligibility, answers: dict[str, str], group: str | None = None, facts: SetFacts | None = None,
) -> EligibilityResult:
    """Judge answers (question id → option code): not_eligible if any blocker fires, eligible_after_steps if
    any step fires, else eligible. Only the questions and rules for the producer's own set count (`facts`
    of its sheet). Answers that do not fit the content (an old code, a question not asked for this group or
    set) are ignored and listed, never an error: stored answers may predate a content change."""
    asked = {q.id: q for q in eligibility.questions_for(group, facts)}
    usable: dict[str, str] = {}
    ignored: list[str] = []
    for question_id, answer in answers.items():
        question = asked.get(question_id)
        option = next((o for o in question.options if o.code == answer), None) if question else None
        if option is not None and option.offered_for(facts.code if facts else None):
            usable[question_id] = answer
        else:
            ignored.append(question_id)
    fired = [rule for rule in eligibility.rules
             if rule.stands_for(facts) and rule.fires(usable)]
    findings = sorted(fired, key=lambda r: (_LEVEL_ORDER[r.level], not r.gate))  # stable: file order kept
    if any(r.level == "blocker" for r in findings):
        verdict: Verdict = "not_eligible"
    elif any(r.level == "step" for r in findings):
        verdict = "eligible_after_steps"
    else:
        verdict = "eligible"
    missing = tuple(q for q in asked if q not in usable)
    return EligibilityResult(verdict, tuple(findings), missing, tuple(ignored))


def check(
    model: Eligibility, path: Path, known: programme.Programme | None,
    topics: set[str] | None = None, set_codes: set[str] | None = None,
) -> list[ContentError]:
    """Cross-checks, each naming its key: unique ids and option codes, rules that refer to existing questions
    and options, next steps where something must be done, known group codes, profile-field option codes equal
    to the profile's codes, button-sized option labels, and set scopes naming known sheet topics
    (criteria/questions.yaml) and product set codes."""
    errors: list[ContentError] = []

    def error(key: str, message: str) -> None:
        errors.append(ContentError(path, key, message))

    def check_scope(key: str, scope: SetScope | Option) -> None:
        for j, topic in enumerate(getattr(scope, "topics", [])):
            if topics is not None and topic not in topics:
                error(f"{key}.topics.{j}", f"unknown sheet topic {topic!r} (criteria/questions.yaml)")
        for field in ("only_sets", "except_sets"):
            for j, code in enumerate(getattr(scope, field, [])):
                if set_codes is not None and code not in set_codes:
                    error(f"{key}.{field}.{j}", f"unknown product set {code!r}")

    questions: dict[str, Question] = {}
    groups = set(known.group_by_code) if known else None
    for i, question in enumerate(model.questions):
        key = f"questions.{i}"
        if question.id in questions:
            error(f"{key}.id", f"duplicate question id {question.id!r}")
        questions.setdefault(question.id, question)
        check_scope(key, question)
        codes = question.option_codes
        for j, option in enumerate(question.options):
            check_scope(f"{key}.options.{j}", option)
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
        check_scope(key, rule)
        if rule.needs is not None and not rule.topics:
            error(f"{key}.needs", "`needs` names what the sheet item of the rule's `topics` carries: add topics")
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
    errors = check(model, path, programme.load_or_none(root), criteria.topic_names_or_none(root),
                   product_sets.codes_or_none(root))
    if errors:
        raise ContentErrors(errors)
    return model

