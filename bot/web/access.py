"""Who may use the web console: single-use sign-in links asked for in chat, signed session cookies, CSRF
tokens, and the limits on both.

- A link carries a random 32-byte token; only its SHA-256 is stored. It is valid OCOP_WEB_LINK_MINUTES and
  opens one session, once (an UPDATE that only succeeds while `used_at` is NULL, so two clicks, two tabs or
  two processes cannot both use it). An officer may ask for LINKS_PER_WINDOW links per LINK_WINDOW.
- A session id is another random token; the cookie holds it with an HMAC-SHA256 signature (key
  OCOP_WEB_SECRET), the database its SHA-256, its CSRF token and its end. A cookie that is not signed with
  our key is refused before the database is asked; a stolen database row cannot be turned into a cookie.
- Failed sign-ins are audit-log rows (`web.signin_failed`, with the client address): they are both the
  record and the rate limit (FAILURES_PER_WINDOW per client per FAILURE_WINDOW), shared by every process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, User, WebLink, WebSession

LINKS_PER_WINDOW, LINK_WINDOW = 5, timedelta(minutes=15)
FAILURES_PER_WINDOW, FAILURE_WINDOW = 10, timedelta(minutes=15)
STAFF = ("officer", "admin")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- sign-in links ------------------------------------------------------------------------------------


class TooManyLinks(Exception):
    """The officer asked for more links than LINKS_PER_WINDOW in LINK_WINDOW."""


async def issue_link(session: AsyncSession, user: User, now: datetime, minutes: int) -> str:
    """A new sign-in token for this officer (raises TooManyLinks); the caller builds the URL."""
    recent = select(func.count()).select_from(WebLink).where(WebLink.user_id == user.id,
                                                               WebLink.created_at > now - LINK_WINDOW)
    if int((await session.execute(recent)).scalar_one()) >= LINKS_PER_WINDOW:
        raise TooManyLinks()
    token = new_token()
    session.add(WebLink(token_hash=digest(token), user_id=user.id, created_at=now,
                        expires_at=now + timedelta(minutes=minutes)))
    await session.flush()
    return token


async def use_link(session: AsyncSession, token: str, now: datetime) -> tuple[User | None, str]:
    """(the officer, "") when the token opens a session now, else (None, why): unknown, used, expired,
    not_staff. A used or expired link stays refused however often it is tried."""
    if not token or len(token) > 100:
        return None, "unknown"
    link = await session.get(WebLink, digest(token))
    if link is None:
        return None, "unknown"
    if link.used_at is not None:
        return None, "used"
    if link.expires_at <= now:
        return None, "expired"
    taken = await session.execute(update(WebLink).where(WebLink.token_hash == link.token_hash,
                                                        WebLink.used_at.is_(None)).values(used_at=now))
    if not taken.rowcount:
        return None, "used"  # another request took it between our read and our update
    user = await session.get(User, link.user_id)
    if user is None or user.role not in STAFF:
        return None, "not_staff"
    return user, ""


async def recent_failures(session: AsyncSession, client: str, now: datetime) -> int:
    """Failed sign-ins from this client address within FAILURE_WINDOW (read from the audit log)."""
    query = select(AuditEntry.details).where(AuditEntry.action == "web.signin_failed",
                                             AuditEntry.created_at > now - FAILURE_WINDOW)
    return sum(1 for details in (await session.execute(query)).scalars() if details.get("client") == client)


# --- sessions -----------------------------------------------------------------------------------------


def sign(secret: str, value: str) -> str:
    mac = hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def cookie_value(secret: str, session_id: str) -> str:
    return f"{session_id}.{sign(secret, session_id)}"


def session_id_from(secret: str, cookie: str | None) -> str | None:
    """The session id of a cookie signed with our key, else None (checked in constant time)."""
    session_id, _, signature = (cookie or "").rpartition(".")
    if not session_id or not hmac.compare_digest(signature, sign(secret, session_id)):
        return None
    return session_id


@dataclass
class Signed:
    """A signed-in officer, as a request sees them."""

    user: User
    row: WebSession

    @property
    def csrf(self) -> str:
        return self.row.csrf

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"


async def open_session(session: AsyncSession, user: User, now: datetime, hours: int) -> str:
    """A new session for this officer; returns its id (for the cookie)."""
    session_id = new_token()
    session.add(WebSession(id_hash=digest(session_id), user_id=user.id, csrf=new_token(), created_at=now,
                           expires_at=now + timedelta(hours=hours)))
    await session.flush()
    return session_id


async def current(session: AsyncSession, session_id: str, now: datetime) -> Signed | None:
    """The live session with this id and its user (whatever their role: the caller checks it)."""
    row = await session.get(WebSession, digest(session_id))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    user = await session.get(User, row.user_id)
    return Signed(user, row) if user is not None else None


async def end_session(session: AsyncSession, session_id: str, now: datetime) -> None:
    await session.execute(update(WebSession).where(WebSession.id_hash == digest(session_id),
                                                   WebSession.ended_at.is_(None)).values(ended_at=now))
