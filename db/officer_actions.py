"""What officers changed: one audit-log row (db/audit.py's table) in the same transaction as the action,
plus one structured log line without personal data (ids, counts and dates only)."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, utcnow

log = logging.getLogger("ocop.officer")


def record_officer_action(session: AsyncSession, officer_id: int | None, action: str, details: dict[str, Any]) -> None:
    """Audit `action` by officer `officer_id` (None: the command line); written when the caller commits."""
    plain = json.loads(json.dumps(details, default=str))  # dates become ISO strings in the JSON column
    session.add(AuditEntry(officer_id=officer_id, action=action, details=plain, created_at=utcnow()))
    log.info("officer_action %s", json.dumps({"officer": officer_id, "action": action, **plain},
                                             ensure_ascii=True, sort_keys=True))
