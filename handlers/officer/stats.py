"""Statistics for officers: a short text (counts only, no personal data, names not codes) and a chart image."""

from __future__ import annotations

import asyncio

from bot.core.context import Context
from bot.core.messages import Attachment
from bot.officer.files import stats_chart
from bot.officer.reports import named, statistics
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()


def counts(ctx: Context, values: list[tuple[str, int]], top: int = 8) -> str:
    return ", ".join(f"{name}: {ctx.t.number(n)}" for name, n in values[:top]) or "-"


@router.on_button("stats", "show")
async def show_statistics(ctx: Context) -> None:
    """Counts of producers, self-assessments, dossiers and pushes, with a chart."""
    stats = await statistics(ctx.repos.session, ctx.content)
    chart = await asyncio.to_thread(stats_chart, stats, ctx.content, ctx.t)
    names = named(stats, ctx.content, ctx.t)
    ctx.reply("officer_tools.stats_text", buttons=[back_to_menu_row(ctx)],
              attachment=Attachment("thong-ke.png", chart, is_image=True),
              producers=stats.producers, communes=counts(ctx, names["communes"]), groups=counts(ctx, names["groups"]),
              types=counts(ctx, names["types"]), assessed=stats.assessed, stars=counts(ctx, names["stars"]),
              started=stats.dossier_started, ready=stats.dossier_ready, outbox=counts(ctx, names["outbox"], 12))
