"""Admins manage officers in chat (type CHANNEL:ID or pick a recent user, then confirm) and read the
audit log. Its router is `admin_router()`: the admin role is checked before every handler, so a forged payload changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Context
from bot.core.typed import payload_id
from bot.officer.roles import OFFICER, PRODUCER, RoleError, parse_address, set_role, staff
from db.audit import audit, recent
from db.models import Profile, User
from handlers.officer.guard import admin_router
from handlers.producer.menu import back_to_menu_row

router = admin_router()
FLOW = "roles"


def user_label(user: User, org_name: str | None = None) -> str:
    return f"{org_name} ({user.channel}:{user.channel_user_id})" if org_name else f"{user.channel}:{user.channel_user_id}"


@router.on_button("roles", "menu")
async def show_roles(ctx: Context) -> None:
    """Lists officers and admins with a Remove button each; offers Add."""
    ctx.clear_flow()
    people = await staff(ctx.repos.session)
    lines = [ctx.t("roles.title")] + [f"• {user_label(u)} — {u.role}" for u in people]
    rows = [[ctx.button("roles.remove", "roles", "rm", u.id, who=user_label(u))] for u in people
            if u.role == OFFICER]
    ctx.reply_text("\n".join(lines), buttons=[[ctx.button("roles.add", "roles", "add")], *rows, back_to_menu_row(ctx)])


@router.on_button("roles", "add")
async def ask_who(ctx: Context) -> None:
    """Asks for CHANNEL:ID, with the most recent producers as buttons."""
    query = (select(User, Profile.org_name).outerjoin(Profile, Profile.user_id == User.id)
             .where(User.role == PRODUCER).order_by(User.last_seen_at.desc()).limit(6))
    rows = [[ctx.button("roles.pick", "roles", "pick", u.id, who=user_label(u, name))]
            for u, name in (await ctx.repos.session.execute(query)).all()]
    ctx.go(FLOW, "who")
    ctx.reply("roles.ask_who", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_answer(FLOW, "who")
async def typed_who(ctx: Context) -> None:
    """Reads a typed CHANNEL:ID; asks to confirm making them an officer."""
    try:
        channel, user_id = parse_address(ctx.text)
    except RoleError:
        ctx.reply("roles.bad_address", buttons=[back_to_menu_row(ctx)])
        return
    user = await known_or_new(ctx, channel, user_id)
    ask_confirm(ctx, user_label(user), f"{channel}:{user_id}")


async def known_or_new(ctx: Context, channel: str, user_id: str) -> User:
    found = await ctx.repos.users.by_channel_id(channel, user_id)
    return found or User(channel=channel, channel_user_id=user_id, role=PRODUCER)


def ask_confirm(ctx: Context, who: str, address: str) -> None:
    ctx.go(FLOW, "confirm", address=address)
    rows = [[ctx.button("roles.confirm_add", "roles", "ok")], back_to_menu_row(ctx)]
    ctx.reply("roles.confirm_question", buttons=rows, who=who)


@router.on_button("roles", "pick")
async def picked_user(ctx: Context) -> None:
    """A recent user picked from the list; asks to confirm making them an officer."""
    user = await ctx.repos.session.get(User, number) if (number := payload_id(ctx.arg)) is not None else None
    if user is None:
        ctx.reply("roles.bad_address", buttons=[back_to_menu_row(ctx)])
        return
    ask_confirm(ctx, user_label(user), f"{user.channel}:{user.channel_user_id}")


@router.on_button("roles", "ok")
async def confirm_add(ctx: Context) -> None:
    """Makes the confirmed user an officer (audited)."""
    address = ctx.data.get("address") if ctx.state.flow == FLOW else None
    if not address:
        ctx.reply("roles.bad_address", buttons=[back_to_menu_row(ctx)])
        return
    channel, user_id = parse_address(address)
    await set_role(ctx.repos.session, channel, user_id, OFFICER)
    await audit(ctx, ctx.user.id, "officer.add", {"address": address})
    ctx.clear_flow()
    ctx.reply("roles.added", buttons=[[ctx.button("roles.menu", "roles", "menu")], back_to_menu_row(ctx)], who=address)


@router.on_button("roles", "rm")
async def remove_officer(ctx: Context) -> None:
    """Makes an officer a producer again (admins are changed from the command line only; audited)."""
    user = await ctx.repos.session.get(User, number) if (number := payload_id(ctx.arg)) is not None else None
    if user is None or user.role != OFFICER:
        ctx.reply("roles.bad_address", buttons=[back_to_menu_row(ctx)])
        return
    user.role = PRODUCER
    await audit(ctx, ctx.user.id, "officer.remove", {"address": f"{user.channel}:{user.channel_user_id}"})
    ctx.reply("roles.removed", buttons=[[ctx.button("roles.menu", "roles", "menu")], back_to_menu_row(ctx)],
              who=user_label(user))


@router.on_button("audit", "list")
async def show_audit(ctx: Context) -> None:
    """The last 20 officer actions (admins only)."""
    lines = [ctx.t("roles.audit_title")]
    for entry in await recent(ctx.repos.session):
        details = ", ".join(f"{k}={v}" for k, v in entry.details.items())
        lines.append(ctx.t("roles.audit_line", when=entry.created_at, who=entry.officer_id or "cli",
                           action=entry.action, details=details))
    ctx.reply_text("\n".join(lines), buttons=[back_to_menu_row(ctx)])
