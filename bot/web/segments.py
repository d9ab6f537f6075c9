"""The audience filters as form fields, shared by the producer list and the broadcast composer: the same
keys and values as `bot.broadcasts.operations` (one implementation), with names for every option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.broadcasts.operations import DOSSIER_VALUES, SEGMENT_KEYS
from bot.officer.labels import segment_value

STARS_CHOICES = ("5", "4+", "3+", "2+", "1+", "0")
DIMENSIONS = {"commune": "broadcast.dim_commune", "group": "broadcast.dim_group", "type": "broadcast.dim_type",
              "stars": "broadcast.dim_stars", "dossier": "broadcast.dim_dossier"}


def segment_from(values: Mapping[str, Any]) -> dict[str, str]:
    """The filled-in filters of a query string or form (empty ones mean "any")."""
    return {key: str(values.get(key, "")).strip() for key in SEGMENT_KEYS if str(values.get(key, "")).strip()}


def segment_choices(page: Any, segment: dict[str, str]) -> list[dict[str, Any]]:
    """[{key, label, options: [(value, name)], chosen}] for the filter selects, every commune of the
    province (a select can list them all, unlike chat buttons)."""
    content, t = page.console.content, page.t
    values = {
        "commune": [c.code for c in content.communes.communes],
        "group": [g.code for g in content.programme.product_groups.items],
        "type": [k.code for k in content.programme.producer_types.items],
        "stars": list(STARS_CHOICES),
        "dossier": list(DOSSIER_VALUES),
    }
    return [{"key": key, "label": t(DIMENSIONS[key]), "chosen": segment.get(key, ""),
             "options": [(v, segment_value(content, t, key, v)) for v in values[key]]} for key in SEGMENT_KEYS]


