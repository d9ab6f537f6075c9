"""Officers follow each product dossier to its certificate: the list by status, one dossier's card with its
history, the next steps as buttons (the round, the stars, the decision number and certificate date, the
reasons for returning it asked one at a time), "undo the last change" for a mistake, a follow-up dossier
(upgrade, re-evaluation) from a certified one, and the commune's Mẫu 03 draft as DOCX + PDF.

Every change goes through bot/officer/dossiers.py (the same as the web console and the CLI); the router
checks the officer role before every handler, so a producer forging "odossier:…" changes nothing."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.messages import Attachment, Button
from bot.core.typed import payload_id, typed_number
from bot.officer import dossiers as ops
from bot.officer.dossier_text import STATUS_LABEL, kind_name, note_suffix, status_lines, status_name
from bot.officer.labels import commune_name
from bot.officer.mau03_draft import build_mau03, file_names, render_mau03
from db import dossier_status as rows
from db.models import Dossier
from handlers.officer.guard import officer_router
from handlers.producer.journey_text import local_today, parse_typed_date
from handlers.producer.menu import back_to_menu_row

router = officer_router()
FLOW = "odossier"
PAGE = 8
ALL = "all"
STEP_LABEL = {ops.FILED: N_("dossiers.to_filed"), ops.FORWARDED: N_("dossiers.to_forwarded"),
              ops.EVALUATED: N_("dossiers.to_evaluated"), ops.RESULT: N_("dossiers.to_result"),
              ops.RETURNED: N_("dossiers.to_returned")}


def list_row(ctx: Context) -> list[Button]:
    return [ctx.button("dossiers.back_to_list", FLOW, "list", ALL, 0)]


@router.on_button(FLOW, "list")
async def list_dossiers(ctx: Context) -> None:
    """The dossiers of one status (or all), newest change first, eight a page, with a filter per status."""
    status, _, raw_page = ctx.arg.partition(":")
    status = status if status in ops.STATUSES else ALL
    page = max(typed_number(raw_page) or 0, 0)
    ctx.clear_flow()
    await rows.ensure_drafts(ctx.repos.session, ctx.now)
    found, total = await rows.listing(ctx.repos.session, None if status == ALL else status, limit=PAGE, offset=page * PAGE)
    counts = await rows.counts(ctx.repos.session)
    lines = [ctx.t("dossiers.list_title", status=ctx.t("dossiers.all") if status == ALL else status_name(ctx.t, status),
                   count=str(total))]
    buttons = []
    for dossier, profile in found:
        who = profile.org_name if profile and profile.org_name else f"#{dossier.user_id}"
        lines.append(f"#{dossier.id} · {who} · {dossier.product} · {status_name(ctx.t, dossier.status)}")
        buttons.append([Button(f"#{dossier.id} {who}"[:60], f"{FLOW}:open:{dossier.id}")])
    filters = [Button(f"{ctx.t(STATUS_LABEL[s])} ({counts.get(s, 0)})", f"{FLOW}:list:{s}:0") for s in ops.STATUSES]
    paging = []
    if page > 0:
        paging.append(ctx.button("dossier.previous_page", FLOW, "list", status, page - 1))
    if (page + 1) * PAGE < total:
        paging.append(ctx.button("dossier.next_page", FLOW, "list", status, page + 1))
    ctx.reply_text("\n".join(lines), buttons=[*buttons, paging, *[filters[i:i + 2] for i in range(0, len(filters), 2)],
                                              [ctx.button("menu.officer", "officer", "menu")], back_to_menu_row(ctx)])


async def dossier_from(ctx: Context, raw: object) -> Dossier | None:
    """The dossier a payload or saved state names; None (and a polite answer) when there is none."""
    number = payload_id(str(raw))
    dossier = await rows.by_id(ctx.repos.session, number) if number is not None else None
    if dossier is None:
        ctx.clear_flow()
        ctx.reply("dossiers.refused_unknown", buttons=[list_row(ctx), back_to_menu_row(ctx)])
    return dossier


async def show_dossier(ctx: Context, dossier: Dossier, notice: str = "") -> None:
    """The dossier's card: producer, product, status fields, the last changes, and what can be done next."""
    ctx.clear_flow()
    profile = await ctx.repos.profiles.for_user(dossier.user_id)
    lines = [notice] if notice else []
    who = profile.org_name if profile and profile.org_name else f"#{dossier.user_id}"
    commune = commune_name(ctx.content, profile.commune_code) if profile and profile.commune_code else "-"
    lines.append(ctx.t("dossiers.card_title", number=str(dossier.id), who=who, commune=commune, product=dossier.product,
                       kind=kind_name(ctx.t, dossier.kind)))
    if dossier.certified_stars:
        lines.append(ctx.t("dossiers.line_certified", stars=str(dossier.certified_stars)))
    lines += status_lines(ctx.t, ctx.content, ops.snapshot(dossier))
    history = await rows.events(ctx.repos.session, dossier.id, limit=5)
    if history:
        lines.append(ctx.t("dossiers.history_title"))
        lines += [ctx.t("dossiers.history_line", when=e.created_at, status=status_name(ctx.t, e.to_status),
                        note=note_suffix(e.note)) for e in history]
    buttons = [[ctx.button(STEP_LABEL[s], FLOW, "to", dossier.id, s, dossier.status)] for s in ops.NEXT[dossier.status]]
    target = await ops.undoable(ctx.repos.session, dossier)
    if target is not None:
        buttons.append([ctx.button("dossiers.undo", FLOW, "undo", dossier.id, target.id)])
    if dossier.status == ops.RESULT and dossier.certificate_date is not None:
        buttons.append([ctx.button("dossiers.start_upgrade", FLOW, "next", dossier.id, "nang-hang"),
                        ctx.button("dossiers.start_reevaluation", FLOW, "next", dossier.id, "danh-gia-lai")])
    buttons.append([ctx.button("dossiers.mau03", FLOW, "m03", dossier.id)])
    ctx.reply_text("\n".join(lines), buttons=[*buttons, list_row(ctx), back_to_menu_row(ctx)])


@router.on_button(FLOW, "open")
async def open_dossier(ctx: Context) -> None:
    """One dossier's card."""
    if (dossier := await dossier_from(ctx, ctx.arg)) is not None:
        await show_dossier(ctx, dossier)


async def apply(ctx: Context, change: ops.Change) -> None:
    """Runs the shared operation; a refusal is explained and the card shown again, nothing changed."""
    dossier_id, expected = ctx.data.get("id"), ctx.data.get("expected")
    try:
        await ops.change_status(ctx.repos.session, ctx.content, int(dossier_id or 0), ctx.user.id, change, ctx.now,
                                ctx.settings.timezone, expected=str(expected) if expected else None)
    except ops.DossierRefused as refused:
        ctx.clear_flow()
        ctx.reply(refused.reason)
        if (dossier := await rows.by_id(ctx.repos.session, int(dossier_id or 0))) is not None:
            await show_dossier(ctx, dossier)
        return
    dossier = await rows.by_id(ctx.repos.session, int(dossier_id or 0))
    assert dossier is not None
    await show_dossier(ctx, dossier, ctx.t("dossiers.changed", status=status_name(ctx.t, dossier.status)))


@router.on_button(FLOW, "to")
async def choose_step(ctx: Context) -> None:
    """A next-step button: filed/forwarded at once; evaluated asks the round, result the stars, returned the reasons."""
    raw_id, _, rest = ctx.arg.partition(":")
    status, _, expected = rest.partition(":")
    if (dossier := await dossier_from(ctx, raw_id)) is None:
        return
    if dossier.status != expected or status not in ops.NEXT[dossier.status]:
        ctx.reply("dossiers.refused_moved")
        await show_dossier(ctx, dossier)
        return
    ctx.go(FLOW, status, id=dossier.id, expected=expected)
    cancel = [ctx.button("dossiers.cancel", FLOW, "open", dossier.id)]
    if status == ops.EVALUATED:
        year = str(local_today(ctx).year)
        rounds = [ctx.button("dossiers.round_button", FLOW, "round", n, number=str(n), year=year) for n in (1, 2)]
        ctx.reply("dossiers.ask_round", buttons=[rounds, cancel], year=year)
    elif status == ops.RESULT:
        stars = [Button(f"{n}⭐", f"{FLOW}:stars:{n}") for n in range(1, 6)]
        ctx.reply("dossiers.ask_stars", buttons=[stars, cancel])
    elif status == ops.RETURNED:
        ctx.reply("dossiers.ask_reasons", buttons=[cancel])
    else:
        await apply(ctx, ops.Change(status))


@router.on_button(FLOW, "round")
async def press_round(ctx: Context) -> None:
    """The round button (1 or 2 of this year): the dossier moves to "evaluated in round N"."""
    if ctx.state.flow != FLOW or ctx.state.step != ops.EVALUATED:
        ctx.reply("menu.stale_button", buttons=[list_row(ctx), back_to_menu_row(ctx)])
        return
    await apply(ctx, ops.Change(ops.EVALUATED, round_number=typed_number(ctx.arg)))


@router.on_answer(FLOW, ops.EVALUATED, takes_text="number")
async def type_round(ctx: Context) -> None:
    """A typed round number (1–9) this year."""
    await apply(ctx, ops.Change(ops.EVALUATED, round_number=typed_number(ctx.text)))


@router.on_button(FLOW, "stars")
async def press_stars(ctx: Context) -> None:
    """The stars of the result: 1–2 stars end here (no certificate); from 3 the decision number is asked."""
    stars = typed_number(ctx.arg)
    if ctx.state.flow != FLOW or ctx.state.step != ops.RESULT or stars is None or not 1 <= stars <= 5:
        ctx.reply("menu.stale_button", buttons=[list_row(ctx), back_to_menu_row(ctx)])
        return
    if stars < ops.certified_from(ctx.content):
        await apply(ctx, ops.Change(ops.RESULT, stars=stars))
        return
    ctx.go(FLOW, "decision", stars=stars)
    ctx.reply("dossiers.ask_decision", buttons=[[ctx.button("dossiers.cancel", FLOW, "open", ctx.data.get("id"))]])


@router.on_answer(FLOW, "decision")
async def type_decision(ctx: Context) -> None:
    """The recognition decision's number; then the certificate date is asked."""
    number = " ".join(ctx.text.split())[: ops.DECISION_LIMIT]
    cancel = [[ctx.button("dossiers.cancel", FLOW, "open", ctx.data.get("id"))]]
    if not number:
        ctx.reply("dossiers.refused_decision", buttons=cancel)
        return
    ctx.go(FLOW, "certificate", decision=number)
    ctx.reply("dossiers.ask_certificate_date", buttons=cancel)


@router.on_answer(FLOW, "certificate")
async def type_certificate_date(ctx: Context) -> None:
    """The certificate's date (dd/mm/yyyy): the result is recorded and the certificate's expiry stored."""
    day = parse_typed_date(ctx.text)
    if day is None:
        ctx.reply("dossiers.date_invalid", buttons=[[ctx.button("dossiers.cancel", FLOW, "open", ctx.data.get("id"))]])
        return
    await apply(ctx, ops.Change(ops.RESULT, stars=int(ctx.data.get("stars") or 0),
                                decision_number=str(ctx.data.get("decision", "")), certificate_date=day))


@router.on_answer(FLOW, ops.RETURNED)
async def type_reasons(ctx: Context) -> None:
    """Why the dossier is returned (what to complete): recorded and sent to the producer."""
    await apply(ctx, ops.Change(ops.RETURNED, reasons=ctx.text))


@router.on_button(FLOW, "undo")
async def undo_change(ctx: Context) -> None:
    """Puts the dossier back as it was before its latest change (a mistake), and tells the producer."""
    raw_id, _, raw_event = ctx.arg.partition(":")
    if (dossier := await dossier_from(ctx, raw_id)) is None:
        return
    try:
        await ops.undo_last(ctx.repos.session, dossier.id, ctx.user.id, ctx.now, expected_event=payload_id(raw_event))
    except ops.DossierRefused as refused:
        ctx.reply(refused.reason)
        await show_dossier(ctx, dossier)
        return
    await show_dossier(ctx, dossier, ctx.t("dossiers.undone", status=status_name(ctx.t, dossier.status)))


@router.on_button(FLOW, "next")
async def start_next(ctx: Context) -> None:
    """An upgrade or re-evaluation dossier starting from the certified stars."""
    raw_id, _, kind = ctx.arg.partition(":")
    if (dossier := await dossier_from(ctx, raw_id)) is None:
        return
    try:
        follow = await ops.start_next(ctx.repos.session, dossier.id, kind, ctx.user.id, ctx.now)
    except ops.DossierRefused as refused:
        ctx.reply(refused.reason)
        await show_dossier(ctx, dossier)
        return
    await show_dossier(ctx, follow, ctx.t("dossiers.started", kind=kind_name(ctx.t, kind)))


@router.on_button(FLOW, "m03")
async def send_mau03(ctx: Context) -> None:
    """The commune's Mẫu 03 draft for this dossier, prefilled from the producer's answers, as DOCX and PDF."""
    if (dossier := await dossier_from(ctx, ctx.arg)) is None:
        return
    draft = await build_mau03(ctx.repos.session, ctx.content, dossier)
    docx, pdf = await render_mau03(draft)
    docx_name, pdf_name = file_names(draft, ctx.now.astimezone(ctx.t.tz))
    ctx.reply("dossiers.mau03_docx", attachment=Attachment(docx_name, docx, is_image=False))
    ctx.reply("dossiers.mau03_pdf", attachment=Attachment(pdf_name, pdf, is_image=False),
              buttons=[[ctx.button("dossiers.back_to_dossier", FLOW, "open", dossier.id)], back_to_menu_row(ctx)])
