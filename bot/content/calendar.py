"""Dates: evaluation rounds, the latest day to file at the commune, certificate expiry and re-evaluation window.

The date arithmetic is in pure module functions (`latest_filing_date`, `certificate_expiry`,
`reevaluation_window`) that take their numbers as arguments; the `Calendar` methods call them with the
numbers from calendar.yaml. Nothing here reads the clock: callers pass `today`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from bot.content.base import ContentError, ContentErrors, ContentModel, Sourced, UText, load_model

NAME = "calendar"
FILE = "calendar.yaml"

ONE_DAY = datetime.timedelta(days=1)


def _valid_month_day(value: str) -> str:
    day, month = (int(part) for part in value.split("/"))
    datetime.date(2001, month, day)  # a non-leap year: 29/02 cannot be a yearly deadline
    return value


MonthDay = Annotated[str, Field(pattern=r"^\d{2}/\d{2}$"), AfterValidator(_valid_month_day)]
"""A yearly day written DD/MM, as in Vietnamese texts ("30/04")."""


def _on(month_day: str, year: int) -> datetime.date:
    day, month = (int(part) for part in month_day.split("/"))
    return datetime.date(year, month, day)


# -- pure date arithmetic -----------------------------------------------------------------------------------


def latest_filing_date(
    forward_deadline: datetime.date, holidays: Iterable[datetime.date] = (), working_days: int = 15
) -> datetime.date:
    """The last day to file at the commune so that its review (up to `working_days` working days) ends by the
    forward deadline: the deadline minus that many working days (Mon–Fri, not in `holidays`).
    Our advice, not a rule (calendar.yaml `filing_advice`, confirmed: false)."""
    off = set(holidays)
    day = forward_deadline
    counted = 0
    while counted < working_days:
        day -= ONE_DAY
        if day.weekday() < 5 and day not in off:
            counted += 1
    return day


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Same day `months` later; a day the target month lacks becomes its last day (29/02 → 28/02)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, min(start.day, (first_of_next - ONE_DAY).day))


def certificate_expiry(decision_date: datetime.date, months: int = 36) -> datetime.date:
    """When a certificate decided on `decision_date` expires: `months` later, clamped to the month's end."""
    return add_months(decision_date, months)


def reevaluation_window(
    expiry: datetime.date, opens_days_before: int = 180, closes_days_before: int = 120
) -> tuple[datetime.date, datetime.date]:
    """(first, last) day a re-evaluation dossier may be filed for a certificate expiring on `expiry`."""
    return expiry - datetime.timedelta(days=opens_days_before), expiry - datetime.timedelta(
        days=closes_days_before
    )


# -- content --------------------------------------------------------------------------------------------------


class Round(Sourced):
    """A yearly evaluation round: dossiers sent up before `forward_before` are decided before `ends_before`."""

    id: str
    level: Literal["tinh", "trung-uong"]
    stars: list[Literal[3, 4, 5]]
    forwarded_by: Literal["xa", "tinh"]
    """Who sends the dossier up: the commune (provincial rounds) or the province (5★ rounds)."""
    title: UText
    forward_before: MonthDay
    ends_before: MonthDay

    def forward_deadline(self, year: int) -> datetime.date:
        return _on(self.forward_before, year)

    def end(self, year: int) -> datetime.date:
        """End of the round whose forward deadline falls in `year` (the next year if the end's day comes first)."""
        end = _on(self.ends_before, year)
        return end if end > self.forward_deadline(year) else _on(self.ends_before, year + 1)


class CommuneReview(Sourced):
    working_days: Annotated[int, Field(ge=1)]


class FilingAdvice(Sourced):
    working_days: Annotated[int, Field(ge=1)]
    text: UText


class CertificateRules(Sourced):
    validity_months: Annotated[int, Field(ge=1)]
    reevaluation_opens_days_before: Annotated[int, Field(ge=1)]
    reevaluation_closes_days_before: Annotated[int, Field(ge=0)]
    reevaluation_processing_days: Annotated[int, Field(ge=1)]
    certified_from_stars: Annotated[int, Field(ge=1, le=5)] = 3
    """The fewest stars that get a recognition decision and a certificate (none for 1 or 2 stars)."""
    text: UText

    @model_validator(mode="after")
    def _window_opens_first(self) -> CertificateRules:
        if self.reevaluation_opens_days_before <= self.reevaluation_closes_days_before:
            raise ValueError("the re-evaluation window must open before it closes")
        return self


class ProvinceDeadline(Sourced):
    id: str
    date: datetime.date
    title: UText
    note: UText | None = None
    audience: Literal["producers", "officers"] = "producers"
    """Whose duty it is: producers see it and are reminded of it; an officers' deadline (the yearly
    report of agencies and communes) is shown to officers only and never pushed to producers."""

    @property
    def for_producers(self) -> bool:
        return self.audience == "producers"


@dataclass(frozen=True)
class UpcomingRound:
    round: Round
    forward_deadline: datetime.date
    """The dossier must be sent up before this day."""
    ends_before: datetime.date
    latest_filing: datetime.date | None
    """Last day to file at the commune (our advice); None for 5★ rounds, which the province sends up."""
    late: bool
    """Today is past `latest_filing`: the commune may still make it, but it is not counted on."""


class Calendar(ContentModel):
    rounds: list[Round]
    commune_review: CommuneReview
    filing_advice: FilingAdvice
    certificate: CertificateRules
    province_deadlines: list[ProvinceDeadline] = []

    def latest_filing_date(
        self, forward_deadline: datetime.date, holidays: Iterable[datetime.date] = ()
    ) -> datetime.date:
        return latest_filing_date(forward_deadline, holidays, self.filing_advice.working_days)

    def upcoming_rounds(
        self, today: datetime.date, holidays: Iterable[datetime.date] = (), level: str | None = None
    ) -> list[UpcomingRound]:
        """The next occurrence of every round (of `level`, if given) whose forward deadline is still ahead
        ("before 30/04": on 30/04 it has passed), soonest first, with the latest day to file at the commune."""
        off = list(holidays)
        upcoming = []
        for rule in self.rounds:
            if level is not None and rule.level != level:
                continue
            year = today.year if rule.forward_deadline(today.year) > today else today.year + 1
            deadline = rule.forward_deadline(year)
            latest = self.latest_filing_date(deadline, off) if rule.forwarded_by == "xa" else None
            late = latest is not None and today > latest
            upcoming.append(UpcomingRound(rule, deadline, rule.end(year), latest, late))
        return sorted(upcoming, key=lambda u: u.forward_deadline)

    def certificate_expiry(self, decision_date: datetime.date) -> datetime.date:
        return certificate_expiry(decision_date, self.certificate.validity_months)

    def reevaluation_window(self, expiry: datetime.date) -> tuple[datetime.date, datetime.date]:
        return reevaluation_window(
            expiry,
            self.certificate.reevaluation_opens_days_before,
            self.certificate.reevaluation_closes_days_before,
        )

    def upcoming_deadlines(self, today: datetime.date) -> list[ProvinceDeadline]:
        """Province deadlines from `today` on, soonest first."""
        return sorted((d for d in self.province_deadlines if d.date >= today), key=lambda d: d.date)


def upcoming_rounds(
    calendar: Calendar, today: datetime.date, holidays: Iterable[datetime.date] = ()
) -> list[UpcomingRound]:
    """Module-level form of `Calendar.upcoming_rounds`."""
    return calendar.upcoming_rounds(today, holidays)


def check(model: Calendar, path: Path) -> list[ContentError]:
    """Unique round and deadline ids, each error naming its key."""
    errors: list[ContentError] = []
    for field, items in (("rounds", model.rounds), ("province_deadlines", model.province_deadlines)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                errors.append(ContentError(path, f"{field}.{i}.id", f"duplicate id {item.id!r}"))
            seen.add(item.id)
    return errors


def load(root: Path) -> Calendar:
    path = root / FILE
    model = load_model(Calendar, path)
    errors = check(model, path)
    if errors:
        raise ContentErrors(errors)
    return model
