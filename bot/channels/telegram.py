"""Telegram through python-telegram-bot: long polling or a webhook on our own aiohttp server.

The engine decides; this module only translates. Platform quirks handled here:
- `/start` becomes the neutral started event; a callback query is answered once its update is committed,
  before the replies are sent (that stops the button's spinner).
- Inline keyboards carry button payloads (≤ 64 bytes, checked where payloads are made). A message that
  asks for a phone number uses a one-time reply keyboard instead: the contact button plus the other
  choices as text buttons, which the engine maps back by label.
- Texts over 4096 characters are split; the keyboard goes on the last part.
- Webhook requests must carry our secret token (constant-time compare); others get 403 and change nothing.
- Nothing acknowledged before it is stored: a webhook update is answered 200 once committed (its replies
  are outbox rows of that commit); long polling asks for the next offset only once every update of the
  batch is committed (our own getUpdates loop, not PTB's Updater, which confirms a batch by fetching
  the next one while the updates are still being handled). A batch with an update the database could
  not take is fetched again from that update (the ones already committed are dropped as repeats).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import hmac
import logging
from typing import Any, Protocol

from aiohttp import web
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, ExtBot

from bot.channels.base import Handle, ReplyOrder, Routes, SendError, SendFailure, receive, split_text
from bot.channels.bounded import MAX_TEXT_CHARS, Refused, parse_object, read_body
from bot.channels.limits import TELEGRAM
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
)

log = logging.getLogger(__name__)

LIMITS = TELEGRAM
TEXT_LIMIT = LIMITS.text
CAPTION_LIMIT = LIMITS.caption


class TelegramSettings(Protocol):
    """What this channel reads of the bot's settings (bot/core/config.py has them all)."""

    telegram_token: str
    telegram_api_url: str
    telegram_file_url: str
    webhook_url: str
    webhook_secret: str
    telegram_webhook_path: str


class TelegramChannel:
    name = "telegram"
    limits = LIMITS

    def __init__(self, handle: Handle, settings: TelegramSettings, *, http: Routes | None = None,
                 command_texts: dict[str, dict[str, str]] | None = None, concurrent_updates: int = 64) -> None:
        """`command_texts`: Telegram's command menu, {language or "default": {command: description}}."""
        self.handle = handle
        self.settings = settings
        self.http = http
        self.command_texts = command_texts or {}
        self.order = ReplyOrder()
        self.webhook = bool(settings.webhook_url)
        self.poll_timeout = 10  # seconds a getUpdates call waits for updates
        self._polling: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token)
            .base_url(settings.telegram_api_url)
            .base_file_url(settings.telegram_file_url)
            .concurrent_updates(concurrent_updates)
            .job_queue(None)  # schedules live in our database (bot/pushes/scheduler.py), not in PTB's memory
        )
        builder = builder.updater(None)  # polling is our own loop (_poll): the offset moves after the commit
        self.application: Application = builder.build()
        # Polling: PTB parses a whole getUpdates batch at once, and one update of an odd shape fails the
        # batch for ever (the offset never moves: polling stalls, logging the raw data). Each update is
        # checked first instead (same bot object, one method more); _poll reads through it.
        self.application.bot.__class__ = _CheckedUpdatesBot

    @property
    def bot(self) -> Any:
        return self.application.bot

    async def start(self) -> None:
        await self.application.initialize()
        await self._set_commands()
        if self.webhook:
            if self.http is None:
                raise RuntimeError("webhook mode needs the bot's HTTP server")
            path = self.settings.telegram_webhook_path
            self.http.add_post(path, self._on_webhook)
            await self.bot.set_webhook(
                url=self.settings.webhook_url.rstrip("/") + path,
                secret_token=self.settings.webhook_secret,
                allowed_updates=["message", "callback_query"],
            )
        else:
            await self.bot.delete_webhook()
            self._polling = asyncio.create_task(self._poll())
        await self.application.start()

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        while self._tasks:  # updates committed: their replies finish sending
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_commands(self) -> None:
        for language, texts in self.command_texts.items():
            commands = [BotCommand(name, description) for name, description in texts.items()]
            await self.bot.set_my_commands(commands, language_code=None if language == "default" else language)

    # --- inbound -------------------------------------------------------------------------------------
    async def _on_webhook(self, request: web.Request) -> web.Response:
        """The secret token first, then the body (size-capped, shallow JSON, an object), then its shape
        (`well_formed`): a body that is not JSON gets 400, an update of a shape we do not take is
        answered 200 and ignored (Telegram would only deliver it again), nothing of either is stored."""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.settings.webhook_secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = parse_object(await read_body(request))
        except Refused as refused:
            log.warning("refused a telegram webhook request: %s", refused.reason)
            return refused.response()
        if not well_formed(data):
            log.warning("ignored a telegram update of an unexpected shape")
            return web.Response(text="ignored")
        try:
            update = Update.de_json(data, self.bot)
        except Exception:  # noqa: BLE001 - whatever PTB trips on in a well-typed update: ignored, not a 500
            log.warning("ignored a telegram update PTB could not read")
            return web.Response(text="ignored")
        # Handled before answering: a 200 means the update is committed (Telegram retries otherwise).
        try:
            await self._process(update)
        except TryLater:
            return web.Response(status=503, text="database unavailable")  # Telegram delivers it again
        return web.Response(text="ok")

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file a user sent (Bot API getFile, then the file URL)."""
        file = await self.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    async def _poll(self) -> None:
        """Long polling that confirms a batch (asks for the next offset) only once all of it is committed."""
        offset: int | None = None
        backoff = 0.5
        while True:
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=self.poll_timeout,
                                                     allowed_updates=["message", "callback_query"])
            except InvalidToken:
                log.error("telegram refused our token: polling stopped")
                return
            except TelegramError as exc:
                log.warning("telegram getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            backoff = 0.5
            if updates:
                offset = await self._commit_batch(updates)

    async def _commit_batch(self, updates: list[Update]) -> int:
        """Handle a polled batch concurrently; returns the offset to confirm: past the batch when every
        update is committed, else the first update the database could not take (fetched again)."""
        loop = asyncio.get_running_loop()
        committed: list[asyncio.Future[bool]] = []
        for update in updates:
            done: asyncio.Future[bool] = loop.create_future()
            committed.append(done)
            task = asyncio.create_task(self._process(update, done))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        results = await asyncio.gather(*committed)
        for update, stored in zip(updates, results, strict=True):
            if not stored:
                log.warning("database unreachable: telegram update %s is fetched again", update.update_id)
                await asyncio.sleep(1.0)
                return update.update_id
        return updates[-1].update_id + 1

    async def _process(self, update: Update, committed: asyncio.Future[bool] | None = None) -> None:
        """One update through the receive path; `committed` (polling) is resolved True once the update is
        stored (or is nothing to store), False if the database could not take it."""

        def resolve(stored: bool) -> None:
            if committed is not None and not committed.done():
                committed.set_result(stored)

        try:
            await self._receive(update, lambda: resolve(True))
        except TryLater:
            resolve(False)
            if committed is None:
                raise  # the webhook answers 503
        except Exception:
            log.exception("a telegram update %s failed outside the engine", update.update_id)
            if committed is None:
                raise
        finally:
            resolve(True)

    async def _receive(self, update: Update, on_commit: Any) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            return
        query = update.callback_query

        async def answer_callback() -> None:
            on_commit()
            if query is not None:
                try:
                    await query.answer()
                except (BadRequest, NetworkError):
                    pass  # an old query cannot be answered; the press was still handled

        await receive(self, inbound, answer_callback)

    # --- outbound ------------------------------------------------------------------------------------
    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        try:
            return await self._send(int(user_id), message)
        except Forbidden as exc:
            raise SendError(SendFailure.BLOCKED, str(exc)) from exc
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            raise SendError(SendFailure.THROTTLED, str(exc), retry_after=seconds) from exc
        except InvalidToken as exc:
            raise SendError(SendFailure.CONFIG, str(exc)) from exc
        except BadRequest as exc:
            blocked = "chat not found" in str(exc).lower() or "user is deactivated" in str(exc).lower()
            raise SendError(SendFailure.BLOCKED if blocked else SendFailure.REFUSED, str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise SendError(SendFailure.TRANSIENT, str(exc)) from exc

    async def _send(self, chat_id: int, message: Outgoing) -> Sent:
        markup = reply_markup(message)
        sent, uploaded = None, {}
        if message.attachment is not None:
            caption = message.text if len(message.text) <= CAPTION_LIMIT else None
            sent, uploaded = await self._send_attachment(chat_id, message.attachment, caption,
                                                         markup if caption is not None else None)
            if caption is not None:
                return Sent(message_id=str(sent.message_id), extra=uploaded)
        parts = split_text(message.text, TEXT_LIMIT)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await self.bot.send_message(chat_id, part, reply_markup=markup if last else None)
        return Sent(message_id=str(sent.message_id) if sent else "", extra=uploaded)

    async def _send_attachment(self, chat_id: int, item: Attachment, caption: str | None,
                               markup: Any) -> tuple[Any, dict[str, str]]:
        """Send by Telegram's file id when we have one (no upload), else the bytes; an id Telegram no
        longer knows (another bot's, a deleted file) falls back to the bytes. Returns the message and
        {"file_id": ...} when bytes were uploaded, so the caller can send them again by id."""
        send = self.bot.send_photo if item.is_image else self.bot.send_document
        field = "photo" if item.is_image else "document"
        if item.remote_id:
            try:
                return await send(chat_id, caption=caption, reply_markup=markup, **{field: item.remote_id}), {}
            except BadRequest as exc:
                if "file" not in str(exc).lower():  # "wrong file identifier…"; anything else is not about the id
                    raise
        sent = await send(chat_id, caption=caption, reply_markup=markup, filename=item.name, **{field: item.data})
        media = sent.photo[-1] if item.is_image and sent.photo else sent.document
        return sent, ({"file_id": media.file_id} if media is not None else {})

    async def edit_text(self, user_id: str, message_id: str, message: Outgoing) -> None:
        """Replace the text (and inline buttons) of a message sent earlier: progress reports."""
        markup = reply_markup(message)
        await self.bot.edit_message_text(
            chat_id=int(user_id), message_id=int(message_id), text=message.text[:TEXT_LIMIT],
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )


class _CheckedUpdatesBot(ExtBot):
    """PTB's bot, with every update of a getUpdates answer checked by `well_formed` before PTB parses
    it: one of another shape becomes a bare `{"update_id": n}` (the offset moves past it, the bot
    ignores it), and is logged without its content."""

    __slots__ = ()

    async def _post(self, endpoint: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, *args, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        checked = []
        for update in result:
            if well_formed(update) and _parses(update, self):
                checked.append(update)
                continue
            update_id = update.get("update_id") if isinstance(update, dict) else None
            log.warning("ignored a polled telegram update of an unexpected shape")
            if _int(update_id):
                checked.append({"update_id": update_id})
        return checked


def _parses(update: dict[str, Any], bot: Any) -> bool:
    """PTB reads this update (it changes the dict it parses: a copy is read)."""
    try:
        Update.de_json(copy.deepcopy(update), bot)
    except Exception:  # noqa: BLE001 - any failure: PTB would fail the whole batch with it
        return False
    return True


def reply_markup(message: Outgoing) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if message.request_contact:
        rows = [[KeyboardButton(message.request_contact, request_contact=True)]]
        rows += [[KeyboardButton(button.label) for button in row] for row in message.buttons]
        return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)
    if message.buttons:
        return inline_keyboard(message.buttons)
    return None


@functools.lru_cache(maxsize=512)
def inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    """PTB's keyboard objects for a set of buttons. They are immutable, and most replies repeat a
    keyboard (the menu, yes/no, the criteria's levels), so each is built once, not on every send."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row] for row in rows])


def to_inbound(update: Update) -> Inbound | None:
    """The neutral form of a Telegram update, or None for what the bot ignores (groups, channels, edits)."""
    key = f"telegram:{update.update_id}"
    query = update.callback_query
    if query is not None:
        if query.message is not None and query.message.chat.type != "private":
            return None
        return Inbound("telegram", str(query.from_user.id), Kind.BUTTON, dedup_key=key, payload=query.data or "",
                       callback_id=query.id, language_hint=query.from_user.language_code or "")
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        return None  # edited messages, channel posts and group chats are not conversations with a producer
    base = {"channel": "telegram", "user_id": str(message.chat.id), "dedup_key": key,
            "language_hint": message.from_user.language_code or ""}
    if message.contact is not None:
        own = message.contact.user_id in (None, message.from_user.id)
        return Inbound(kind=Kind.CONTACT, phone=message.contact.phone_number if own else "", **base)
    if message.location is not None:
        return Inbound(kind=Kind.LOCATION, latitude=message.location.latitude,
                       longitude=message.location.longitude, **base)
    if message.document is not None:
        doc = message.document
        return Inbound(kind=Kind.FILE, file=FileRef(doc.file_id, doc.file_name or "", doc.mime_type or "",
                                                    size=doc.file_size or 0), text=message.caption or "", **base)
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return Inbound(kind=Kind.FILE, file=FileRef(photo.file_id, "photo.jpg", "image/jpeg", True, photo.file_size or 0),
                       text=message.caption or "", **base)
    text = message.text or ""
    if text.split("@")[0].split(" ")[0] == "/start":
        return Inbound(kind=Kind.STARTED, **base)
    return Inbound(kind=Kind.TEXT, text=text, **base)


# --- the shape of an update we take -----------------------------------------------------------------------
def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) < value < 2**63


def _str(value: Any, most: int = 256) -> bool:
    return isinstance(value, str) and len(value) <= most


def _optional(data: dict[str, Any], key: str, check: Any) -> bool:
    return key not in data or data[key] is None or check(data[key])


def _user(value: Any) -> bool:
    return isinstance(value, dict) and _int(value.get("id")) and _optional(value, "language_code", _str)


def _file(value: Any) -> bool:
    return (isinstance(value, dict) and _str(value.get("file_id")) and _optional(value, "file_name", _str)
            and _optional(value, "mime_type", _str) and _optional(value, "file_size", _int))


def _message(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    chat = value.get("chat")
    if not (isinstance(chat, dict) and _int(chat.get("id")) and _str(chat.get("type"), 32)):
        return False
    if not (_int(value.get("message_id")) and _int(value.get("date"))):
        return False
    contact = value.get("contact")
    location = value.get("location")
    photo = value.get("photo")
    return (_optional(value, "from", _user)
            and _optional(value, "text", lambda v: _str(v, MAX_TEXT_CHARS))
            and _optional(value, "caption", lambda v: _str(v, MAX_TEXT_CHARS))
            and (contact is None or (isinstance(contact, dict) and _str(contact.get("phone_number"), 64)
                                     and _optional(contact, "user_id", _int)))
            and (location is None or (isinstance(location, dict)
                                      and all(isinstance(location.get(k), (int, float))
                                              and not isinstance(location.get(k), bool)
                                              for k in ("latitude", "longitude"))))
            and _optional(value, "document", _file)
            and (photo is None or (isinstance(photo, list) and len(photo) <= 16 and all(_file(p) for p in photo))))


def well_formed(data: Any) -> bool:
    """True when `data` is an update of a shape this bot reads, with every field it reads of the type
    the Bot API gives (ids integers, texts strings of bounded length). Other updates (edits, channel posts)
    pass when well typed and are ignored later by `to_inbound`; a numeric text, a message that is a
    string or a chat id that is a string do not pass."""
    if not isinstance(data, dict) or not _int(data.get("update_id")):
        return False
    if "message" in data and not _message(data["message"]):
        return False
    query = data.get("callback_query")
    if query is not None:
        if not (isinstance(query, dict) and _str(query.get("id")) and _user(query.get("from"))
                and _optional(query, "data", lambda v: _str(v, 64 * 4))):
            return False
        inner = query.get("message")
        if inner is not None and not (isinstance(inner, dict) and isinstance(inner.get("chat"), dict)
                                      and _int(inner["chat"].get("id"))):
            return False
    return True
