"""The producer's push for each change of a dossier's status: the outbox row "dossier:{event id}" written
with the change (bot/officer/dossiers.py), rendered here when it is sent, in the producer's language at
that moment, from the history row (what changed then, not what the dossier says now)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.core.i18n import N_, I18n
from bot.core.messages import Button, Outgoing
from bot.core.outbox import Prepared
from bot.officer.dossier_text import status_lines
from db.models import Dossier, DossierEvent, OutboxMessage, User


class DossierSource:
    name = "dossier"

    def __init__(self, i18n: I18n, content: Content) -> None:
        self.i18n = i18n
        self.content = content

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        if not user.active:
            return Prepared(skip="inactive")
        event = await session.get(DossierEvent, row.data.get("event"))
        dossier = await session.get(Dossier, event.dossier_id) if event else None
        if event is None or dossier is None:
            return Prepared(skip="dossier removed")
        t = self.i18n.translator(user.locale)
        title = t(N_("dossiers.push_corrected") if event.correction else N_("dossiers.push_title"), product=dossier.product)
        lines = [title, *status_lines(t, self.content, event.details.get("after", {}))]
        if event.note:
            lines.append(t("dossiers.line_note", note=event.note))
        buttons = ((Button(t("dossiers.open_status"), "dossier_status:show"),), (Button(t("menu.back"), "menu:open"),))
        return Prepared([Outgoing(text="\n".join(lines), buttons=buttons)])
