"""The officers' web console: server-rendered pages on the bot's own aiohttp server, at /web, over the same
operations the chat tools and the CLI use (segments, broadcasts, statistics, exports, deadlines, bulletin,
inbox replies). Signed-in through a single-use link an officer asks for in chat (/web). Never imports a
channel: what it sends goes through the outbox, like every push.

`mount_web_console(http, app)` adds it to the server before it starts (bot/runner.py, when OCOP_WEB_ENABLED).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.console import Console, Routes, build


def routes() -> Routes:
    from bot.web import (
        broadcasts,
        bulletin,
        calendar,
        dashboard,
        dossiers,
        exports,
        inbox,
        officers,
        producers,
        signin,
    )

    table = Routes()
    for module in (signin, dashboard, producers, dossiers, broadcasts, inbox, calendar, bulletin, exports, officers):
        module.add_routes(table)
    return table


def mount_web_console(http: Any, app: Any) -> web.Application:
    """Mount the console at /web on the bot's HttpServer; `app` is the wired bot (sessions, content, i18n,
    settings). Stops the start when OCOP_WEB_SECRET is missing or weak."""
    app.settings.require_web()
    console = Console(app.sessions, app.content, app.i18n, app.settings, clock=app.engine.clock)
    sub = build(console, routes())

    async def to_dashboard(request: web.Request) -> web.StreamResponse:
        return web.Response(status=308, headers={"Location": "/web/"})

    http.add_get("/web", to_dashboard)
    http.web.add_subapp("/web", sub)
    return sub
