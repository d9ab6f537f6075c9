"""Reminder rules as content (content/reminders.yaml), shaped like date-relative campaign events:
the date a reminder hangs on, the offset, the local delivery hour, who gets it and which text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from bot.content.base import ContentError, ContentErrors, ContentModel, load_model

NAME = "reminders"
FILE = "reminders.yaml"

# Kinds of push a producer can turn off one by one (Settings); "bulletin" is the monthly market bulletin.
PUSH_KINDS = ("deadlines", "certificates", "assessment", "bulletin")
DATE_KINDS = ("ocop_certificate_expiry", "food_safety_expiry")
CONDITIONS = ("dossier_incomplete",)
_MSGID = re.compile(r"^reminders\.[a-z_]+$")


class Anchor(ContentModel):
    type: Literal["round_filing", "province_deadline", "user_date", "assessment_paused"]
    date_kind: Literal["ocop_certificate_expiry", "food_safety_expiry"] | None = None

    @model_validator(mode="after")
    def _date_kind_for_user_dates(self) -> Anchor:
        if (self.type == "user_date") != (self.date_kind is not None):
            raise ValueError("date_kind is needed for (and only for) a user_date anchor")
        return self


class Rule(ContentModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]{2,40}$")]
    kind: Literal["deadlines", "certificates", "assessment"]
    anchor: Anchor
    offset_days: Annotated[int, Field(ge=-400, le=400)]
    hour: Annotated[int, Field(ge=0, le=23)] | None = None
    grace_days: Annotated[int, Field(ge=0, le=60)] = 3
    conditions: list[Literal["dossier_incomplete"]] = []
    message: str
    source: str | None = None
    """The rule the timing follows, where it follows one (the re-evaluation window); None: our advice."""
    confirmed: bool = True

    @model_validator(mode="after")
    def _hour_and_message(self) -> Rule:
        if self.hour is None and self.anchor.type != "assessment_paused":
            raise ValueError("hour is needed unless the anchor is a moment (assessment_paused)")
        if not _MSGID.match(self.message):
            raise ValueError(f"message must be a catalog id like reminders.name, not {self.message!r}")
        return self


class Reminders(ContentModel):
    rules: list[Rule]

    def by_id(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


def check(model: Reminders, path: Path) -> list[ContentError]:
    errors: list[ContentError] = []
    seen: set[str] = set()
    for i, rule in enumerate(model.rules):
        if rule.id in seen:
            errors.append(ContentError(path, f"rules.{i}.id", f"duplicate rule id {rule.id!r}"))
        seen.add(rule.id)
    return errors


def load(root: Path) -> Reminders:
    path = root / FILE
    model = load_model(Reminders, path)
    errors = check(model, path)
    if errors:
        raise ContentErrors(errors)
    return model
