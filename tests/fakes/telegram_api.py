"""A stand-in Telegram Bot API HTTP server for tests and benchmarks.

The *real* python-telegram-bot client is pointed at it over loopback::

    async with FakeBotApi() as api:
        bot = Bot(api.token, base_url=api.base_url, base_file_url=api.file_base_url)
        # or ApplicationBuilder().token(api.token).base_url(api.base_url)
        #                         .base_file_url(api.file_base_url)

PTB (httpx) POSTs every method to ``{base_url}{token}/{method}``: plain form
(``application/x-www-form-urlencoded``) or ``multipart/form-data`` when a file is
uploaded.  String values are sent as they are; every other value (ints, bools,
``reply_markup``, ``entities``, ``commands`` ...) is JSON-encoded.  This server
decodes them back (see :func:`decode_param`), also accepts JSON bodies and query
strings, and answers in the Bot API envelope ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ..., "parameters": {...}}``.

Everything runs on the event loop that called :meth:`FakeBotApi.start`; the
test-side helpers (``push_*``, ``fail_next`` ...) are plain synchronous methods and
must be called from that loop (i.e. from the test coroutine).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import math
import mimetypes
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import ClientSession, ClientTimeout, web

__all__ = ["SEND_METHODS", "ApiError", "Call", "FakeBotApi", "decode_param"]

DEFAULT_TOKEN = "123456:TEST"
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files for bots ("file is too big")

#: Methods that deliver something to a chat: subject to ``blocked_chats``,
#: ``fail_next`` and the rate limits, counted in ``delivered`` and listed by ``sent()``.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendDice",
        "sendVideoNote",
        "copyMessage",
        "forwardMessage",
    }
)
#: Methods refused with 403 for a chat in ``blocked_chats`` (as Telegram does).
BLOCKABLE_METHODS = SEND_METHODS | {"sendChatAction"}

_FILE_PARAMS = ("photo", "document", "audio", "video", "voice", "animation", "sticker", "video_note")

# Parameters whose value is a string in the Bot API: never JSON-decoded, even if the
# text happens to look like a number or ``true`` (e.g. text="123", phone "84901...").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "data",
        "callback_query_id",
        "inline_message_id",
        "parse_mode",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "file_id",
        "phone_number",
        "first_name",
        "last_name",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "custom_emoji_id",
        "filename",
        "address",
        "foursquare_id",
        "vcard",
    }
)
_JSON_FIRST_CHARS = frozenset('{["-0123456789tfn')
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")


def decode_param(name: str, value: str) -> Any:
    """Decode one form value the way PTB encoded it (JSON for non-strings)."""
    if name in _STRING_PARAMS or not value or value[0] not in _JSON_FIRST_CHARS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    """Raise from a custom method handler (see :meth:`FakeBotApi.on`) to answer with an error."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


_STATUS_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(slots=True)
class Call:
    """One recorded Bot API request (recorded once it has been answered)."""

    method: str  # canonical Bot API name, e.g. "sendMessage"
    params: dict[str, Any]  # JSON values decoded (reply_markup is a dict, chat_id an int)
    files: dict[str, tuple[str, bytes]]  # multipart field name -> (filename, bytes)
    time: float  # arrival time, from the server's clock (time.monotonic by default)
    status: int = 200  # HTTP status of the answer
    response: dict[str, Any] | None = None  # the JSON body that was returned
    raw: dict[str, str] = field(default_factory=dict)  # the undecoded form values

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result") if self.response else None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """``text`` or ``caption`` of the request."""
        return self.params.get("text", self.params.get("caption"))


@dataclass(slots=True)
class _Fault:
    remaining: int
    status: int
    retry_after: int
    description: str | None
    methods: frozenset[str]


class FakeBotApi:
    """In-process fake of the Telegram Bot API server (aiohttp, 127.0.0.1, free port).

    Args:
        token: the only token accepted (others get 401 Unauthorized).
        overall_per_second: max accepted sends in any sliding 1-second window (None: unlimited).
        per_chat_per_second: min spacing ``1/per_chat_per_second`` between sends to one chat.
        max_poll_timeout: cap (seconds) on getUpdates' ``timeout`` so tests stay fast.
        record: keep every :class:`Call` in ``calls`` (turn off for long benchmarks; counters,
            ``delivered`` and waiters keep working).
        clock: monotonic time source used for rate limiting and ``Call.time``.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "test_bot",
        bot_first_name: str = "Test Bot",
        overall_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        max_poll_timeout: float = 1.0,
        record: bool = True,
        clock: Callable[[], float] = time.monotonic,
        host: str = "127.0.0.1",
        port: int = 0,
        max_upload_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.overall_per_second = overall_per_second
        self.per_chat_per_second = per_chat_per_second
        self.max_poll_timeout = max_poll_timeout
        self.record = record
        self.host = host
        self.port = port
        self.url = ""
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes

        # --- observable state -------------------------------------------------------
        self.calls: list[Call] = []
        self.blocked_chats: set[int] = set()
        self.delivered: Counter[Any] = Counter()  # chat_id -> accepted sends
        self.rate_violations = 0
        self.request_count = 0
        self.errors: list[Exception] = []  # unexpected exceptions while handling (answered 500)
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}  # (chat_id, message_id) -> Message
        self.files: dict[str, dict[str, Any]] = {}  # file_id -> {"filename", "data", "mime_type", ...}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (scope type, lang) -> cmds
        self.webhook: dict[str, Any] | None = None  # setWebhook params while a webhook is set

        # --- internals --------------------------------------------------------------
        self._updates: deque[tuple[int, dict[str, Any]]] = deque()
        self._update_ids = itertools.count(1)
        self._next_update_id = 1
        self._update_event = asyncio.Event()
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._last_bot_message: dict[Any, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._file_paths: dict[str, str] = {}  # file_path -> file_id
        self._faults: list[_Fault] = []
        self._send_window: deque[float] = deque()
        self._last_send: dict[Any, float] = {}
        self._waiters: list[tuple[asyncio.Future[Any], Callable[[Call], Any]]] = []
        self._custom: dict[str, Callable[..., Any]] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, tuple[str, bytes]]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._true,
            "sendChatAction": self._true,
            "getChat": self._get_chat,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }
        self._method_names = {name.lower(): name for name in self._handlers}

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """For ``Bot(base_file_url=...)`` / ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    async def start(self) -> FakeBotApi:
        if self._runner is not None:
            return self
        self._closing = False
        self._update_event = asyncio.Event()
        app = web.Application(client_max_size=self._max_upload_bytes)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.port = port
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        self._closing = True
        self._update_event.set()  # release long polls
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        for fut, _ in self._waiters:
            if not fut.done():
                fut.cancel()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP layer

    async def _read_params(self, request: web.Request) -> tuple[dict[str, str], dict[str, Any], dict]:
        raw: dict[str, str] = dict(request.query) if request.query_string else {}
        files: dict[str, tuple[str, bytes]] = {}
        json_body: dict[str, Any] | None = None
        if request.body_exists:
            ctype = request.content_type
            if ctype.startswith("multipart/"):
                reader = await request.multipart()
                async for part in reader:
                    if part is None or part.name is None:
                        continue
                    if part.filename is not None:
                        files[part.name] = (part.filename, bytes(await part.read()))
                    else:
                        raw[part.name] = await part.text()
            elif ctype == "application/json":
                json_body = await request.json()
            else:
                body = await request.read()
                if body:
                    raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        params = {k: decode_param(k, v) for k, v in raw.items()}
        if json_body:
            params.update(json_body)
            for k, v in json_body.items():
                raw[k] = v if isinstance(v, str) else json.dumps(v)
        return raw, params, files

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = self._clock()
        self.request_count += 1
        name = request.match_info["method"]
        method = self._method_names.get(name.lower(), name)
        raw: dict[str, str] = {}
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            raw, params, files = await self._read_params(request)
            result = await self._dispatch(method, params, files, arrived)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.body()
        except Exception as exc:  # a bug in the fake or a malformed request: answer, keep serving
            self.errors.append(exc)
            status, body = 500, ApiError(500, f"Internal Server Error: FakeBotApi: {exc!r}").body()
        call = Call(method, params, files, arrived, status, body, raw)
        if self.record:
            self.calls.append(call)
        if self._waiters:
            self._notify(call)
        return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json")

    async def _dispatch(self, method: str, params: dict, files: dict, now: float) -> Any:
        custom = self._custom.get(method)
        if method in SEND_METHODS or method == "sendChatAction":
            self._check_send(method, params.get("chat_id"), now)
        if custom is not None:
            result = (
                custom(params, files) if len(inspect.signature(custom).parameters) > 1 else custom(params)
            )
        else:
            handler = self._handlers.get(method)
            if handler is None:
                if method.startswith("send") and "chat_id" in params:
                    handler = self._send_generic
                else:
                    raise ApiError(404, "Not Found")
            result = handler(params, files)
        if inspect.isawaitable(result):
            result = await result
        if method in SEND_METHODS:
            self.delivered[params.get("chat_id")] += 1
        return result

    def _check_send(self, method: str, chat_id: Any, now: float) -> None:
        """Fault injection, blocked chats and rate limits, in that order. O(1) amortized."""
        if self._faults and method in SEND_METHODS:
            for fault in self._faults:
                if method in fault.methods:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    if fault.status == 429:
                        raise _too_many_requests(fault.retry_after)
                    desc = fault.description or _STATUS_DESCRIPTIONS.get(fault.status, "Error")
                    raise ApiError(fault.status, desc)
        if chat_id in self.blocked_chats and method in BLOCKABLE_METHODS:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if method not in SEND_METHODS:
            return
        retry_after = 0.0
        limit = self.overall_per_second
        window = self._send_window
        if limit is not None:
            cutoff = now - 1.0
            while window and window[0] <= cutoff:
                window.popleft()
            if len(window) >= limit:
                retry_after = window[0] + 1.0 - now if window else 1.0
        per_chat = self.per_chat_per_second
        if per_chat is not None:
            last = self._last_send.get(chat_id)
            if last is not None:
                gap = 1.0 / per_chat
                if now - last < gap:
                    retry_after = max(retry_after, last + gap - now)
        if retry_after > 0:
            self.rate_violations += 1
            raise _too_many_requests(max(1, math.ceil(retry_after)))
        if limit is not None:
            window.append(now)
        if per_chat is not None:
            self._last_send[chat_id] = now

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        info = self.files.get(self._file_paths.get(request.match_info["path"], ""))
        if info is not None and info.get("data") is not None:
            return web.Response(
                body=info["data"], content_type=info.get("mime_type") or "application/octet-stream"
            )
        return web.json_response(ApiError(404, "Not Found").body(), status=404)

    # ------------------------------------------------------------------ recording helpers

    def _notify(self, call: Call) -> None:
        for fut, predicate in list(self._waiters):
            if fut.done():
                continue
            try:
                if predicate(call):
                    fut.set_result(call)
            except Exception as exc:  # surface predicate bugs to the waiting test
                fut.set_exception(exc)

    async def wait_for(
        self,
        predicate: Callable[[Call], Any] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        method: str | None = None,
        chat_id: Any = None,
        ok: bool | None = None,
    ) -> Call:
        """Wait until some recorded call (past or future) satisfies all given conditions.

        ``method``/``chat_id``/``ok`` are shorthands combined (AND) with ``predicate``.
        Returns the first matching :class:`Call`; raises ``TimeoutError`` otherwise.
        """

        def match(call: Call) -> bool:
            if method is not None and call.method != method:
                return False
            if chat_id is not None and call.params.get("chat_id") != chat_id:
                return False
            if ok is not None and call.ok != ok:
                return False
            return predicate is None or bool(predicate(call))

        for call in self.calls:
            if match(call):
                return call
        return await self._wait(match, timeout, "call")

    async def wait_until(
        self,
        condition: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until ``condition()`` is true; re-checked after every request is answered.

        E.g. ``await api.wait_until(lambda: sum(api.delivered.values()) >= 1000)``.
        """
        if condition():
            return
        await self._wait(lambda _call: condition(), timeout, "condition")

    async def _wait(
        self,
        predicate: Callable[[Call], Any],
        timeout: float,  # noqa: ASYNC109
        what: str,
    ) -> Any:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (fut, predicate)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            recent = ", ".join(
                f"{c.method}({c.status}{'' if c.text is None else ' ' + repr(c.text)[:40]})"
                for c in self.calls[-8:]
            )
            raise TimeoutError(
                f"FakeBotApi: no matching {what} within {timeout}s; last calls: [{recent}]"
            ) from None
        finally:
            self._waiters.remove(entry)

    def sent(self, chat_id: Any = None, *, include_failed: bool = False) -> list[Call]:
        """Accepted send calls (sendMessage/sendPhoto/sendDocument/...), optionally for one chat."""
        return [
            c
            for c in self.calls
            if c.method in SEND_METHODS
            and (include_failed or c.status == 200)
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def sent_texts(self, chat_id: Any = None) -> list[str | None]:
        """``text`` (or ``caption``) of each accepted send."""
        return [c.text for c in self.sent(chat_id)]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        self.calls.clear()

    # ------------------------------------------------------------------ test-side controls

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        retry_after: int = 1,
        *,
        description: str | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Make the next ``n`` send calls (or calls to ``methods``) fail with ``status``.

        429 answers carry ``parameters.retry_after``; they are not counted as rate violations.
        """
        if n > 0:
            self._faults.append(
                _Fault(n, status, retry_after, description, frozenset(methods) if methods else SEND_METHODS)
            )

    def on(self, method: str, handler: Callable[..., Any]) -> None:
        """Override/add a method: ``handler(params)`` or ``handler(params, files)`` returns the
        ``result`` (may be a coroutine) or raises :class:`ApiError`."""
        self._method_names[method.lower()] = method
        self._custom[method] = handler

    def add_file(self, data: bytes, filename: str = "file.bin", mime_type: str | None = None) -> str:
        """Store a file so getFile/download works for it; returns its file_id."""
        return self._store_file(filename, data, mime_type)["file_id"]

    def forget_file(self, file_id: str) -> None:
        """Telegram no longer knows this file id: sending by it fails with 400 (wrong file identifier)."""
        info = self.files.pop(file_id, None)
        if info is not None:
            self._file_paths.pop(info["file_path"], None)

    def uploads(self, method: str | None = None) -> list[Call]:
        """Accepted sendPhoto/sendDocument calls that carried the file's bytes (not a file id)."""
        return [c for c in self.sent() if c.method in ("sendPhoto", "sendDocument") and c.files
                and (method is None or c.method == method)]

    # ------------------------------------------------------------------ update builders

    def _user(self, user_id: int, first_name: str, language_code: str | None, username: str | None) -> dict:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int) and chat_id > 0:
            user = self._users.get(chat_id)
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"] if user else "Test"}
            if user and "username" in user:
                chat["username"] = user["username"]
            return chat
        if isinstance(chat_id, int):
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": "Test group"}
        return {
            "id": -1000000000001,
            "type": "channel",
            "title": str(chat_id),
            "username": str(chat_id).lstrip("@"),
        }

    def _new_update_id(self) -> int:
        uid = self._next_update_id
        self._next_update_id += 1
        return uid

    def _incoming(self, user_id: int, user: dict[str, Any], **content: Any) -> dict[str, Any]:
        msg = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": self._chat(user_id),
            "date": int(time.time()),
            **content,
        }
        self.messages[(user_id, msg["message_id"])] = msg
        return msg

    def text_update(
        self,
        user_id: int,
        text: str,
        first_name: str = "Test",
        language_code: str | None = "vi",
        *,
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A private-chat text message update (not queued).

        Like a real client, a leading ``/command`` gets a ``bot_command`` entity unless
        ``entities`` is given explicitly (pass ``[]`` for none).
        """
        user = self._user(user_id, first_name, language_code, username)
        content: dict[str, Any] = {"text": text}
        if entities is None:
            m = _COMMAND_RE.match(text)
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(m.group(0))}] if m else []
        if entities:
            content["entities"] = entities
        return {"update_id": self._new_update_id(), "message": self._incoming(user_id, user, **content)}

    def command_update(
        self,
        user_id: int,
        command: str = "/start",
        first_name: str = "Test",
        language_code: str | None = "vi",
        *,
        username: str | None = None,
    ) -> dict[str, Any]:
        """``/command [args]`` with its bot_command entity (not queued)."""
        if not command.startswith("/"):
            command = "/" + command
        head = command.split(maxsplit=1)[0]
        entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(head)}]
        return self.text_update(
            user_id, command, first_name, language_code, username=username, entities=entities
        )

    def callback_update(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "vi",
        *,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A callback_query pressed on ``message_id`` (default: the bot's last message to
        that chat; a synthetic bot message if there is none). Not queued."""
        user = self._user(user_id, first_name, language_code, username)
        msg = None
        if message_id is not None:
            msg = self.messages.get((user_id, message_id))
        else:
            msg = self._last_bot_message.get(user_id)
        if msg is None:
            msg = {
                "message_id": message_id if message_id is not None else next(self._message_ids),
                "from": self.bot_user,
                "chat": self._chat(user_id),
                "date": int(time.time()),
                "text": "(message)",
            }
            self.messages[(user_id, msg["message_id"])] = msg
        query = {
            "id": str(4_000_000_000_000 + next(self._callback_ids)),
            "from": user,
            "chat_instance": str(-7_000_000_000 - user_id),
            "message": dict(msg),
            "data": data,
        }
        return {"update_id": self._new_update_id(), "callback_query": query}

    def contact_update(
        self,
        user_id: int,
        phone: str,
        first_name: str = "Test",
        language_code: str | None = "vi",
        *,
        username: str | None = None,
        contact_user_id: int | None = None,
    ) -> dict[str, Any]:
        """The user shares a contact (by default their own: ``contact.user_id == user_id``)."""
        user = self._user(user_id, first_name, language_code, username)
        contact = {
            "phone_number": phone,
            "first_name": first_name,
            "user_id": user_id if contact_user_id is None else contact_user_id,
        }
        return {"update_id": self._new_update_id(), "message": self._incoming(user_id, user, contact=contact)}

    _BUILDERS = {
        "text": "text_update",
        "command": "command_update",
        "callback": "callback_update",
        "contact": "contact_update",
    }

    def make_update_json(self, kind: str, user_id: int, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``make_update_json("text"|"command"|"callback"|"contact", user_id, ...)`` -> Update dict
        (with a fresh update_id, not queued) e.g. to POST to a webhook."""
        return getattr(self, self._BUILDERS[kind])(user_id, *args, **kwargs)

    def push_raw(self, update: dict[str, Any]) -> int:
        """Queue an Update dict for getUpdates (assigns ``update_id`` if missing)."""
        uid = update.get("update_id")
        if uid is None:
            uid = update["update_id"] = self._new_update_id()
        elif uid >= self._next_update_id:
            self._next_update_id = uid + 1
        self._updates.append((uid, update))
        if len(self._updates) > 1 and self._updates[-2][0] > uid:
            self._updates = deque(sorted(self._updates, key=lambda item: item[0]))
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()
        return uid

    def push_text(
        self,
        user_id: int,
        text: str,
        first_name: str = "Test",
        language_code: str | None = "vi",
        **kwargs: Any,
    ) -> int:
        return self.push_raw(self.text_update(user_id, text, first_name, language_code, **kwargs))

    def push_command(
        self,
        user_id: int,
        command: str = "/start",
        first_name: str = "Test",
        language_code: str | None = "vi",
        **kwargs: Any,
    ) -> int:
        return self.push_raw(self.command_update(user_id, command, first_name, language_code, **kwargs))

    def push_callback(self, user_id: int, data: str, message_id: int | None = None, **kwargs: Any) -> int:
        return self.push_raw(self.callback_update(user_id, data, message_id, **kwargs))

    def push_contact(self, user_id: int, phone: str, **kwargs: Any) -> int:
        return self.push_raw(self.contact_update(user_id, phone, **kwargs))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by an offset."""
        return [u for _, u in self._updates]

    async def post_to_webhook(
        self, update: dict[str, Any], url: str | None = None, *, secret_token: str | None = None
    ) -> int:
        """POST an Update (JSON) like Telegram does, to ``url`` or the URL given to setWebhook
        (with its secret token header). Returns the HTTP status."""
        if url is None:
            if not self.webhook:
                raise RuntimeError("no webhook set and no url given")
            url = self.webhook["url"]
            secret_token = secret_token or self.webhook.get("secret_token")
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=10))
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token else {}
        async with self._session.post(url, json=update, headers=headers) as resp:
            await resp.read()
            return resp.status

    # ------------------------------------------------------------------ Bot API methods

    def _true(self, params: dict, files: dict) -> bool:
        return True

    def _get_me(self, params: dict, files: dict) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_chat(self, params: dict, files: dict) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_updates(self, params: dict, files: dict) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        queue = self._updates
        if isinstance(offset, int) and offset != 0:
            if offset > 0:
                while queue and queue[0][0] < offset:
                    queue.popleft()
            else:
                while len(queue) > -offset:
                    queue.popleft()
        limit = params.get("limit")
        limit = 100 if not isinstance(limit, int) else min(max(limit, 1), 100)
        try:
            timeout = min(float(params.get("timeout") or 0), self.max_poll_timeout)
        except (TypeError, ValueError):
            timeout = 0.0
        if not self._updates and timeout > 0 and not self._closing:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not self._updates and not self._closing:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._update_event.wait(), remaining)
                except TimeoutError:
                    break
        return [u for _, u in itertools.islice(self._updates, limit)]

    def _set_webhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = dict(params) if url else None
        return True

    def _delete_webhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    def _get_webhook_info(self, params: dict, files: dict) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(params: dict) -> tuple[str, str]:
        scope = params.get("scope")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return scope_type, params.get("language_code") or ""

    def _set_my_commands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be a JSON array")
        self.commands[self._commands_key(params)] = commands
        return True

    def _get_my_commands(self, params: dict, files: dict) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, params: dict, files: dict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    # --- sending

    def _bot_message(self, params: dict, **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup  # Telegram only echoes inline keyboards
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and (target := self.messages.get((chat_id, reply.get("message_id")))):
            msg["reply_to_message"] = target
        self.messages[(chat_id, msg["message_id"])] = msg
        self._last_bot_message[chat_id] = msg
        return msg

    def _send_message(self, params: dict, files: dict) -> dict[str, Any]:
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        content: dict[str, Any] = {"text": text}
        if params.get("entities"):
            content["entities"] = params["entities"]
        return self._bot_message(params, **content)

    def _store_file(self, filename: str | None, data: bytes | None, mime_type: str | None = None) -> dict:
        n = next(self._file_ids)
        file_id = f"FAKEFILE{n:08d}"
        info = {
            "file_id": file_id,
            "file_unique_id": f"U{n:08d}",
            "filename": filename,
            "data": data,
            "mime_type": mime_type,
            "file_size": len(data) if data is not None else 0,
            "file_path": f"files/{n}/{filename or 'file'}",
        }
        self.files[file_id] = info
        self._file_paths[info["file_path"]] = file_id
        return info

    def _input_file(self, name: str, params: dict, files: dict, mime_type: str | None = None) -> dict:
        """Resolve an uploaded file, a known file_id, an attach:// ref or a URL."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            name, value = value[len("attach://") :], None
        if name in files:
            filename, data = files[name]
            return self._store_file(filename, data, mime_type)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and "://" in value:
            return self._store_file(value.rsplit("/", 1)[-1] or None, None, mime_type)
        if isinstance(value, str) and value:  # as Telegram answers an id it does not know (or forgot)
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    @staticmethod
    def _photo_sizes(info: dict) -> list[dict[str, Any]]:
        return [
            {
                "file_id": info["file_id"] + "_s",
                "file_unique_id": info["file_unique_id"] + "s",
                "width": 90,
                "height": 90,
                "file_size": min(info["file_size"], 1000),
            },
            {
                "file_id": info["file_id"],
                "file_unique_id": info["file_unique_id"],
                "width": 800,
                "height": 800,
                "file_size": info["file_size"],
            },
        ]

    @staticmethod
    def _document(info: dict) -> dict[str, Any]:
        doc = {
            "file_id": info["file_id"],
            "file_unique_id": info["file_unique_id"],
            "file_size": info["file_size"],
        }
        if info.get("filename"):
            doc["file_name"] = info["filename"]
        if info.get("mime_type"):
            doc["mime_type"] = info["mime_type"]
        return doc

    def _caption(self, params: dict) -> dict[str, Any]:
        content: dict[str, Any] = {}
        if params.get("caption"):
            content["caption"] = params["caption"]
            if params.get("caption_entities"):
                content["caption_entities"] = params["caption_entities"]
        return content

    def _send_photo(self, params: dict, files: dict) -> dict[str, Any]:
        info = self._input_file("photo", params, files, "image/jpeg")
        return self._bot_message(params, photo=self._photo_sizes(info), **self._caption(params))

    def _send_document(self, params: dict, files: dict) -> dict[str, Any]:
        name = "document"
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
        mime = None
        if name in files:
            mime = mimetypes.guess_type(files[name][0])[0] or "application/octet-stream"
        info = self._input_file("document", params, files, mime)
        return self._bot_message(params, document=self._document(info), **self._caption(params))

    def _send_media_group(self, params: dict, files: dict) -> list[dict[str, Any]]:
        media = params.get("media")
        if not isinstance(media, list) or not media:
            raise ApiError(400, "Bad Request: media must be a non-empty JSON array")
        group_id = str(10_000_000 + next(self._message_ids))
        out = []
        for item in media:
            info = self._input_file("media", {"media": item.get("media")}, files)
            kind = item.get("type", "photo")
            content: dict[str, Any] = {"media_group_id": group_id}
            if kind == "photo":
                content["photo"] = self._photo_sizes(info)
            else:
                content[kind] = self._document(info)
            if item.get("caption"):
                content["caption"] = item["caption"]
            out.append(self._bot_message({"chat_id": params.get("chat_id")}, **content))
        return out

    def _send_generic(self, params: dict, files: dict) -> dict[str, Any]:
        content: dict[str, Any] = self._caption(params)
        for name in _FILE_PARAMS:
            if name in params or name in files:
                content[name] = self._document(self._input_file(name, params, files))
        return self._bot_message(params, **content)

    # --- editing

    def _target(self, params: dict) -> dict[str, Any] | None:
        """The stored message an edit refers to (None for inline messages)."""
        if params.get("inline_message_id"):
            return None
        key = (params.get("chat_id"), params.get("message_id"))
        msg = self.messages.get(key)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(self, msg: dict[str, Any], params: dict, changes: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if all(msg.get(k) == v for k, v in changes.items()) and msg.get("reply_markup") == new_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message",
            )
        new = {**msg, **changes, "edit_date": int(time.time())}
        new.pop("reply_markup", None)
        if new_markup is not None:
            new["reply_markup"] = new_markup
        key = (params.get("chat_id"), params.get("message_id"))
        self.messages[key] = new
        if self._last_bot_message.get(key[0], {}).get("message_id") == new["message_id"]:
            self._last_bot_message[key[0]] = new
        return new

    def _edit_message_text(self, params: dict, files: dict) -> Any:
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        msg = self._target(params)
        if msg is None:
            return True
        if "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        changes: dict[str, Any] = {"text": text}
        new = self._apply_edit(msg, params, changes)
        if params.get("entities"):
            new["entities"] = params["entities"]
        else:
            new.pop("entities", None)
        return new

    def _edit_message_caption(self, params: dict, files: dict) -> Any:
        msg = self._target(params)
        if msg is None:
            return True
        if "text" in msg:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        new = self._apply_edit(msg, params, {"caption": params.get("caption")})
        if not new.get("caption"):
            new.pop("caption", None)
        return new

    def _edit_message_reply_markup(self, params: dict, files: dict) -> Any:
        msg = self._target(params)
        if msg is None:
            return True
        return self._apply_edit(msg, params, {})

    def _delete_message(self, params: dict, files: dict) -> bool:
        key = (params.get("chat_id"), params.get("message_id"))
        if self.messages.pop(key, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if self._last_bot_message.get(key[0], {}).get("message_id") == key[1]:
            del self._last_bot_message[key[0]]
        return True

    def _get_file(self, params: dict, files: dict) -> dict[str, Any]:
        info = self.files.get(params.get("file_id"))
        if info is None:
            # thumbnails of uploaded photos ("<id>_s") resolve to the photo itself
            info = self.files.get(str(params.get("file_id")).removesuffix("_s"))
        if info is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if info["file_size"] > BOT_DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": params["file_id"],
            "file_unique_id": info["file_unique_id"],
            "file_size": info["file_size"],
            "file_path": info["file_path"],
        }
