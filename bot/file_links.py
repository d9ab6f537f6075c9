"""Download links on the bot's own HTTP server: GET /files/{token} serves a file the bot built for a user
where the platform cannot carry it (the dossier ZIP on Zalo, which sends no ZIP, or one over Telegram's
50 MB; handlers/producer/dossier_send.py makes the link with db/file_links.py).

The token is 32 random bytes (secrets.token_urlsafe); the database keeps only its SHA-256, so a copy of the
database holds no working link. A link lasts OCOP_FILE_LINK_MINUTES and OCOP_FILE_LINK_FETCHES downloads; a
HEAD request (a chat app's link preview) is answered without counting. The response is never cached and
sends no Referer onwards. A link that no longer works gets a short page in the user's language saying to
ask again in the chat. It sits behind the same HTTPS proxy as the webhooks (README "The dossier ZIP").
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from aiohttp import web
from babel import Locale, UnknownLocaleError

from bot.core.i18n import N_
from db.file_links import fetch_file

log = logging.getLogger(__name__)
ROUTE = "/files/{token}"
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex"}


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback name, and the exact one as RFC 5987 UTF-8 for browsers that read it."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _page_locale(request: web.Request, stored: str, default: str) -> str:
    if stored in ("vi", "en"):
        return stored
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in request.headers.get("Accept-Language", "").split(",")]
    try:
        best = Locale.negotiate([w for w in wanted if w], ["vi", "en"], sep="_")
    except (UnknownLocaleError, ValueError):
        best = None
    return str(best) if best else default


def mount_file_links(http: Any, app: Any) -> None:
    """Add GET (and HEAD) /files/{token} to the bot's HttpServer before it starts."""

    async def serve(request: web.Request) -> web.StreamResponse:
        head = request.method == "HEAD"
        settings = app.settings
        async with app.sessions() as session, session.begin():
            found = await fetch_file(session, request.match_info["token"], now=app.engine.clock(),
                                     max_fetches=settings.file_link_fetches, count=not head)
        if found.reason:
            t = app.i18n.translator(_page_locale(request, found.locale, settings.default_locale))
            body = (f"<!doctype html><html lang=\"{t.locale}\"><meta charset=\"utf-8\">"
                    f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    f"<title>{html.escape(t('files.page_title'))}</title>"
                    f"<body style=\"font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em\">"
                    f"<h1>{html.escape(t('files.page_title'))}</h1>"
                    f"<p>{html.escape(t('files.' + found.reason))}</p></body></html>")
            status = 404 if found.reason == "unknown" else 410
            return web.Response(status=status, text=body, content_type="text/html", charset="utf-8", headers=_HEADERS)
        headers = dict(_HEADERS, **{"Content-Disposition": content_disposition(found.name)})
        if not head:  # aiohttp answers HEAD with the headers only
            log.info("file link fetched (%d bytes)", len(found.data))  # never the token: it is the key
        return web.Response(status=200, body=found.data, headers=headers, content_type=found.mime)

    http.add_get(ROUTE, serve)


N_("files.unknown"), N_("files.expired"), N_("files.used_up")  # the page texts, for the catalog check
