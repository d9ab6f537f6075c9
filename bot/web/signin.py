"""Signing in and out. The link from chat opens a page with one button: only its POST uses the link, so a
chat app fetching the URL for a preview cannot spend it. Failed attempts are audited and rate-limited per
client address; a success is audited and sets the session cookie (signed, HttpOnly, SameSite=Lax, Secure
behind HTTPS, expiring with the session)."""

from __future__ import annotations

from aiohttp import web

from bot.web.access import (
    FAILURES_PER_WINDOW,
    cookie_value,
    end_session,
    open_session,
    recent_failures,
    session_id_from,
    use_link,
)
from bot.web.console import CONSOLE, COOKIE, LANG_COOKIE, Page, Routes, read_form, translator_for
from db.audit import audit


def client_address(request: web.Request, trust_forwarded: bool) -> str:
    forwarded = request.headers.get("X-Forwarded-For", "")
    if trust_forwarded and forwarded:
        return forwarded.split(",")[-1].strip()  # the address our own proxy saw
    return request.remote or "?"


async def show_link(request: web.Request) -> web.StreamResponse:
    """GET /web/login/{token}: a "Sign in" button; nothing is used yet."""
    console = request.app[CONSOLE]
    async with console.sessions() as db:
        page = Page(request, console, db, None, translator_for(request, console, None), console.clock())
        return page.render("login.html", token=request.match_info["token"])


async def sign_in(request: web.Request) -> web.StreamResponse:
    """POST /web/login: uses the link once and opens a session; every outcome is audited."""
    console = request.app[CONSOLE]
    settings = console.settings
    now = console.clock()
    client = client_address(request, settings.web_trust_forwarded)
    form = await read_form(request, limit=4096)
    async with console.sessions() as db, db.begin():
        page = Page(request, console, db, None, translator_for(request, console, None), now)
        if await recent_failures(db, client, now) >= FAILURES_PER_WINDOW:
            return page.render("link_refused.html", status=429, reason="too_many")
        user, reason = await use_link(db, form.get("token"), now)
        if user is None:
            await audit(db, None, "web.signin_failed", {"client": client, "reason": reason})
            return page.render("link_refused.html", status=403, reason=reason)
        session_id = await open_session(db, user, now, settings.web_session_hours)
        await audit(db, user.id, "web.signin", {"client": client})
    response = web.Response(status=303, headers={"Location": "/web/"})
    response.set_cookie(COOKIE, cookie_value(settings.web_secret, session_id), path="/web",
                        httponly=True, samesite="Lax", secure=settings.web_url.startswith("https://"),
                        max_age=settings.web_session_hours * 3600)
    return response


async def sign_out(page: Page) -> web.StreamResponse:
    """POST /web/signout (CSRF-checked like every action): the session ends now, the cookie goes."""
    session_id = session_id_from(page.console.settings.web_secret, page.request.cookies.get(COOKIE))
    if session_id:
        await end_session(page.db, session_id, page.now)
        await audit(page.db, page.officer_id, "web.signout", {})
    page.signed = None
    response = page.render("signed_out.html")
    response.del_cookie(COOKIE, path="/web")
    return response


async def choose_language(request: web.Request) -> web.StreamResponse:
    """GET /web/lang/vi|en?next=/web/…: a preference cookie, then back to the page."""
    code = request.match_info["code"]
    target = request.query.get("next", "/web/")
    if not target.startswith("/web/") or "//" in target:
        target = "/web/"
    response = web.Response(status=303, headers={"Location": target})
    if code in ("vi", "en"):
        response.set_cookie(LANG_COOKIE, code, path="/web", samesite="Lax", max_age=365 * 86400)
    return response


def add_routes(routes: Routes) -> None:
    routes.public("GET", "/login/{token}", show_link)
    routes.public("POST", "/login", sign_in)
    routes.public("GET", "/lang/{code}", choose_language)
    routes.action("/signout", sign_out)
