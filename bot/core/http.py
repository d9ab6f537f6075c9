"""The bot's own aiohttp server: Telegram webhook, Zalo webhook, health checks share one port."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.core import metrics

log = logging.getLogger(__name__)

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A health check returns (healthy, details); details go into the /healthz JSON.
HealthCheck = Callable[[], Awaitable[tuple[bool, Any]]]


class HttpServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.web = web.Application(client_max_size=2 * 1024 * 1024)
        self._runner: web.AppRunner | None = None
        self._checks: dict[str, HealthCheck] = {}
        self.web.router.add_get("/healthz", self._healthz)
        self.web.router.add_get("/metrics", self._metrics)

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    def add_post(self, path: str, handler: RouteHandler) -> None:
        self.web.router.add_post(path, handler)

    def add_get(self, path: str, handler: RouteHandler) -> None:
        self.web.router.add_get(path, handler)

    async def _healthz(self, request: web.Request) -> web.Response:
        """200 when every check passes, else 503; each check's details are listed (never personal data)."""
        results: dict[str, Any] = {}
        healthy = True
        for name, check in self._checks.items():
            try:
                ok, details = await check()
            except Exception as exc:  # a failing probe is an unhealthy result, not a crash
                ok, details = False, type(exc).__name__
            healthy = healthy and ok
            results[name] = {"ok": ok, "details": details}
        return web.json_response({"status": "ok" if healthy else "unhealthy", "checks": results},
                                 status=200 if healthy else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), content_type=metrics.CONTENT_TYPE)

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
