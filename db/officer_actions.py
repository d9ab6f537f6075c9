"""What officers changed, as one structured log line per action, without personal data (no names, phones
or free text: ids, counts and dates only). When the audit log lands (branch officer1, `audit()`), this is
the one place to call it from."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("ocop.officer")


def record_officer_action(session: AsyncSession, officer_id: int, action: str, details: dict[str, Any]) -> None:
    """Log `action` by officer `officer_id` with `details` (ids, dates, counts only). `session` is taken so
    the audit hook can write in the same transaction later."""
    log.info("officer_action %s", json.dumps({"officer": officer_id, "action": action, **details},
                                             default=str, ensure_ascii=True, sort_keys=True))
