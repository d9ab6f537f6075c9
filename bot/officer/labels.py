"""Names for the codes officers would otherwise read: communes, product groups, producer types, stars and
dossier status, in the officer's language. One place, used by the statistics and their chart, the export,
the broadcast audience and the web console, so "xa-thap-muoi" or "htx" never reaches an officer."""

from __future__ import annotations

from bot.content import Content
from bot.core.i18n import N_, Translator

NONE = "-"  # a profile field the producer did not give
DOSSIER_LABELS = {"complete": N_("broadcast.dossier_complete"), "incomplete": N_("broadcast.dossier_incomplete")}


def commune_name(content: Content, code: str | None) -> str:
    commune = content.communes.by_code.get(code or "")
    return commune.name if commune else (code or NONE)


def group_name(content: Content, t: Translator, code: str | None) -> str:
    group = content.programme.group_by_code.get(code or "")
    return t.content(group.label) if group else (code or NONE)


def type_name(content: Content, t: Translator, code: str | None) -> str:
    kind = content.programme.producer_type_by_code.get(code or "")
    return t.content(kind.label) if kind else (code or NONE)


def stars_label(t: Translator, value: str | int) -> str:
    """"3" → "3 sao", "3+" → "3★ trở lên", "0" → "chưa đạt sao" (a knocked-out or low self-assessment)."""
    text = str(value)
    if text.endswith("+"):
        return t("broadcast.stars_at_least", stars=int(text[:-1]))
    if text == "0":
        return t("broadcast.stars_none")
    return t("broadcast.stars_value", stars=int(text))


def segment_value(content: Content, t: Translator, key: str, value: str) -> str:
    """The name of one audience filter's value (a broadcast segment, a producer list filter)."""
    if key == "commune":
        return commune_name(content, value)
    if key == "group":
        return group_name(content, t, value)
    if key == "type":
        return type_name(content, t, value)
    if key == "stars":
        return stars_label(t, value)
    return t(DOSSIER_LABELS[value]) if value in DOSSIER_LABELS else value
