"""A thin Zalo OA API v3 client over aiohttp: access tokens, message calls, uploads, error classes.

Facts relied on (docs/zalo.md, /work/shared/platforms.md):
- every call carries the header `access_token`; answers are `{"error": 0, "data": {...}}`, or a
  negative `error` with a `message`. Error -216 means the access token is invalid or expired.
- `POST {oauth}/v4/oa/access_token` (form: app_id, grant_type=refresh_token, refresh_token; header
  secret_key = app secret) returns access_token, a NEW single-use refresh_token and expires_in
  (seconds; integrators see it as a string, so both are read).
- upload: `POST {api}/v2.0/oa/upload/image` (multipart field `file`) → data.attachment_id;
  `/v2.0/oa/upload/file` → data.token.
Error code meanings beyond -216 come from integrators, not Zalo's own page: **UNCONFIRMED**, kept
in the tables below so they can be corrected in one place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aiohttp

from bot.channels.base import SendError, SendFailure

log = logging.getLogger(__name__)

TOKEN_INVALID = -216
# UNCONFIRMED (integrators' tables): -213 user is not a follower; -217 user blocked the OA.
BLOCKED_CODES = frozenset({-213, -217})
# UNCONFIRMED: -211/-224 quota used up, -218 receive quota, -230 no interaction within the window,
# -232 consultation window/quota, -234 promotion outside allowed hours. Never retried forever.
REFUSED_CODES = frozenset({-211, -218, -224, -230, -232, -234})
# UNCONFIRMED: -201/-210 invalid or too long parameters: this one message is bad, not the setup.
BAD_REQUEST_CODES = frozenset({-201, -210})
THROTTLED_CODES = frozenset({-32})  # UNCONFIRMED: app request rate limit

Exchange = Callable[[str], Awaitable[tuple[str, str, datetime]]]


class TokenStore(Protocol):
    """Where tokens live (db/zalo_tokens.py): shared by every process on one database."""

    async def current(self) -> tuple[str, datetime] | None: ...

    async def refresh(self, exchange: Exchange, stale_access_token: str) -> tuple[str, datetime]: ...


class ZaloApiError(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        self.code = code
        super().__init__(f"zalo error {code}: {message}")


class TokenRefreshFailed(Exception):
    """The OAuth endpoint refused our refresh token: an OA admin must authorise the app again."""


def classify(error: ZaloApiError) -> SendError:
    """The typed send error for a Zalo error code (the core decides what to do with it)."""
    code = error.code
    if code in BLOCKED_CODES:
        return SendError(SendFailure.BLOCKED, f"zalo {code}: user not reachable")
    if code in REFUSED_CODES:
        return SendError(SendFailure.REFUSED, f"quota/window: zalo {code}")
    if code in BAD_REQUEST_CODES:
        return SendError(SendFailure.REFUSED, f"bad request: zalo {code}")
    if code in THROTTLED_CODES:
        return SendError(SendFailure.THROTTLED, f"zalo {code}", retry_after=1.0)
    # A code we do not know fails this one message (courier's ErrFailedWithReason): it must never stop
    # the whole channel. Token problems, the one real configuration failure, surface as TokenRefreshFailed.
    log.warning("zalo answered an unknown error code %s: this message is refused, the channel goes on", code)
    return SendError(SendFailure.REFUSED, f"unknown: zalo {code}")


class ZaloClient:
    def __init__(self, *, api_url: str, oauth_url: str, app_id: str, app_secret: str, store: TokenStore,
                 margin: timedelta = timedelta(minutes=5), timeout: float = 15.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.store = store
        self.margin = margin
        self.clock = clock
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.refreshes = 0  # refreshes this process made (tests, logs)
        self._token = ""
        self._expires_at = datetime(1970, 1, 1, tzinfo=UTC)
        self._refresh_lock = asyncio.Lock()
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self.timeout)
        return self._http

    # --- tokens ----------------------------------------------------------------------------------------
    async def access_token(self) -> str:
        """A usable access token: cached, else stored, else refreshed (before it expires)."""
        if self._token and self._expires_at - self.margin > self.clock():
            return self._token
        stored = await self.store.current()
        if stored is not None and stored[1] - self.margin > self.clock():
            self._token, self._expires_at = stored
            return self._token
        return await self.refresh(self._token)

    async def refresh(self, stale: str) -> str:
        """Replace `stale` once: concurrent callers with the same stale token share one refresh
        (in this process by the lock, across processes by the database row lock)."""
        async with self._refresh_lock:
            if self._token and self._token != stale and self._expires_at - self.margin > self.clock():
                return self._token
            try:
                self._token, self._expires_at = await self.store.refresh(self._exchange, stale)
            except LookupError as exc:  # no refresh token stored at all
                raise TokenRefreshFailed(str(exc)) from exc
            return self._token

    async def _exchange(self, refresh_token: str) -> tuple[str, str, datetime]:
        form = {"app_id": self.app_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            async with self._session().post(f"{self.oauth_url}/v4/oa/access_token", data=form,
                                            headers={"secret_key": self.app_secret}) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TokenRefreshFailed(f"token endpoint unreachable: {type(exc).__name__}") from exc
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            code = body.get("error") if isinstance(body, dict) else None
            raise TokenRefreshFailed(f"token refresh refused (error {code})")
        self.refreshes += 1
        expires_in = int(body.get("expires_in") or 3600)
        log.info("zalo access token refreshed, valid %s s", expires_in)
        return str(body["access_token"]), str(body["refresh_token"]), self.clock() + timedelta(seconds=expires_in)

    # --- calls -----------------------------------------------------------------------------------------
    async def call(self, path: str, *, json: dict[str, Any] | None = None,
                   form: aiohttp.FormData | Callable[[], aiohttp.FormData] | None = None) -> dict[str, Any]:
        """POST to the API with the access token; on -216 refresh and resend once. Returns `data`.
        Raises ZaloApiError (Zalo said no), SendError TRANSIENT (network, 5xx) or TokenRefreshFailed."""
        token = await self.access_token()
        try:
            return await self._post(path, token, json, form)
        except ZaloApiError as exc:
            if exc.code != TOKEN_INVALID:
                raise
        token = await self.refresh(token)
        return await self._post(path, token, json, form)

    async def _post(self, path: str, token: str, json: dict[str, Any] | None,
                    form: aiohttp.FormData | Callable[[], aiohttp.FormData] | None) -> dict[str, Any]:
        data = form() if callable(form) else form  # a multipart body can be sent once: rebuilt per try
        try:
            async with self._session().post(f"{self.api_url}{path}", json=json, data=data,
                                            headers={"access_token": token}) as response:
                if response.status >= 500:
                    raise SendError(SendFailure.TRANSIENT, f"zalo http {response.status}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SendError(SendFailure.TRANSIENT, f"zalo unreachable: {type(exc).__name__}") from exc
        except ValueError as exc:
            raise SendError(SendFailure.TRANSIENT, "zalo answered without JSON") from exc
        code = int(body.get("error", 0) or 0) if isinstance(body, dict) else -1
        if code != 0:
            raise ZaloApiError(code, str(body.get("message", "")) if isinstance(body, dict) else "")
        return body.get("data") or {}

    async def upload(self, name: str, data: bytes, *, is_image: bool) -> str:
        """Upload an image (→ attachment_id) or a file (→ token) for a later message."""

        def form() -> aiohttp.FormData:
            # The name as browsers send it (UTF-8): by default aiohttp percent-encodes it, and producers
            # would see "Gi%E1%BA%A5y%20m%E1%BB%9Di.pdf" for "Giấy mời.pdf".
            body = aiohttp.FormData(quote_fields=False)
            body.add_field("file", data, filename=name)
            return body

        path = "/v2.0/oa/upload/image" if is_image else "/v2.0/oa/upload/file"
        result = await self.call(path, form=form)
        return str(result.get("attachment_id") if is_image else result.get("token"))
