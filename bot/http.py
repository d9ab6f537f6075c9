"""The bot's own aiohttp server: Telegram webhook, Zalo webhook, health checks share one port."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.web = web.Application(client_max_size=2 * 1024 * 1024)
        self._runner: web.AppRunner | None = None
        self.web.router.add_get("/healthz", self._healthz)

    def add_post(self, path: str, handler: RouteHandler) -> None:
        self.web.router.add_post(path, handler)

    def add_get(self, path: str, handler: RouteHandler) -> None:
        self.web.router.add_get(path, handler)

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # Port 0 in tests: read back the port the OS chose.
        sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001 - aiohttp exposes no accessor
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("HTTP server on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
