"""Statistics for officers: a short text (counts only, no personal data) and a chart image."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.core.context import Context
from bot.core.messages import Attachment
from bot.officer.files import stats_chart
from bot.officer.reports import statistics
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()


def counts(values: Counter[str], top: int = 8) -> str:
    return ", ".join(f"{key}: {n}" for key, n in values.most_common(top)) or "-"


@router.on_button("stats", "show")
async def show_statistics(ctx: Context) -> None:
    """Counts of producers, self-assessments, dossiers and pushes, with a chart."""
    stats = await statistics(ctx.repos.session, ctx.content)
    chart = await asyncio.to_thread(stats_chart, stats, ctx.t)
    outbox = Counter({f"{source}/{status}": n for (source, status), n in stats.outbox.items()})
    stars = Counter({f"{k}★": n for k, n in stats.stars.items()})
    ctx.reply("officer_tools.stats_text", buttons=[back_to_menu_row(ctx)],
              attachment=Attachment("thong-ke.png", chart, is_image=True),
              producers=stats.producers, communes=counts(stats.by_commune), groups=counts(stats.by_group),
              types=counts(stats.by_type), assessed=stats.assessed, stars=counts(stars),
              started=stats.dossier_started, ready=stats.dossier_ready, outbox=counts(outbox, 12))
