"""The dossier's way to the certificate, shared by the officer chat tool, the web console and the CLI.

QĐ 26/2026/QĐ-TTg Điều 7 (copy): the producer files at the commune (khoản 1); the commune checks it and sends
it with its Mẫu 03 report to the province (khoản 2); the province's council evaluates it in a round (khoản 3,
rounds: Điều 5); the result is a star rating with a recognition decision and certificate for 3–4 stars
(5 stars: the Ministry), none for 1–2 stars (Điều 4 khoản 1). At each step the dossier may be sent back
to be completed (khoản 3 điểm a). So: draft → filed → forwarded → evaluated → result, and filed / forwarded /
evaluated → returned → filed again.

`change_status` and `undo_last` run in the caller's transaction and, in it: move the dossier only if its
status is still the one the officer saw, write the history row (who, when, note, the fields before and
after), the audit row, the producer's push as an outbox row keyed by the history row (sent once, whatever
restarts), and for a certificate its expiry as the producer's "ocop_certificate_expiry" date, which the
re-evaluation reminders hang on (certificate date + 36 months, Điều 4 khoản 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.content.text import N_, clean_user_text
from bot.core.messages import Purpose
from bot.core.outbox import enqueue, outbox_row
from db import dossier_status as rows
from db.models import Dossier, DossierEvent, User, UserDate
from db.officer_actions import record_officer_action

DRAFT, FILED, FORWARDED, EVALUATED, RESULT, RETURNED = "draft", "filed", "forwarded", "evaluated", "result", "returned"
STATUSES = (DRAFT, FILED, FORWARDED, EVALUATED, RESULT, RETURNED)
NEXT: dict[str, tuple[str, ...]] = {
    DRAFT: (FILED,),
    FILED: (FORWARDED, RETURNED),
    FORWARDED: (EVALUATED, RETURNED),
    EVALUATED: (RESULT, RETURNED),
    RETURNED: (FILED,),
    RESULT: (),
}
KINDS = ("lan-dau", "nang-hang", "danh-gia-lai")
EXPIRY_KIND = "ocop_certificate_expiry"
SOURCE = "dossier"
FIELDS = ("status", "round_number", "round_year", "stars", "decision_number", "certificate_date", "reasons")
REASONS_LIMIT, NOTE_LIMIT, DECISION_LIMIT = 1000, 500, 64
MAX_ROUND = 9


class DossierRefused(Exception):
    """Why a change was refused; `reason` is a catalog id the caller shows (nothing was changed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Change:
    """What an officer asks for: the new status and the fields that status needs."""

    status: str
    round_number: int | None = None
    round_year: int | None = None
    stars: int | None = None
    decision_number: str | None = None
    certificate_date: date | None = None
    reasons: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def snapshot(dossier: Dossier) -> dict[str, Any]:
    """The dossier's status fields as plain JSON values (dates as ISO text)."""
    values = {name: getattr(dossier, name) for name in FIELDS}
    if values["certificate_date"] is not None:
        values["certificate_date"] = values["certificate_date"].isoformat()
    return values


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def certified_from(content: Content) -> int:
    """The fewest stars with a decision and certificate (calendar.yaml, Điều 4 khoản 1 điểm a: none for 1–2)."""
    return content.calendar.certificate.certified_from_stars


def checked_values(dossier: Dossier, change: Change, today: date, certified: int = 3) -> dict[str, Any]:
    """The columns to set for `change`, or DossierRefused with the reason. Fields of later steps are cleared
    when the dossier moves back (a returned dossier filed again starts a new round)."""
    if change.status not in NEXT.get(dossier.status, ()):
        raise DossierRefused(N_("dossiers.refused_transition"))
    values: dict[str, Any] = {"status": change.status}
    if change.status == FILED:
        values.update(round_number=None, round_year=None, stars=None, decision_number=None, certificate_date=None)
    elif change.status == EVALUATED:
        if change.round_number is None or not 1 <= change.round_number <= MAX_ROUND:
            raise DossierRefused(N_("dossiers.refused_round"))
        year = change.round_year or today.year
        if not today.year - 1 <= year <= today.year + 1:
            raise DossierRefused(N_("dossiers.refused_round"))
        values.update(round_number=change.round_number, round_year=year)
    elif change.status == RETURNED:
        reasons = clean_user_text(change.reasons or "", REASONS_LIMIT)
        if not reasons:
            raise DossierRefused(N_("dossiers.refused_reasons"))
        values["reasons"] = reasons
    elif change.status == RESULT:
        values.update(result_values(change, today, certified))
    if change.status != RETURNED:
        values["reasons"] = None
    return values


def result_values(change: Change, today: date, certified: int) -> dict[str, Any]:
    """Stars 1–5; from `certified` stars (3) a decision number and a certificate date not in the future; below 3 neither."""
    if change.stars is None or not 1 <= change.stars <= 5:
        raise DossierRefused(N_("dossiers.refused_stars"))
    decision = clean_user_text(change.decision_number or "", DECISION_LIMIT)
    if change.stars < certified:
        if decision or change.certificate_date:
            raise DossierRefused(N_("dossiers.refused_no_certificate"))
        return {"stars": change.stars, "decision_number": None, "certificate_date": None}
    if not decision:
        raise DossierRefused(N_("dossiers.refused_decision"))
    if change.certificate_date is None:
        raise DossierRefused(N_("dossiers.refused_certificate_date"))
    if change.certificate_date > today:
        raise DossierRefused(N_("dossiers.refused_future_date"))
    return {"stars": change.stars, "decision_number": decision, "certificate_date": change.certificate_date}


async def change_status(session: AsyncSession, content: Content, dossier_id: int, officer_id: int | None,
                        change: Change, now: datetime, timezone: str, by: str = "chat",
                        expected: str | None = None) -> DossierEvent:
    """Move the dossier to `change.status` (see the module docstring for all it writes). `expected`: the
    status the officer saw; a dossier that moved meanwhile is refused ("dossiers.refused_moved")."""
    dossier = await rows.by_id(session, dossier_id)
    if dossier is None:
        raise DossierRefused(N_("dossiers.refused_unknown"))
    if expected is not None and dossier.status != expected:
        raise DossierRefused(N_("dossiers.refused_moved"))
    values = checked_values(dossier, change, local_today(now, timezone), certified_from(content))
    before = snapshot(dossier)
    if not await rows.move(session, dossier, before["status"], {**values, "updated_at": now}):
        raise DossierRefused(N_("dossiers.refused_moved"))
    details: dict[str, Any] = {"before": before, "after": snapshot(dossier), "by": by}
    if dossier.status == RESULT and dossier.certificate_date is not None:
        expiry = content.calendar.certificate_expiry(dossier.certificate_date)
        details.update(await _set_expiry(session, dossier.user_id, expiry))
    return await _record(session, dossier, officer_id, before["status"], clean_user_text(change.note or "", NOTE_LIMIT),
                         details, now, correction=False)


async def undo_last(session: AsyncSession, dossier_id: int, officer_id: int | None, now: datetime,
                    by: str = "chat", expected_event: int | None = None, note: str | None = None) -> DossierEvent:
    """Correct a mistake: put the dossier back as it was before its latest change not yet corrected (and the
    certificate expiry it set, if any). Recorded and pushed like any change."""
    dossier = await rows.by_id(session, dossier_id)
    if dossier is None:
        raise DossierRefused(N_("dossiers.refused_unknown"))
    target = await undoable(session, dossier)
    if target is None:
        raise DossierRefused(N_("dossiers.refused_nothing_to_undo"))
    if expected_event is not None and target.id != expected_event:
        raise DossierRefused(N_("dossiers.refused_moved"))
    restored = dict(target.details["before"])
    if restored.get("certificate_date"):
        restored["certificate_date"] = date.fromisoformat(restored["certificate_date"])
    before = snapshot(dossier)
    if not await rows.move(session, dossier, before["status"], {**restored, "updated_at": now}):
        raise DossierRefused(N_("dossiers.refused_moved"))
    details: dict[str, Any] = {"before": before, "after": snapshot(dossier), "by": by, "undoes": target.id}
    if "expiry" in target.details:
        previous = target.details.get("expiry_before")
        details.update(await _set_expiry(session, dossier.user_id, date.fromisoformat(previous) if previous else None))
    return await _record(session, dossier, officer_id, before["status"], clean_user_text(note or "", NOTE_LIMIT),
                         details, now, correction=True)


async def undoable(session: AsyncSession, dossier: Dossier) -> DossierEvent | None:
    """The latest change that no correction has undone yet (None: nothing to correct)."""
    undone: set[int] = set()
    for event in await rows.events(session, dossier.id, limit=200):
        if event.correction:
            undone.add(int(event.details.get("undoes", 0)))
        elif event.id not in undone:
            return event if event.to_status == dossier.status else None
    return None


async def start_next(session: AsyncSession, dossier_id: int, kind: str, officer_id: int | None, now: datetime,
                     by: str = "chat") -> Dossier:
    """An upgrade (nâng hạng) or re-evaluation (đánh giá lại) dossier for a certified product: a new draft that
    starts from the certified state (the stars held), linked to the certified dossier."""
    dossier = await rows.by_id(session, dossier_id)
    if dossier is None:
        raise DossierRefused(N_("dossiers.refused_unknown"))
    if kind not in KINDS[1:] or dossier.status != RESULT or dossier.certificate_date is None:
        raise DossierRefused(N_("dossiers.refused_next"))
    follow = Dossier(user_id=dossier.user_id, product=dossier.product, kind=kind, status=DRAFT, previous_id=dossier.id,
                     certified_stars=dossier.stars, created_at=now, updated_at=now)
    session.add(follow)
    await session.flush()
    record_officer_action(session, officer_id, "dossier_started",
                          {"dossier": follow.id, "previous": dossier.id, "kind": kind, "by": by})
    return follow


async def _set_expiry(session: AsyncSession, user_id: int, expiry: date | None) -> dict[str, Any]:
    """Store (or with None remove) the producer's certificate expiry; returns what it was and is now."""
    row = await session.get(UserDate, (user_id, EXPIRY_KIND))
    previous = row.value.isoformat() if row else None
    if expiry is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(UserDate(user_id=user_id, kind=EXPIRY_KIND, value=expiry))
    else:
        row.value = expiry
    await session.flush()
    return {"expiry": expiry.isoformat() if expiry else None, "expiry_before": previous}


async def _record(session: AsyncSession, dossier: Dossier, officer_id: int | None, from_status: str, note: str,
                  details: dict[str, Any], now: datetime, *, correction: bool) -> DossierEvent:
    event = DossierEvent(dossier_id=dossier.id, officer_id=officer_id, from_status=from_status,
                         to_status=dossier.status, correction=correction, note=note or None, details=details,
                         created_at=now)
    session.add(event)
    await session.flush()
    record_officer_action(session, officer_id, "dossier_corrected" if correction else "dossier_status",
                          {"dossier": dossier.id, "event": event.id, "from": from_status, "to": dossier.status,
                           "by": details.get("by")})
    producer = await session.get(User, dossier.user_id)
    if producer is not None:
        # Not a reply to something the producer just said: on Zalo it is a "transaction" message (its window
        # is longer than a consultation's), and like reminders it waits out the quiet hours.
        await enqueue(session, [outbox_row(SOURCE, f"{SOURCE}:{event.id}", producer, Purpose.REMINDER, now,
                                           {"event": event.id})])
    return event
