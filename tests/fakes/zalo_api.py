"""A stand-in Zalo OA API v3 + OAuth v4 server for tests (aiohttp on 127.0.0.1, no network).

It behaves as our client expects Zalo to (docs/zalo.md), and records every request:
- `POST /v4/oa/access_token` (form app_id, grant_type=refresh_token, refresh_token; header
  secret_key): issues an access token and a NEW refresh token; each refresh token works once, a
  reused one is refused and counted in `reused_refresh_tokens`.
- `POST /v3.0/oa/message/{cs,transaction,promotion}` with header access_token: error -216 for an
  unknown or expired token; otherwise `{"error": 0, "data": {"message_id": …}}`, recorded in `sent`.
- `POST /v2.0/oa/upload/image` / `/v2.0/oa/upload/file` (multipart `file`): attachment_id / token.
  Images: JPG/PNG up to 1 MB; files: PDF/DOC/DOCX up to 5 MB (the limits integrators document,
  UNCONFIRMED); others get UPLOAD_REFUSED. A message naming an attachment id or token that was never
  issued (or was forgotten: `forget_uploads()`, as Zalo drops images after days) gets UNKNOWN_ATTACHMENT.
- `GET /files/{name}`: files users "sent" (`add_user_file(...)` gives the URL a webhook event carries).
Test controls: `fail_next(...)` (a Zalo error code or an HTTP status for the next sends),
`expire_tokens_after(n)` (all access tokens stop working after n more delivered messages),
`refresh_delay` (widens the window in which concurrent refreshes could collide).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OAUTH_REFRESH_REFUSED = -14014  # stand-in code: Zalo's own code for a spent refresh token is not known
UPLOAD_REFUSED = -210  # stand-in: too big or a type Zalo does not take (Zalo's own code is not known)
UNKNOWN_ATTACHMENT = -201  # stand-in: an attachment id or token Zalo does not know
IMAGE_LIMIT, FILE_LIMIT = 1_048_576, 5_242_880
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG")
FILE_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass
class SentMessage:
    endpoint: str  # cs, transaction, promotion
    user_id: str
    message: dict[str, Any]
    token: str

    @property
    def text(self) -> str:
        return str(self.message.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        payload = (self.message.get("attachment") or {}).get("payload") or {}
        return list(payload.get("buttons") or [])

    @property
    def labels(self) -> list[str]:
        return [b["title"] for b in self.buttons]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)


class FakeZaloApi:
    def __init__(self, app_id: str = "1234567890", app_secret: str = "app-secret-test") -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.requests: list[Request] = []
        self.sent: list[SentMessage] = []
        self.uploads: list[tuple[str, str, bytes]] = []  # (kind, filename, data)
        self.attachments: set[str] = set()  # attachment ids and tokens issued and still known
        self.user_files: dict[str, bytes] = {}  # name -> bytes, served at /files/{name}
        self.refreshes = 0
        self.reused_refresh_tokens = 0
        self.refresh_delay = 0.0
        self.expires_in: int | str = "90000"  # Zalo's guides show a string
        self._counter = itertools.count(1)
        self._refresh_tokens: set[str] = set()
        self._spent_refresh_tokens: set[str] = set()
        self._access_tokens: set[str] = set()
        self._failures: deque[tuple[int, int]] = deque()  # (zalo error code, http status)
        self._expire_after: int | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------------------
    async def __aenter__(self) -> FakeZaloApi:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_post("/v3.0/oa/message/{kind}", self._message)
        app.router.add_post("/v2.0/oa/upload/{kind}", self._upload)
        app.router.add_get("/files/{name}", self._user_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- test controls ---------------------------------------------------------------------------------
    def issue_refresh_token(self) -> str:
        """A refresh token as an OA admin's authorisation would give (OCOP_ZALO_REFRESH_TOKEN)."""
        token = f"refresh-{next(self._counter)}"
        self._refresh_tokens.add(token)
        return token

    def expire_all_access_tokens(self) -> None:
        self._access_tokens.clear()

    def expire_tokens_after(self, delivered: int) -> None:
        self._expire_after = delivered

    def fail_next(self, code: int = 0, *, status: int = 200, count: int = 1) -> None:
        """The next `count` message sends answer Zalo error `code` (HTTP 200) or HTTP `status`."""
        for _ in range(count):
            self._failures.append((code, status))

    def add_user_file(self, data: bytes, name: str) -> str:
        """A file as a user sends it to the OA: returns the URL Zalo's event would carry."""
        self.user_files[name] = data
        return f"{self.url}/files/{name}"

    def forget_uploads(self) -> None:
        """Every attachment id and token issued so far stops working (Zalo keeps images only days)."""
        self.attachments.clear()

    def to(self, user_id: str) -> list[SentMessage]:
        return [m for m in self.sent if m.user_id == user_id]

    # --- handlers --------------------------------------------------------------------------------------
    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(Request(request.path, dict(request.headers), form=form))
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response({"error": -14002, "error_name": "Invalid app"})
        token = form.get("refresh_token", "")
        if form.get("grant_type") != "refresh_token" or token not in self._refresh_tokens:
            if token in self._spent_refresh_tokens:
                self.reused_refresh_tokens += 1
            return web.json_response({"error": OAUTH_REFRESH_REFUSED, "error_name": "Invalid refresh token"})
        self._refresh_tokens.discard(token)
        self._spent_refresh_tokens.add(token)
        self.refreshes += 1
        access = f"access-{next(self._counter)}"
        self._access_tokens.add(access)
        return web.json_response({"access_token": access, "refresh_token": self.issue_refresh_token(),
                                  "expires_in": self.expires_in})

    def _check_token(self, request: web.Request) -> str | None:
        token = request.headers.get("access_token", "")
        return token if token in self._access_tokens else None

    async def _message(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Request(request.path, dict(request.headers), json=body))
        token = self._check_token(request)
        if token is None:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if self._failures:
            code, status = self._failures.popleft()
            if status != 200:
                return web.Response(status=status, text="upstream failure")
            return web.json_response({"error": code, "message": "stand-in failure"})
        reference = attachment_reference(body.get("message") or {})
        if reference and reference not in self.attachments:
            return web.json_response({"error": UNKNOWN_ATTACHMENT, "message": "attachment not found"})
        message_id = f"m{next(self._counter)}"
        self.sent.append(SentMessage(request.match_info["kind"], str(body["recipient"]["user_id"]), body["message"], token))
        if self._expire_after is not None:
            self._expire_after -= 1
            if self._expire_after <= 0:
                self._expire_after = None
                self.expire_all_access_tokens()
        return web.json_response({"error": 0, "message": "Success", "data": {"message_id": message_id}})

    async def _user_file(self, request: web.Request) -> web.Response:
        data = self.user_files.get(request.match_info["name"])
        return web.Response(status=404) if data is None else web.Response(body=data)

    async def _upload(self, request: web.Request) -> web.Response:
        token = self._check_token(request)
        post = await request.post()
        upload = post.get("file")
        self.requests.append(Request(request.path, dict(request.headers)))
        if token is None:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if not isinstance(upload, web.FileField):
            return web.json_response({"error": -201, "message": "file missing"})
        kind = request.match_info["kind"]
        data = upload.file.read()
        limit, magic = (IMAGE_LIMIT, IMAGE_MAGIC) if kind == "image" else (FILE_LIMIT, FILE_MAGIC)
        if len(data) > limit or not data.startswith(magic):
            return web.json_response({"error": UPLOAD_REFUSED, "message": "file too large or type not supported"})
        self.uploads.append((kind, upload.filename, data))
        key = "attachment_id" if kind == "image" else "token"
        reference = f"{kind}-{next(self._counter)}"
        self.attachments.add(reference)
        return web.json_response({"error": 0, "message": "Success", "data": {key: reference}})


def attachment_reference(message: dict[str, Any]) -> str:
    """The attachment id (image template) or token (file) a message sends, or ""."""
    attachment = message.get("attachment") or {}
    payload = attachment.get("payload") or {}
    if attachment.get("type") == "file":
        return str(payload.get("token", ""))
    elements = payload.get("elements") or []
    return str(elements[0].get("attachment_id", "")) if elements and isinstance(elements[0], dict) else ""
