"""Typed SQLAlchemy 2 models. Schema changes go through Alembic migrations in db/migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class User(Base):
    """A person on one channel. Personal details live in Profile, which "delete my data" removes."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", name="uq_users_channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), default="producer")
    consent_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Profile(Base):
    """What a consenting producer told us about their organisation and product."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_name: Mapped[str | None] = mapped_column(String(200))
    producer_type: Mapped[str | None] = mapped_column(String(32))
    commune_code: Mapped[str | None] = mapped_column(String(64))
    product_group: Mapped[str | None] = mapped_column(String(32))
    main_product: Mapped[str | None] = mapped_column(String(200))
    product_set: Mapped[str | None] = mapped_column(String(16))
    """The product set code (content/product_sets.yaml) chosen once; eligibility, dossier and assessment use it."""
    phone: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConversationState(Base):
    """Where a user is in a conversation: plain data, saved after every step so any process resumes it."""

    __tablename__ = "conversation_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    keyboard: Mapped[list[Any]] = mapped_column(default=list)  # [[label, payload], ...] last shown
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Platform update ids already handled, so a redelivered update changes nothing."""

    __tablename__ = "processed_updates"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboundEvent(Base):
    """An event a channel acknowledged before handling it (Zalo wants its 200 within ~2 s): stored first,
    in the neutral form the channel made of it, handled from here and deleted once handled. Rows a kill
    left are handled at the next start (the engine's dedup key drops any already handled)."""

    __tablename__ = "inbound_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(96))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)





# --- producer journeys (issue 3): shared by the journeys, reminders and officer tools -------------


class UserDate(Base):
    """A personal date a producer gave (certificate expiry, food-safety certificate expiry…);
    reminders hang on these. `kind` names it, e.g. "ocop_certificate_expiry"."""

    __tablename__ = "user_dates"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DossierItem(Base):
    """One checklist item the producer marked: has it or not yet (checklist kinds: lan-dau, nang-hang, danh-gia-lai)."""

    __tablename__ = "dossier_items"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    has_it: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Assessment(Base):
    """A self-assessment against one score sheet. Answers are {criterion_code: option_index}, saved
    after every question; status: in_progress, paused, done, knocked_out."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rule_set: Mapped[str] = mapped_column(String(24))
    product_set: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    total: Mapped[int | None] = mapped_column(Integer)
    stars: Mapped[int | None] = mapped_column(Integer)
    part_points: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"A": 31, "B": 18, "C": 24}
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]


class Eligibility(Base):
    """The producer's latest eligibility check: answers by question id and the verdict."""

    __tablename__ = "eligibility_checks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    product_set: Mapped[str | None] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    verdict: Mapped[str | None] = mapped_column(String(24))
    checked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- questions and the hand-off to officers (issue 3) -----------------------------------------------


class FaqFeedback(Base):
    """A producer's 👍/👎 on one FAQ answer (the latest press counts), with the words they typed."""

    __tablename__ = "faq_feedback"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    question: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """A question the FAQ could not answer, handed to the province's officers; status: open, answered."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)


class ZaloToken(Base):
    """The Zalo OA tokens of one app. The refresh token is single-use: it is replaced in the same
    transaction that read it (row locked), so two processes never spend the same one."""

    __tablename__ = "zalo_tokens"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text, default="")
    refresh_token: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
    seed_hash: Mapped[str] = mapped_column(String(64), default="")  # SHA-256 of the OCOP_ZALO_REFRESH_TOKEN used
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- pushes (issue 4): outbox, channel limits, per-kind preferences, market bulletins -------------

# Reminders look up personal dates by kind and day range (one indexed range scan per tick).
Index("ix_user_dates_kind_value", UserDate.kind, UserDate.value)


class OutboxMessage(Base):
    """One push to one recipient: created once (unique source_key + user), claimed by a delivery
    worker, and closed with its outcome. `source` names who renders it at send time (reminder,
    bulletin, broadcast…); `data` is what that source needs to re-check and render it.
    status: pending → sending (leased) → sent | blocked | failed | skipped | refused."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("source_key", "user_id", name="uq_outbox_source_user"),
        Index("ix_outbox_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # whom a "direct" message is about (the producer an officer is told of): deleted with their data
    about_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(48))
    lease_until: Mapped[datetime | None]
    outcome_detail: Mapped[str | None] = mapped_column(String(300))
    message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ChannelLimit(Base):
    """A platform's sending limits, read by the delivery worker at start (Telegram: 30/s, 1/s per chat)."""

    __tablename__ = "channel_limits"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    per_second: Mapped[float]
    per_chat_per_second: Mapped[float]
    source: Mapped[str] = mapped_column(String(200))


class PushPreference(Base):
    """A producer's choice for one kind of push (deadlines, certificates, assessment, bulletin).
    No row means the default: on."""

    __tablename__ = "push_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Bulletin(Base):
    """The monthly market bulletin: the officer's summary, the price table, who it is for, and when
    it goes out (`scheduled_at` set by `bulletin send`; `enqueued_at` once outbox rows exist)."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    summary_vi: Mapped[str] = mapped_column(String(4000))
    summary_en: Mapped[str | None] = mapped_column(String(4000))
    prices: Mapped[list[Any]] = mapped_column(default=list)
    groups: Mapped[list[Any]] = mapped_column(default=list)  # product groups it is for; empty = everyone
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_at: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]


class ProvinceDeadlineRow(Base):
    """A province deadline an officer added, changed or removed: overrides the calendar.yaml entry of the same
    id (content stays the default); `removed` hides it. db/province_deadlines.py merges the two."""

    __tablename__ = "province_deadlines"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_date: Mapped[date]
    title: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- officer tools (issue 5): broadcasts and the audit log ----------------------------------------


class Broadcast(Base):
    """An officer's announcement to a segment of producers. Its outbox rows (source_key
    "broadcast:{id}") are written when it is created, due at `due_at`; status: scheduled, running,
    done, cancelled. `status_message_id` is the officer's progress message, edited while it runs."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    # {"id", "name", "mime", "is_image", "size"} of its photo or document (BroadcastMedia), or {} for text only
    media: Mapped[dict[str, Any]] = mapped_column(default=dict)
    segment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    total: Mapped[int] = mapped_column(Integer, default=0)
    status_message_id: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)  # counts last shown to the officer
    finished_at: Mapped[datetime | None]


class BroadcastMedia(Base):
    """The photo or document of a broadcast, as bytes: a platform's file id works only on that platform
    (a Telegram file_id means nothing to Zalo), so each channel gets the bytes once and then its own id
    for them, kept in `remote_ids` {channel: {"id", "at"}} for every process and after a restart.
    Stored while the officer composes (`broadcast_id` NULL until confirmed; such rows left behind are
    removed after a while, bot/broadcasts/media.py)."""

    __tablename__ = "broadcast_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(100))
    is_image: Mapped[bool] = mapped_column(Boolean)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    remote_ids: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One officer action: who, what, when, and its details (audience size, ids…)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(48))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# --- the officers' web console (issue 13): single-use sign-in links and sessions --------------------


class WebLink(Base):
    """A sign-in link an officer asked for in chat: only the SHA-256 of its token is kept; it opens one
    session, once, before `expires_at`."""

    __tablename__ = "web_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie carries the session id (signed), this row its SHA-256, the CSRF
    token of its forms and when it ends (expiry, or sign-out)."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# --- the dossier as the producer files it (issue 12) ------------------------------------------------


class DossierForm(Base):
    """The producer's answers for Mẫu 01 and Mẫu 02 that the profile, the eligibility check and the
    self-assessment do not hold (representative, founding date, Phần II and IV…), by question id
    (handlers/producer/dossier_forms.py); "" is a skipped question. Removed with the user."""

    __tablename__ = "dossier_forms"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EvidenceUpload(Base):
    """One evidence file a producer sent for a dossier item: `target` is "t:<topic key>" (a row of Mẫu 02's
    guidance table, bot/forms/topics.py) or "c:<criterion code>" (a score-sheet item). The bytes live here,
    so a restart or another process loses nothing; "delete my data" removes them with the user."""

    __tablename__ = "evidence_uploads"
    __table_args__ = (Index("ix_evidence_uploads_user_target", "user_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the dossier's way to the certificate (issue 12, item 4) -----------------------------------------


class Dossier(Base):
    """One product dossier on its way to the certificate (QĐ 26 Điều 7): draft → filed at the commune →
    forwarded to the province (with the commune's Mẫu 03) → evaluated in round N → result (stars, decision
    number, certificate date) or returned with reasons. Officers set it (bot/officer/dossiers.py); each
    change is a DossierEvent. `kind` is the checklist kind (lan-dau, nang-hang, danh-gia-lai);
    `certified_stars` what the product held when this dossier started (an upgrade or re-evaluation)."""

    __tablename__ = "dossiers"
    __table_args__ = (Index("ix_dossiers_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24), default="lan-dau")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    round_number: Mapped[int | None] = mapped_column(Integer)
    round_year: Mapped[int | None] = mapped_column(Integer)
    stars: Mapped[int | None] = mapped_column(Integer)
    decision_number: Mapped[str | None] = mapped_column(String(64))
    certificate_date: Mapped[date | None]
    reasons: Mapped[str | None] = mapped_column(Text)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"))
    certified_stars: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DossierEvent(Base):
    """One change of a dossier's status: who (officer, None from the command line), when, from and to which
    status, the officer's note, and the dossier's fields before and after (`details`), so a correction
    can restore them. Its push to the producer is the outbox row "dossier:{id}"."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    correction: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- download links (issue 12: the dossier ZIP where a platform cannot send it) ------------------------


class FileLink(Base):
    """A file the bot built for one user (the dossier ZIP) that the user downloads from the bot's own HTTP
    server by a short-lived link (bot/file_links.py), where the platform cannot carry it: a Zalo OA sends no
    ZIP, a Telegram bot no file over 50 MB. Only the SHA-256 of the link's token is stored, so the table
    does not hold working links; the bytes go with the user ("delete my data") or when the link expires."""

    __tablename__ = "file_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    fetches: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
