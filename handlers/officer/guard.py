"""The role check for every officer route, in one place: officer modules build their router with
`officer_router()` (or `admin_router()`), and the router runs the check before each of its handlers,
whatever button payload or command arrived (a producer can forge any payload)."""

from __future__ import annotations

from bot.core.context import Context, Guard, Router
from handlers.producer.menu import show_menu


def require_officer(ctx: Context) -> bool:
    """True for an officer or admin; otherwise a polite refusal and the menu, nothing changed."""
    if not ctx.is_officer:
        show_menu(ctx, "officer.refused")
    return ctx.is_officer


def require_admin(ctx: Context) -> bool:
    """True for an admin; otherwise the same refusal as for a producer."""
    if ctx.user.role != "admin":
        show_menu(ctx, "officer.refused")
    return ctx.user.role == "admin"


def officer_router(guard: Guard = require_officer) -> Router:
    return Router(guard=guard)


def admin_router() -> Router:
    return Router(guard=require_admin)
