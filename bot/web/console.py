"""The web console's frame: what every page gets (the officer, their translator, a database transaction),
the checks every request passes, and the two kinds of route.

- `page(path, handler, admin=False)`: a GET page; a request without a live session gets 401 and the
  "ask the bot for a link" page, a producer's session 403, an officer on an admin page 403.
- `action(path, handler, admin=False)`: a POST that changes something; the same checks, then the form is
  read (multipart streamed, with a size limit) and its CSRF token compared in constant time: missing or
  wrong is 403 and nothing runs.

Each request runs in one database transaction, committed when the handler returns. Pages are rendered by
Jinja2 (aiohttp-jinja2) with autoescape; texts come from the Babel catalogs (`web.po`) through `t`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import BodyPartReader, web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content
from bot.core.config import Settings
from bot.core.i18n import I18n, Translator
from bot.web.access import STAFF, Signed, current, session_id_from
from db.models import utcnow

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
COOKIE, LANG_COOKIE = "ocop_web", "ocop_web_lang"
FORM_LIMIT = 12 * 1024 * 1024  # a broadcast photo may be 10 MB before it is made smaller
CONSOLE: web.AppKey[Console] = web.AppKey("console")
Handler = Callable[["Page"], Awaitable[web.StreamResponse]]


@dataclass
class Console:
    """What the console needs of the running bot (never a channel)."""

    sessions: async_sessionmaker[AsyncSession]
    content: Content
    i18n: I18n
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Form:
    fields: dict[str, str]
    files: dict[str, tuple[str, bytes]]  # name → (file name, bytes)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default).strip()


@dataclass
class Page:
    """One request as a handler sees it."""

    request: web.Request
    console: Console
    db: AsyncSession
    signed: Signed | None
    t: Translator
    now: datetime
    form: Form | None = None

    @property
    def officer_id(self) -> int:
        assert self.signed is not None
        return self.signed.user.id

    def render(self, template: str, status: int = 200, **values: Any) -> web.Response:
        context = {"t": self.t, "signed": self.signed, "csrf": self.signed.csrf if self.signed else "",
                   "path": self.request.path, "lang": self.t.locale, "now": self.now, **values}
        response = aiohttp_jinja2.render_template(template, self.request, context, status=status)
        return response

    def redirect(self, location: str) -> web.Response:
        """303 See Other: after a form, the browser GETs the result (a reload never posts twice)."""
        return web.Response(status=303, headers={"Location": location})


def whole_number(text: str, most: int = 2_000_000_000) -> int | None:
    """An id or a year from a URL or a form: decimal digits only, and small enough for an INTEGER column
    (a longer one would be a database error on PostgreSQL, i.e. a 500, instead of a plain 404)."""
    text = text.strip()
    # ASCII only: str.isdecimal() also takes "١" or "２", which int() reads as 1 or 2
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 10 and int(text) <= most else None


def translator_for(request: web.Request, console: Console, signed: Signed | None) -> Translator:
    chosen = request.cookies.get(LANG_COOKIE)
    locale = chosen if chosen in ("vi", "en") else (signed.user.locale if signed else None)
    return console.i18n.translator(locale or console.settings.default_locale)


async def _signed_in(request: web.Request, console: Console, db: AsyncSession, now: datetime) -> Signed | None:
    session_id = session_id_from(console.settings.web_secret, request.cookies.get(COOKIE))
    return await current(db, session_id, now) if session_id else None


def _same_origin(request: web.Request, console: Console) -> bool:
    """A browser's POST names where the form came from; a form on another site is refused (a missing or
    "null" Origin, from older or privacy-minded browsers, is left to the CSRF token, checked anyway)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return True
    host = urlsplit(origin).netloc
    return host in (request.host, urlsplit(console.settings.web_url).netloc)


async def read_form(request: web.Request, limit: int = FORM_LIMIT) -> Form:
    """The posted fields and files; multipart is streamed so a big upload is refused (413) at `limit`."""
    if not request.content_type.startswith("multipart/"):
        data = await request.post()
        return Form({k: str(v) for k, v in data.items() if isinstance(v, str)}, {})
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    total = 0
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        chunks = []
        while chunk := await part.read_chunk(64 * 1024):
            total += len(chunk)
            if total > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=total)
            chunks.append(chunk)
        data = b"".join(chunks)
        if part.filename:
            if data:
                files[part.name] = (part.filename, data)
        else:
            fields[part.name] = data.decode(part.get_charset("utf-8"), "replace")
    return Form(fields, files)


def _guarded(handler: Handler, *, admin: bool, posts: bool) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def run(request: web.Request) -> web.StreamResponse:
        console = request.app[CONSOLE]
        now = console.clock()
        async with console.sessions() as db, db.begin():
            signed = await _signed_in(request, console, db, now)
            page = Page(request, console, db, signed, translator_for(request, console, signed), now)
            if signed is None:
                return page.render("signin.html", status=401)
            if signed.user.role not in STAFF or (admin and not signed.is_admin):
                return page.render("refused.html", status=403)
            if posts:
                if not _same_origin(request, console):
                    return page.render("refused.html", status=403, reason="origin")
                page.form = await read_form(request)
                if not hmac.compare_digest(page.form.get("csrf"), signed.csrf):
                    return page.render("refused.html", status=403, reason="csrf")
            return await handler(page)

    return run


@dataclass
class Routes:
    """The console's routes, declared by the page modules."""

    table: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = field(default_factory=list)

    def page(self, path: str, handler: Handler, *, admin: bool = False) -> None:
        self.table.append(("GET", path, _guarded(handler, admin=admin, posts=False)))

    def action(self, path: str, handler: Handler, *, admin: bool = False) -> None:
        self.table.append(("POST", path, _guarded(handler, admin=admin, posts=True)))

    def public(self, method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.table.append((method, path, handler))


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """No framing, no inline scripts, no Referer to other sites (a sign-in link must not leak), pages never
    cached. ("same-origin", not "no-referrer": with the latter Chrome posts forms with `Origin: null`.)"""
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith("/web/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def build(console: Console, routes: Routes) -> web.Application:
    """The console as an aiohttp sub-application (mounted at /web on the bot's server)."""
    sub = web.Application(middlewares=[security_headers])
    sub[CONSOLE] = console
    env = aiohttp_jinja2.setup(sub, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined)
    env.globals["static"] = lambda name: f"/web/static/{name}"
    for method, path, handler in routes.table:
        sub.router.add_route(method, path, handler)
    sub.router.add_static("/static/", HERE / "static")
    return sub
