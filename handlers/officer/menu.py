"""The officer section: one menu of officer tools, shown only to officers and admins.

Every officer module builds its router with `officer_router()` (handlers/officer/guard.py): the role is
checked on the server before every officer handler, whatever button payload arrived.
A tool plugs in by adding its entry to OFFICER_MENU, pointing at its own starting payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.messages import Button
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()


@dataclass(frozen=True)
class OfficerEntry:
    label: str  # catalog id
    payload: str
    admin_only: bool = False


OFFICER_MENU: list[OfficerEntry] = [
    OfficerEntry(N_("broadcast.menu"), "broadcast:new"),
    OfficerEntry(N_("broadcast.history"), "broadcast:history"),
    OfficerEntry(N_("officer.tickets"), "inbox:list:open"),
    OfficerEntry(N_("dossiers.menu"), "odossier:list:all:0"),
    OfficerEntry(N_("officer_tools.calendar"), "calendar:list"),
    OfficerEntry(N_("officer_tools.bulletin"), "officer_bulletin:start"),
    OfficerEntry(N_("officer_tools.stats"), "stats:show"),
    OfficerEntry(N_("officer_tools.export"), "export:ask"),
    OfficerEntry(N_("web.menu"), "web:link"),
    OfficerEntry(N_("roles.menu"), "roles:menu", admin_only=True),
    OfficerEntry(N_("roles.audit_menu"), "audit:list", admin_only=True),
]


def show_officer_menu(ctx: Context) -> None:
    ctx.clear_flow()
    entries = [e for e in OFFICER_MENU if not e.admin_only or ctx.user.role == "admin"]
    buttons = [Button(ctx.t(e.label), e.payload) for e in entries]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    ctx.reply("officer.title", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button("officer", "menu")
async def open_officer_menu(ctx: Context) -> None:
    """The officer section of the menu (officers only)."""
    show_officer_menu(ctx)


@router.command("officer")
async def officer_command(ctx: Context) -> None:
    """/officer opens the officer section (officers only)."""
    show_officer_menu(ctx)
