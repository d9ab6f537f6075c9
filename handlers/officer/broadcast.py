"""Officer broadcasts in chat: write the text (optionally with a photo or a document), choose the
audience with buttons (the count updates live), preview exactly what producers will see, choose when,
confirm. The outbox and the delivery worker send it; bot/broadcasts/progress.py shows progress. History
and cancelling: broadcast_history.py. Files: handlers/officer/broadcast_file.py.

Every broadcast has a text: a photo or document sent without a caption is kept and the text is asked
next (a bare file from the province, with no word on what it is, would puzzle producers; and the text
is what history, the audit log and notifications show). The officer can go back to change the text or
the file, or take the file off, from the audience screen; nothing written is lost on the way.

State (flow "broadcast"): {"text": str, "media": {"id", "name", "mime", "is_image", "size"} | None,
"segment": {key: value}, "due": ISO datetime}. The file's bytes are in table broadcast_media.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.broadcasts.operations import (
    BroadcastError,
    MediaGone,
    check_segment,
    create_broadcast,
    goes_out_at,
    recipients,
)
from bot.broadcasts.source import broadcast_parts
from bot.core.context import Context, payload
from bot.core.i18n import N_
from bot.core.messages import Button, Kind
from bot.officer.labels import DOSSIER_LABELS, segment_value
from db.audit import audit
from db.models import Profile
from handlers.officer.broadcast_file import attached_line, preview_attachment, receive_file, remove_file
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()
FLOW = "broadcast"
TYPED_TIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})\s+(\d{1,2})[:hH](\d{2})\s*$")
DIMENSIONS = {"commune": N_("broadcast.dim_commune"), "group": N_("broadcast.dim_group"),
              "type": N_("broadcast.dim_type"), "stars": N_("broadcast.dim_stars"),
              "dossier": N_("broadcast.dim_dossier")}


def value_label(ctx: Context, key: str, value: str) -> str:
    return segment_value(ctx.content, ctx.t, key, value)


def describe(ctx: Context, segment: dict[str, str]) -> str:
    """The audience in words: "everyone" or one line per chosen key."""
    if not segment:
        return ctx.t("broadcast.everyone")
    return "\n".join(f"• {ctx.t(DIMENSIONS[k])}: {value_label(ctx, k, v)}" for k, v in segment.items())


async def show_segment(ctx: Context) -> None:
    segment = ctx.data.get("segment", {})
    media = ctx.data.get("media")
    count = len(await recipients(ctx.repos.session, ctx.content, segment))
    dims = [ctx.button(label, "broadcast", "dim", key) for key, label in DIMENSIONS.items()]
    draft = [ctx.button("broadcast.edit_text", "broadcast", "compose")]
    if media:
        draft.append(ctx.button("broadcast.detach", "broadcast", "detach"))
    rows = [dims[0:2], dims[2:4], [dims[4], ctx.button("broadcast.clear", "broadcast", "clear")], draft,
            [ctx.button("broadcast.to_preview", "broadcast", "preview")], back_to_menu_row(ctx)]
    text = ctx.t("broadcast.segment", audience=describe(ctx, segment), count=count)
    ctx.reply_text(f"{attached_line(ctx, media)}\n\n{text}" if media else text, buttons=rows)


@router.on_button("broadcast", "new")
async def start_broadcast(ctx: Context) -> None:
    """Starts a new, empty broadcast: asks for the text, or a photo or document with a caption."""
    ctx.clear_flow()
    ctx.go(FLOW, "text")
    ctx.reply("broadcast.ask_text", buttons=[back_to_menu_row(ctx)])


@router.on_answer(FLOW, "text")
async def got_text(ctx: Context) -> None:
    """Stores the text, or a photo/document (its caption, if any, becomes the text); asks for the text
    while there is none, else for the audience."""
    if ctx.inbound.kind is Kind.FILE:
        media = await receive_file(ctx)  # a refused file was explained; the draft stays as it was
        if media is None:
            return
        ctx.remember(media=media, **({"text": ctx.text} if ctx.text else {}))
    elif ctx.inbound.kind is Kind.TEXT and ctx.text:
        ctx.remember(text=ctx.text)
    else:  # a location, a contact…
        ctx.reply("broadcast.text_or_file", buttons=[back_to_menu_row(ctx)])
        return
    if not ctx.data.get("text"):
        media = ctx.data["media"]
        rows = [[ctx.button("broadcast.detach", "broadcast", "detach")], back_to_menu_row(ctx)]
        ctx.reply("broadcast.ask_caption", buttons=rows, attached=attached_line(ctx, media))
        return
    ctx.go(FLOW, "segment", segment=ctx.data.get("segment", {}))
    await show_segment(ctx)


@router.on_button("broadcast", "compose")
async def edit_draft(ctx: Context) -> None:
    """Back to writing: shows the text kept; a new text or file replaces the old, Keep goes back."""
    if ctx.state.flow != FLOW or not ctx.data.get("text"):
        return
    ctx.go(FLOW, "text")
    rows = [[ctx.button("broadcast.keep", "broadcast", "audience")], back_to_menu_row(ctx)]
    ctx.reply("broadcast.ask_new_text", buttons=rows, text=ctx.data["text"])


@router.on_button("broadcast", "detach")
async def detach_file(ctx: Context) -> None:
    """Takes the photo or document off the draft (the text stays); back to the audience, or to the text."""
    if ctx.state.flow != FLOW:
        return
    await remove_file(ctx)
    if ctx.data.get("text"):
        ctx.go(FLOW, "segment")
        await show_segment(ctx)
    else:
        ctx.go(FLOW, "text")
        ctx.reply("broadcast.ask_text", buttons=[back_to_menu_row(ctx)])


async def dimension_values(ctx: Context, key: str) -> list[str]:
    programme = ctx.content.programme
    if key == "commune":  # the communes producers are in, most producers first
        query = (select(Profile.commune_code).where(Profile.commune_code.is_not(None))
                 .group_by(Profile.commune_code).order_by(func.count().desc(), Profile.commune_code).limit(12))
        return [c for c in (await ctx.repos.session.execute(query)).scalars() if c in ctx.content.communes.by_code]
    if key == "group":
        return [g.code for g in programme.product_groups.items]
    if key == "type":
        return [t.code for t in programme.producer_types.items]
    return ["5", "4+", "3+", "2+", "1+", "0"] if key == "stars" else list(DOSSIER_LABELS)


@router.on_button("broadcast", "dim")
async def choose_dimension(ctx: Context) -> None:
    """Shows the values of one audience filter (commune, group, type, stars, dossier) as buttons."""
    if ctx.state.flow != FLOW or ctx.arg not in DIMENSIONS:
        return
    values = await dimension_values(ctx, ctx.arg)
    buttons = [Button(value_label(ctx, ctx.arg, v), payload("broadcast", "set", "=".join((ctx.arg, v)))) for v in values]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button("broadcast.any", "broadcast", "set", ctx.arg + "=")])
    ctx.reply("broadcast.choose_value", buttons=[*rows, back_to_menu_row(ctx)], dimension=ctx.t(DIMENSIONS[ctx.arg]))


@router.on_button("broadcast", "set")
async def set_filter(ctx: Context) -> None:
    """Adds (or with an empty value removes) one audience filter; shows the new count."""
    if ctx.state.flow != FLOW:
        return
    key, _, value = ctx.arg.partition("=")
    others = {k: v for k, v in ctx.data.get("segment", {}).items() if k != key}
    try:
        ctx.remember(segment=check_segment({**others, key: value} if value else others, ctx.content))
    except BroadcastError:
        ctx.reply("broadcast.bad_filter")  # a forged or stale value: the audience stays as it was
    await show_segment(ctx)


@router.on_button("broadcast", "clear")
async def clear_filters(ctx: Context) -> None:
    """Removes every audience filter: everyone."""
    if ctx.state.flow == FLOW:
        ctx.remember(segment={})
        await show_segment(ctx)


@router.on_button("broadcast", "preview")
async def preview(ctx: Context) -> None:
    """Shows the message exactly as producers will see it; asks when to send it."""
    if not ctx.data.get("text"):
        return
    media, attachment = ctx.data.get("media"), None
    if media:
        attachment = await preview_attachment(ctx, media)
        if attachment is None:  # removed meanwhile (an abandoned draft's file, after two days)
            ctx.remember(media=None)
            ctx.go(FLOW, "segment")
            ctx.reply("broadcast.file_gone")
            await show_segment(ctx)
            return
    ctx.reply("broadcast.preview_intro")
    for part in broadcast_parts(ctx.data["text"], attachment, ctx.inbound.channel):  # as the delivery cuts it
        ctx.reply_text(part.text, attachment=part.attachment)
    rows = [[ctx.button("broadcast.when_now", "broadcast", "when", "now"), ctx.button("broadcast.when_hour", "broadcast", "when", "1h")],
            [ctx.button("broadcast.when_tomorrow", "broadcast", "when", "tomorrow"),
             ctx.button("broadcast.when_typed", "broadcast", "when", "typed")],
            [ctx.button("broadcast.edit_audience", "broadcast", "audience")], back_to_menu_row(ctx)]
    ctx.go(FLOW, "when")
    ctx.reply("broadcast.ask_when", buttons=rows)


@router.on_button("broadcast", "audience")
async def back_to_audience(ctx: Context) -> None:
    """Back to the audience screen (text and filters kept)."""
    if ctx.data.get("text"):
        ctx.go(FLOW, "segment")
        await show_segment(ctx)


def local_zone(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.settings.timezone)


@router.on_button("broadcast", "when")
async def choose_when(ctx: Context) -> None:
    """Stores when to send (now, in an hour, tomorrow 08:00) or asks for a typed time; asks to confirm."""
    if not ctx.data.get("text"):
        return
    local = ctx.now.astimezone(local_zone(ctx))
    if ctx.arg == "typed":
        ctx.reply("broadcast.ask_time", buttons=[back_to_menu_row(ctx)])
        return
    due = {"now": ctx.now, "1h": ctx.now + timedelta(hours=1),
           "tomorrow": (local + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)}.get(ctx.arg)
    if due is None:
        return
    await ask_confirm(ctx, due)


@router.on_answer(FLOW, "when")
async def typed_time(ctx: Context) -> None:
    """Stores a typed local time dd/mm HH:MM (this year, or next if it has passed); asks to confirm."""
    due = parse_local_time(ctx.text, ctx.now, local_zone(ctx))
    if due is None:
        ctx.reply("broadcast.bad_time", buttons=[back_to_menu_row(ctx)])
        return
    await ask_confirm(ctx, due)


def parse_local_time(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    match = TYPED_TIME.match(text)
    if not match:
        return None
    day, month, hour, minute = (int(g) for g in match.groups())
    local_now = now.astimezone(zone)
    for year in (local_now.year, local_now.year + 1):
        try:
            due = datetime(year, month, day, hour, minute, tzinfo=zone)
        except ValueError:
            return None
        if due > local_now:
            return due
    return None


async def ask_confirm(ctx: Context, due: datetime) -> None:
    segment = ctx.data.get("segment", {})
    count = len(await recipients(ctx.repos.session, ctx.content, segment))
    ctx.go(FLOW, "confirm", due=due.isoformat())
    rows = [[ctx.button("broadcast.confirm", "broadcast", "confirm")], [ctx.button("broadcast.edit_audience", "broadcast", "audience")],
            back_to_menu_row(ctx)]
    ctx.reply("broadcast.confirm_question", buttons=rows, count=count, when=due,
              audience=describe(ctx, segment), quiet=quiet_note(ctx, due))


def quiet_note(ctx: Context, due: datetime) -> str:
    """A warning line when `due` falls in quiet hours, saying when the broadcast will really go; else ''."""
    starts = goes_out_at(due, ctx.settings)
    return "" if starts == due else "\n" + ctx.t("broadcast.quiet_warning", when=starts)


@router.on_button("broadcast", "confirm")
async def confirm(ctx: Context) -> None:
    """Creates the broadcast and its outbox rows (due at the chosen time), audited; offers to cancel it."""
    data: dict[str, Any] = ctx.data
    if ctx.state.flow != FLOW or not data.get("text") or not data.get("due"):
        ctx.reply("broadcast.nothing_to_send", buttons=[back_to_menu_row(ctx)])
        return
    try:
        broadcast = await create_broadcast(ctx.repos.session, ctx.content, officer_id=ctx.user.id,
                                           text=data["text"], segment=data.get("segment", {}),
                                           due_at=datetime.fromisoformat(data["due"]), media=data.get("media"),
                                           now=ctx.now)
    except MediaGone:  # its file was removed meanwhile: nothing was written
        ctx.remember(media=None)
        ctx.go(FLOW, "segment")
        ctx.reply("broadcast.file_gone")
        await show_segment(ctx)
        return
    details = {"broadcast": broadcast.id, "audience": broadcast.total, "segment": broadcast.segment,
               "due_at": data["due"]}
    if broadcast.media:
        details["media"] = {k: broadcast.media[k] for k in ("name", "mime", "size")}
    await audit(ctx, ctx.user.id, "broadcast.create", details)
    ctx.clear_flow()
    rows = [[ctx.button("broadcast.cancel", "broadcast", "cancel", broadcast.id)], [ctx.button("broadcast.history", "broadcast", "history")],
            back_to_menu_row(ctx)]
    ctx.reply("broadcast.created", buttons=rows, id=broadcast.id, count=broadcast.total, when=broadcast.due_at)
