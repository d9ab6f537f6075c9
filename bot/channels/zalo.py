"""Zalo Official Account: a signed webhook on our own aiohttp server, and the OA API v3 for sending.

The engine decides; this module only translates. Platform quirks handled here:
- Every event is signed: `X-ZEvent-Signature: mac=<hex SHA-256 of app_id + raw body + timestamp +
  OA secret>` (a plain hash, not an HMAC; the best-supported reading, UNCONFIRMED against Zalo's own
  page). Checked before anything else, in constant time, with a timestamp window against replays.
- Zalo wants an answer within about 2 s and retries for hours otherwise, so the webhook stores the
  verified event (its neutral form, in the `Inbox`), answers 200 once that is committed, and handles
  it from there in a task it keeps (stop() waits for them); a kill before it is handled leaves the
  row, handled at the next start. If the event cannot be stored the answer is 503 (Zalo retries). A
  redelivered event is dropped by the engine's dedup key `zalo:<msg_id>`.
- No reply keyboard: buttons become a template of `oa.query.hide` buttons, whose payload comes back
  as the user's text (the engine takes a registered payload as a press). Buttons over the maximum
  (UNCONFIRMED, OCOP_ZALO_MAX_BUTTONS) become numbered lines, numbered as the engine reads a typed number
  (`messages.numbered`: position, or the item's own number on a numbered list, where the other buttons
  become "•" lines pressed by their label), so typing the number presses them. No "share contact" button: the
  question text already asks to type the number.
- Three message kinds with different windows and quotas (UNCONFIRMED): replies go as consultation
  (`cs`), reminders as `transaction`, bulletins and broadcasts as `promotion`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from bot.channels.base import Handle, Inbox, ReplyOrder, Routes, SendError, SendFailure, receive, split_text
from bot.channels.bounded import MAX_TEXT_CHARS, Refused, parse_object, read_body
from bot.channels.limits import ZALO
from bot.channels.zalo_client import (
    BLOCKED_CODES,
    REFUSED_CODES,
    THROTTLED_CODES,
    TOKEN_INVALID,
    TokenRefreshFailed,
    ZaloApiError,
    ZaloClient,
    classify,
)
from bot.core.messages import (
    Attachment,
    Button,
    FileRef,
    Inbound,
    Kind,
    Outgoing,
    Purpose,
    Sent,
    TryLater,
    numbered,
)

log = logging.getLogger(__name__)

LIMITS = ZALO  # buttons per template: OCOP_ZALO_MAX_BUTTONS (UNCONFIRMED), set per instance
TEXT_LIMIT = LIMITS.text
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # a file a user sent is refused above this, never read whole into memory
ENDPOINTS = {
    Purpose.REPLY: "cs",
    Purpose.REMINDER: "transaction",
    Purpose.BULLETIN: "promotion",
    Purpose.BROADCAST: "promotion",
}
TokenFailure = Callable[[str], Awaitable[None]]
# Errors about the user, the quota/window or the rate: a fresh upload would be refused the same way.
NOT_ABOUT_THE_FILE = BLOCKED_CODES | REFUSED_CODES | THROTTLED_CODES | {TOKEN_INVALID}


class ZaloSettings(Protocol):
    """What this channel reads of the bot's settings (bot/core/config.py has them all)."""

    zalo_app_id: str
    zalo_oa_secret: str
    zalo_webhook_path: str
    zalo_max_age: int
    zalo_max_buttons: int


class ZaloChannel:
    name = "zalo"

    def __init__(self, handle: Handle, settings: ZaloSettings, client: ZaloClient, *, http: Routes | None = None,
                 on_token_failure: TokenFailure | None = None, clock: Callable[[], float] = time.time,
                 inbox: Inbox | None = None) -> None:
        """`on_token_failure(detail)`: tell the officers that Zalo no longer accepts our tokens. `inbox`:
        where events are kept before the 200 (None: handled from memory only, lost on a kill)."""
        self.handle = handle
        self.settings = settings
        self.client = client
        self.http = http
        self.on_token_failure = on_token_failure
        self.clock = clock
        self.inbox = inbox
        self.healthy = True  # False after a token refresh failed, until a send works again
        self._tasks: set[asyncio.Task[None]] = set()
        self.order = ReplyOrder()
        self.limits = replace(LIMITS, buttons=settings.zalo_max_buttons)

    async def start(self) -> None:
        if self.http is None:
            raise RuntimeError("the Zalo webhook needs the bot's HTTP server")
        self.http.add_post(self.settings.zalo_webhook_path, self._on_webhook)
        self.http.add_get("/zalo/health", self._on_health)
        if self.inbox is not None:  # events a stopped process answered and did not handle
            left = await self.inbox.left(self.name)
            if left:
                log.warning("handling %d zalo events stored before the last stop", len(left))
            for event_id, inbound in left:
                self._spawn(inbound, event_id)

    async def stop(self) -> None:
        await self.drain()
        await self.client.close()

    async def drain(self) -> None:
        """Wait until every event already answered with 200 has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _on_health(self, request: web.Request) -> web.Response:
        """503 while Zalo refuses our tokens, for a monitor when no officer could be told."""
        return web.json_response({"zalo": "ok" if self.healthy else "token refresh failed"},
                                 status=200 if self.healthy else 503)

    # --- inbound -------------------------------------------------------------------------------------
    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Signature first, on the raw bytes (size-capped) with OUR app id and the body's timestamp found
        by a bounded pattern, before any JSON is parsed; then depth, type, app id and freshness. What is
        refused changes nothing and is logged without its content."""
        signature = request.headers.get("X-ZEvent-Signature", "")
        if not signature or len(signature) > 100:
            return web.Response(status=403, text="forbidden")
        try:
            body = await read_body(request)
            stamp = raw_timestamp(body)
            if stamp is None or not signature_matches(body, self.settings.zalo_app_id, stamp, signature,
                                                      self.settings.zalo_oa_secret):
                return web.Response(status=403, text="forbidden")
            event = parse_object(body)
        except Refused as refused:
            log.warning("refused a zalo webhook request: %s", refused.reason)
            return refused.response()
        if str(event.get("app_id", "")) != self.settings.zalo_app_id or str(event.get("timestamp", "")) != stamp:
            log.warning("refused a signed zalo event for another app id or with a second timestamp")
            return web.Response(status=403, text="forbidden")
        if not self._fresh(event):
            log.warning("refused a zalo event with an old or missing timestamp")
            return web.Response(status=403, text="stale")
        inbound = to_inbound(event)
        if inbound is None:
            log.info("ignored a zalo %r event", str(event.get("event_name", ""))[:40])
            return web.Response(text="ok")
        event_id = None
        if self.inbox is not None:
            try:
                event_id = await self.inbox.keep(inbound)  # committed before the 200: a kill loses nothing
            except Exception:
                log.warning("could not store a zalo event; answering 503 so Zalo sends it again", exc_info=True)
                return web.Response(status=503, text="try later")
        self._spawn(inbound, event_id)
        return web.Response(text="ok")

    def _spawn(self, inbound: Inbound, event_id: int | None) -> None:
        task = asyncio.create_task(self._process(inbound, event_id))
        self._tasks.add(task)  # keep a reference: the loop holds tasks only weakly
        task.add_done_callback(self._tasks.discard)

    def _fresh(self, event: dict[str, Any]) -> bool:
        try:
            sent_ms = int(str(event.get("timestamp", "")))
        except ValueError:
            return False
        return abs(self.clock() * 1000 - sent_ms) <= self.settings.zalo_max_age * 1000

    async def _process(self, inbound: Inbound, event_id: int | None = None) -> None:
        for _ in range(5):  # Zalo has our 200 already: keep trying while the database is back in ~1 min
            try:
                await receive(self, inbound)
            except TryLater:
                log.warning("database unreachable; retrying a zalo event already answered")
                continue
            except Exception:
                log.exception("a zalo event failed after the webhook answered")
            await self._done(event_id)
            return
        if event_id is not None:
            log.error("a stored zalo event could not be handled: the database stayed unreachable; "
                      "it is handled at the next start")
        else:
            log.error("a zalo event was lost: the database stayed unreachable")

    async def _done(self, event_id: int | None) -> None:
        if self.inbox is None or event_id is None:
            return
        try:
            await self.inbox.done(event_id)
        except Exception:  # handled already: at the next start the dedup key drops it
            log.warning("could not forget a handled zalo event", exc_info=True)

    async def download(self, url: str) -> bytes:
        """The bytes of a file a user sent: the signed event gives its URL on Zalo's servers. Only
        http(s); a file over DOWNLOAD_LIMIT raises ValueError after that many bytes."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("a Zalo file reference must be an http(s) URL")
        data = bytearray()
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
            response.raise_for_status()
            async for chunk in response.content.iter_chunked(65536):
                data += chunk
                if len(data) > DOWNLOAD_LIMIT:
                    raise ValueError(f"the file is over {DOWNLOAD_LIMIT} bytes")
        return bytes(data)

    # --- outbound ------------------------------------------------------------------------------------
    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        path = f"/v3.0/oa/message/{ENDPOINTS[purpose]}"
        try:
            sent = await self._send(user_id, message, path)
        except ZaloApiError as exc:
            error = classify(exc)
            log.warning("zalo refused a %s message: code %s (%s)", purpose, exc.code, error.failure)
            raise error from exc
        except TokenRefreshFailed as exc:
            await self._token_failed(str(exc))
            raise SendError(SendFailure.CONFIG, f"zalo token: {exc}") from exc
        self.healthy = True
        return sent

    async def _send(self, user_id: str, message: Outgoing, path: str) -> Sent:
        recipient = {"user_id": user_id}
        data: dict[str, Any] = {}
        uploaded: dict[str, str] = {}
        if message.attachment is not None:
            data, uploaded = await self._send_attachment(recipient, message.attachment, path)
        text, buttons = render(message, self.limits.buttons)
        if text or buttons:
            parts = split_text(text, TEXT_LIMIT)
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                body = {"recipient": recipient, "message": text_message(part, buttons if last else [])}
                data = await self.client.call(path, json=body)
        return Sent(message_id=str(data.get("message_id", "")), extra=uploaded)

    async def _send_attachment(self, recipient: dict[str, str], item: Attachment,
                               path: str) -> tuple[dict[str, Any], dict[str, str]]:
        """Send by the attachment id (image) or token (file) of an earlier upload when we have one, else
        upload the bytes first: uploads count against a monthly quota (UNCONFIRMED: 5,000) and images are
        kept only days. An id refused for any reason but the user, the quota/window or the rate falls
        back to uploading. Returns Zalo's answer and {"file_id": ref} when bytes were uploaded."""
        if item.remote_id:
            body = {"recipient": recipient, "message": attachment_message(item.remote_id, item.is_image)}
            try:
                return await self.client.call(path, json=body), {}
            except ZaloApiError as exc:
                if exc.code in NOT_ABOUT_THE_FILE:
                    raise
                log.info("zalo refused an uploaded %s id (code %s): uploading again", "image" if item.is_image
                         else "file", exc.code)
        ref = await self.client.upload(item.name, item.data, is_image=item.is_image)
        body = {"recipient": recipient, "message": attachment_message(ref, item.is_image)}
        return await self.client.call(path, json=body), {"file_id": ref}

    async def _token_failed(self, detail: str) -> None:
        log.error("zalo token refresh failed: %s; pushes stay queued until an OA admin re-authorises", detail)
        if self.healthy and self.on_token_failure is not None:
            try:
                await self.on_token_failure(detail)
            except Exception:
                log.exception("could not tell the officers about the zalo token")
        self.healthy = False


_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*"?([0-9]{1,16})"?')


def raw_timestamp(body: bytes) -> str | None:
    """The event's timestamp read from the raw bytes (the signature covers it, so it is needed before the
    body may be parsed); None when there is none or more than one."""
    found = _TIMESTAMP.findall(body)
    return found[0].decode() if len(found) == 1 else None


def signature_matches(body: bytes, app_id: str, timestamp: str, header: str, oa_secret: str) -> bool:
    """`mac=` + hex SHA-256 of app_id + raw body + timestamp + OA secret, compared in constant time."""
    if not oa_secret or not app_id:
        return False
    material = app_id.encode() + body + timestamp.encode() + oa_secret.encode()
    expected = "mac=" + hashlib.sha256(material).hexdigest()
    return hmac.compare_digest(header.strip().encode(), expected.encode())


def render(message: Outgoing, max_buttons: int) -> tuple[str, list[Button]]:
    """The text (with numbered lines for buttons over the maximum) and the buttons for the template."""
    buttons = message.flat_buttons()
    shown, rest = buttons[:max_buttons], numbered(buttons)[max_buttons:]  # numbered as typing takes them
    lines = [f"{number}. {button.label}" if number is not None else f"• {button.label}" for number, button in rest]
    text = "\n".join([message.text, "", *lines]) if lines else message.text
    return text, shown


def text_message(text: str, buttons: list[Button]) -> dict[str, Any]:
    """A text, with its buttons as a template. Shape `attachment.payload.buttons` as integrators send
    it for v3 consultation messages; some add `template_type: "button"` (UNCONFIRMED which Zalo needs)."""
    if not buttons:
        return {"text": text}
    return {"text": text, "attachment": {"type": "template", "payload": {
        "buttons": [{"title": b.label, "type": "oa.query.hide", "payload": b.payload} for b in buttons]}}}


def attachment_message(ref: str, is_image: bool) -> dict[str, Any]:
    if is_image:
        element = {"media_type": "image", "attachment_id": ref}
        return {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [element]}}}
    return {"attachment": {"type": "file", "payload": {"token": ref}}}


def to_inbound(event: dict[str, Any]) -> Inbound | None:
    """The neutral form of a Zalo webhook event, or None for events the bot ignores."""
    name = str(event.get("event_name", ""))
    message = _dict(event.get("message"))
    raw_user = _dict(event.get("follower" if name in ("follow", "unfollow") else "sender")).get("id", "")
    user = str(raw_user) if isinstance(raw_user, (str, int)) and not isinstance(raw_user, bool) else ""
    if not user or len(user) > 64:  # Zalo ids are ~19 digits; a longer one would not fit users.channel_user_id
        return None
    msg_id = str(message.get("msg_id", ""))
    key = f"zalo:{msg_id}" if msg_id else f"zalo:{name}:{user}:{event.get('timestamp', '')}"
    base = {"channel": "zalo", "user_id": user, "dedup_key": key[:96]}
    text = _text(message.get("text", ""))
    attachments = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    payload = _dict(_dict(attachments[0]).get("payload")) if attachments else {}
    if name == "follow":
        return Inbound(kind=Kind.STARTED, **base)
    if name == "unfollow":
        return Inbound(kind=Kind.STOPPED, **base)
    if name == "user_send_text":
        return Inbound(kind=Kind.TEXT, text=text, **base)
    if name == "user_submit_info":  # the user shared name and phone through a request_user_info card
        phone = str(_dict(event.get("info")).get("phone", ""))
        return Inbound(kind=Kind.CONTACT, phone=phone, **base) if phone else None
    if name == "user_send_location":
        coordinates = _dict(payload.get("coordinates"))
        try:  # integrators' logs show the coordinates as strings
            latitude, longitude = float(coordinates["latitude"]), float(coordinates["longitude"])
        except (KeyError, TypeError, ValueError):
            return None
        return Inbound(kind=Kind.LOCATION, latitude=latitude, longitude=longitude, text=text, **base)
    if name == "user_send_image":
        url = str(payload.get("url", ""))
        return Inbound(kind=Kind.FILE, file=FileRef(url, "photo.jpg", "image/jpeg", True), text=text, **base)
    if name == "user_send_file":
        url, file_name = str(payload.get("url", "")), str(payload.get("name", ""))
        size = str(payload.get("size", ""))  # a string in integrators' logs: lets a big file be refused unread
        return Inbound(kind=Kind.FILE, file=FileRef(url, file_name, str(payload.get("type", "")),
                                                    size=int(size) if size.isascii() and size.isdigit() and len(size) < 12 else 0),
                       text=text, **base)
    return None


def _text(value: Any) -> str:
    """A text field as a string of bounded length (a number or a list in a signed event is not text)."""
    return value[:MAX_TEXT_CHARS] if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a signed event may still have odd shapes."""
    return value if isinstance(value, dict) else {}
