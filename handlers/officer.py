"""The officer section: one menu of officer tools, shown only to officers and admins.

Every officer handler starts with `require_officer(ctx)`: the role is checked on the server for every
request, whatever button payload arrived (a producer can forge any payload).
A tool plugs in by adding its entry to OFFICER_MENU, pointing at its own starting payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context, Router
from bot.i18n import N_
from bot.messages import Button
from handlers.menu import back_to_menu_row, show_menu

router = Router()


@dataclass(frozen=True)
class OfficerEntry:
    label: str  # catalog id
    payload: str
    admin_only: bool = False


OFFICER_MENU: list[OfficerEntry] = [
    OfficerEntry(N_("broadcast.menu"), "bc:new"),
    OfficerEntry(N_("broadcast.history"), "bc:history"),
    OfficerEntry(N_("officer.tickets"), "inbox:list:open"),
    OfficerEntry(N_("officer_tools.calendar"), "cal:list"),
    OfficerEntry(N_("officer_tools.bulletin"), "obul:start"),
    OfficerEntry(N_("officer_tools.stats"), "stats:show"),
    OfficerEntry(N_("officer_tools.export"), "export:ask"),
    OfficerEntry(N_("roles.menu"), "role:menu", admin_only=True),
    OfficerEntry(N_("roles.audit_menu"), "audit:list", admin_only=True),
]


def require_officer(ctx: Context, *, admin: bool = False) -> bool:
    """True for an officer (or admin when `admin`); otherwise a polite refusal and the menu, nothing changed."""
    allowed = ctx.user.role == "admin" if admin else ctx.is_officer
    if not allowed:
        show_menu(ctx, "officer.refused")
    return allowed


def show_officer_menu(ctx: Context) -> None:
    ctx.clear_flow()
    entries = [e for e in OFFICER_MENU if not e.admin_only or ctx.user.role == "admin"]
    buttons = [Button(ctx.t(e.label), e.payload) for e in entries]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    ctx.reply("officer.title", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button("off", "menu")
async def open_officer_menu(ctx: Context) -> None:
    """The officer section of the menu (officers only)."""
    if require_officer(ctx):
        show_officer_menu(ctx)


@router.command("officer")
async def officer_command(ctx: Context) -> None:
    """/officer opens the officer section (officers only)."""
    if require_officer(ctx):
        show_officer_menu(ctx)
