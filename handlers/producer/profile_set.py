"""Changing the product set kept on the profile (Settings → Profile → product set): the sets that fit the
main product, or browse by group; the choice is kept (with consent) and the profile shown again."""

from __future__ import annotations

from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Button
from handlers.producer.menu import back_to_menu_row
from handlers.producer.product_set import keep_set, own_set, set_label
from handlers.producer.profile import offer_consent, show_summary

router = Router()

FLOW = "pset"


@router.on_button(FLOW, "choose")
async def choose(ctx: Context) -> None:
    """The sets that fit the main product, then a way to browse every group."""
    main = ctx.profile.main_product if ctx.profile else None
    sets = ctx.content.product_sets.find_sets(main) if main else []
    rows = [[Button(set_label(ctx, s), f"{FLOW}:set:{s.code}")] for s in sets]
    rows += [[Button(ctx.t.content(g.label), f"{FLOW}:group:{g.code}")]
             for g in ctx.content.programme.product_groups.items]
    rows.append([ctx.button("settings.back", "settings", "profile"), *back_to_menu_row(ctx)])
    current = own_set(ctx)
    ctx.reply("pset.choose", buttons=rows, current=set_label(ctx, current) if current else "—")


@router.on_button(FLOW, "group")
async def choose_in_group(ctx: Context) -> None:
    """The sets of one product group as buttons; an unknown group shows the first screen again."""
    sets = ctx.content.product_sets.in_group(ctx.arg)
    if not sets:
        await choose(ctx)
        return
    rows = [[Button(set_label(ctx, s), f"{FLOW}:set:{s.code}")] for s in sets]
    rows.append([ctx.button("pset.other_group", FLOW, "choose"), *back_to_menu_row(ctx)])
    ctx.reply("pset.choose_in_group", buttons=rows)


@router.on_button(FLOW, "set")
async def chosen(ctx: Context) -> None:
    """Keeps the chosen set (with consent) and shows the profile again."""
    if ctx.user.consent_at is None:
        offer_consent(ctx)
        return
    if ctx.arg not in ctx.content.product_sets.by_code:
        await choose(ctx)
        return
    await keep_set(ctx, ctx.arg)
    show_summary(ctx, N_("pset.changed"))
