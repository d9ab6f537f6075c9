"""The main menu, help, the way back from anywhere, and answers to buttons that are out of date."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Button

router = Router()

# Telegram's command menu (setMyCommands): command → catalog id of its description.
COMMANDS = {
    "start": N_("commands.start"),
    "menu": N_("commands.menu"),
    "help": N_("commands.help"),
    "cancel": N_("commands.cancel"),
}


@dataclass(frozen=True)
class MenuEntry:
    label: str  # catalog id
    payload: str  # the button it presses; "menu:soon:<name>" until the capability exists


# The main menu, in the order producers see it (two per row). A capability plugs in by pointing its
# entry at its own starting payload.
MENU: list[MenuEntry] = [
    MenuEntry(N_("menu.eligibility"), "eligibility:start"),
    MenuEntry(N_("menu.documents"), "dossier:open"),
    MenuEntry(N_("menu.deadlines"), "deadlines:open"),
    MenuEntry(N_("menu.assessment"), "assessment:open"),
    MenuEntry(N_("menu.bulletin"), "bulletin:list"),
    MenuEntry(N_("menu.questions"), "faq:open"),
    MenuEntry(N_("menu.settings"), "settings:open"),
]


def menu_buttons(ctx: Context) -> list[list[Button]]:
    buttons = [Button(ctx.t(entry.label), entry.payload) for entry in MENU]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if ctx.is_officer:  # producers never see the officer section
        rows.append([ctx.button("menu.officer", "officer", "menu")])
    return rows


def show_menu(ctx: Context, msgid: str = N_("menu.title")) -> None:
    """Leave any flow (saved answers stay saved) and show the main menu."""
    ctx.clear_flow()
    ctx.reply(msgid, buttons=menu_buttons(ctx))


def back_to_menu_row(ctx: Context) -> list[Button]:
    return [ctx.button("menu.back", "menu:open")]


def page_of(count: int, page: int, size: int) -> tuple[int, int]:
    """The page to show (clamped into range) and how many pages `count` items fill, at least one."""
    pages = max(1, -(-count // size))
    return min(max(page, 0), pages - 1), pages


def paging_row(ctx: Context, page: int, pages: int, flow: str, action: str, *args: object) -> list[Button]:
    """"◀ Trang trước" / "Trang sau ▶" where there is such a page; the page number goes last in the payload."""
    row = []
    if page > 0:
        row.append(ctx.button("dossier.previous_page", flow, action, *args, page - 1))
    if page < pages - 1:
        row.append(ctx.button("dossier.next_page", flow, action, *args, page + 1))
    return row


@router.command("menu", "cancel", "huy")
async def open_menu(ctx: Context) -> None:
    """Stops whatever was going on (nothing saved is lost) and shows the main menu."""
    show_menu(ctx)


@router.on_button("menu", "open")
async def press_menu(ctx: Context) -> None:
    """The "Menu" button anywhere: shows the main menu."""
    show_menu(ctx)


@router.command("help")
async def show_help(ctx: Context) -> None:
    """Explains what the bot does and how to get around; then the menu."""
    ctx.reply("help.text")
    show_menu(ctx)


@router.on_button("menu", "soon")
async def not_built_yet(ctx: Context) -> None:
    """A menu entry whose capability is not ready: says so politely and shows the menu again."""
    show_menu(ctx, "menu.coming_soon")


@router.command("stale_button")
async def stale_button(ctx: Context) -> None:
    """A button from an old message or an unknown payload: nothing changes; the menu again."""
    show_menu(ctx, "menu.stale_button")

