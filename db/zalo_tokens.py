"""Zalo OA tokens in the database, refreshed in one place at a time across processes.

Zalo's refresh token is single-use: spending it twice loses the OA's authorisation until an admin
grants it again. So a refresh runs inside one transaction that holds the `zalo_tokens` row
(SELECT … FOR UPDATE on PostgreSQL; on SQLite a write first, which takes the database write lock
like BEGIN IMMEDIATE), calls Zalo, and stores the new pair before anyone uses the access token.
A process that waited for the lock re-reads the row and uses what the other one got.

At rest both tokens are encrypted (`TokenCipher`: Fernet, key OCOP_ZALO_TOKEN_KEY, stored as
"fernet:<token>"). A row written in plain text before (or by a store without a key) is encrypted the
first time a store with the key starts. Without a key the store keeps plain text (tests, local tools);
`ocop-bot run` refuses to start Zalo without one (Settings.require_zalo).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ZaloToken, utcnow
from db.repositories import insert_ignoring_conflicts


class TokenCipher:
    """Zalo tokens sealed for the database with Fernet (AES-128-CBC + HMAC-SHA256, cryptography)."""

    PREFIX = "fernet:"

    def __init__(self, key: str = "") -> None:
        self._fernet = Fernet(key.encode()) if key else None

    @staticmethod
    def valid_key(key: str) -> bool:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            return False
        return True

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> str:
        if not value or self._fernet is None:
            return value
        return self.PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str) -> str:
        if not value.startswith(self.PREFIX):
            return value  # plain (an old row, or a store without a key)
        if self._fernet is None:
            raise LookupError("the stored Zalo tokens are encrypted: set OCOP_ZALO_TOKEN_KEY")
        try:
            return self._fernet.decrypt(value[len(self.PREFIX):].encode()).decode()
        except InvalidToken:
            raise LookupError("the stored Zalo tokens do not open with OCOP_ZALO_TOKEN_KEY (another key?)") from None

    def is_plain(self, value: str) -> bool:
        return bool(value) and not value.startswith(self.PREFIX)


# (refresh token to spend) -> (access token, new refresh token, access token expiry)
Exchange = Callable[[str], Awaitable[tuple[str, str, datetime]]]
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class ZaloTokenStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], app_id: str, initial_refresh_token: str = "",
                 margin: timedelta = timedelta(minutes=5), key: str = "") -> None:
        """`initial_refresh_token` (OCOP_ZALO_REFRESH_TOKEN) is used only when the table has no row yet;
        `key` (OCOP_ZALO_TOKEN_KEY) encrypts the tokens at rest."""
        self.cipher = TokenCipher(key)
        self.sessions = sessions
        self.app_id = app_id
        self.initial_refresh_token = initial_refresh_token
        self.margin = margin
        self._seeded = False

    async def current(self) -> tuple[str, datetime] | None:
        """The stored access token and its expiry, or None when there is none yet."""
        await self._ensure_row()
        async with self.sessions() as session:
            row = await session.get(ZaloToken, self.app_id)
            if row is None or not row.access_token:
                return None
            return self.cipher.open(row.access_token), row.expires_at

    async def refresh(self, exchange: Exchange, stale_access_token: str) -> tuple[str, datetime]:
        """A fresh access token: the one another process stored meanwhile, or a new one from
        `exchange` (whose new refresh token is committed with it). Raises what `exchange` raises,
        leaving the stored refresh token as it was."""
        await self._ensure_row()
        async with self.sessions() as session, session.begin():
            row = await self._locked_row(session)
            now = utcnow()
            stored_access = self.cipher.open(row.access_token)
            if stored_access and stored_access != stale_access_token and row.expires_at - self.margin > now:
                return stored_access, row.expires_at  # another process refreshed while we waited
            if not row.refresh_token:
                raise LookupError("no Zalo refresh token stored: set OCOP_ZALO_REFRESH_TOKEN")
            access, refresh, expires_at = await exchange(self.cipher.open(row.refresh_token))
            row.access_token, row.refresh_token = self.cipher.seal(access), self.cipher.seal(refresh)
            row.expires_at, row.updated_at = expires_at, now
        return access, expires_at

    async def _ensure_row(self) -> None:
        """Create the row from OCOP_ZALO_REFRESH_TOKEN when the table has none. A *changed* variable
        (an OA admin authorised the app again) replaces the stored pair once; the same value as
        before was spent long ago and is never used again."""
        if self._seeded:
            return
        seed = hashlib.sha256(self.initial_refresh_token.encode()).hexdigest() if self.initial_refresh_token else ""
        async with self.sessions() as session, session.begin():
            await session.execute(insert_ignoring_conflicts(
                session, ZaloToken, app_id=self.app_id, access_token="",
                refresh_token=self.cipher.seal(self.initial_refresh_token),
                expires_at=_NEVER, updated_at=utcnow(), seed_hash=seed,
            ))
        if seed:  # a transaction of its own: on SQLite the lock-taking write must come first
            async with self.sessions() as session, session.begin():
                row = await self._locked_row(session)
                if row.seed_hash != seed:
                    row.access_token, row.refresh_token = "", self.cipher.seal(self.initial_refresh_token)
                    row.expires_at, row.seed_hash = _NEVER, seed
        if self.cipher.enabled:  # rows stored in plain text before: encrypted now, once
            async with self.sessions() as session, session.begin():
                row = await session.get(ZaloToken, self.app_id)
                if row is not None and (self.cipher.is_plain(row.access_token) or self.cipher.is_plain(row.refresh_token)):
                    row = await self._locked_row(session)
                    if self.cipher.is_plain(row.access_token):
                        row.access_token = self.cipher.seal(row.access_token)
                    if self.cipher.is_plain(row.refresh_token):
                        row.refresh_token = self.cipher.seal(row.refresh_token)
        self._seeded = True

    async def _locked_row(self, session: AsyncSession) -> ZaloToken:
        query = select(ZaloToken).where(ZaloToken.app_id == self.app_id)
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            query = query.with_for_update()
        else:
            # SQLite has no row locks: a write as the first statement takes the database write lock
            # for the whole transaction (others wait on busy_timeout), as BEGIN IMMEDIATE would.
            await session.execute(
                update(ZaloToken).where(ZaloToken.app_id == self.app_id).values(updated_at=utcnow())
            )
        row = (await session.execute(query.execution_options(populate_existing=True))).scalar_one()
        return row
