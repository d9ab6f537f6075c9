"""How a dossier's status reads, for the producer (chat and push), the officer tool and the web console:
the same lines everywhere, from the status fields (a Dossier's snapshot or a history row's "after")."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.content import Content
from bot.content.text import N_
from bot.core.i18n import Translator

STATUS_LABEL = {
    "draft": N_("dossiers.status_draft"),
    "filed": N_("dossiers.status_filed"),
    "forwarded": N_("dossiers.status_forwarded"),
    "evaluated": N_("dossiers.status_evaluated"),
    "result": N_("dossiers.status_result"),
    "returned": N_("dossiers.status_returned"),
}
KIND_LABEL = {
    "lan-dau": N_("dossier.kind_first"),
    "nang-hang": N_("dossier.kind_upgrade"),
    "danh-gia-lai": N_("dossier.kind_reevaluation"),
}


def status_name(t: Translator, status: str) -> str:
    return t(STATUS_LABEL[status]) if status in STATUS_LABEL else status


def kind_name(t: Translator, kind: str) -> str:
    return t(KIND_LABEL[kind]) if kind in KIND_LABEL else kind


def note_suffix(note: str | None) -> str:
    """" · the note" after a history line, or nothing."""
    return f" · {note}" if note else ""


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def status_lines(t: Translator, content: Content, values: dict[str, Any]) -> list[str]:
    """Status, round, stars, decision number, certificate date, its expiry and the re-evaluation window (the
    certificate lasts 36 months, QĐ 26 Điều 4 khoản 3; re-evaluation filed 180 to 120 days before it ends,
    Điều 7 khoản 6 điểm a), or the reasons it was returned."""
    status = str(values.get("status"))
    lines = [t("dossiers.line_status", status=status_name(t, status))]
    if values.get("round_number") and status in ("evaluated", "result"):
        lines.append(t("dossiers.line_round", number=str(values["round_number"]), year=str(values.get("round_year") or "")))
    if status == "result" and values.get("stars"):
        lines.append(t("dossiers.line_stars", stars=str(values["stars"])))
        certificate = _day(values.get("certificate_date"))
        if values.get("decision_number"):
            lines.append(t("dossiers.line_decision", number=str(values["decision_number"])))
        if certificate is not None:
            calendar = content.calendar
            expiry = calendar.certificate_expiry(certificate)
            opens, closes = calendar.reevaluation_window(expiry)
            lines += [t("dossiers.line_certificate", day=certificate), t("dossiers.line_expiry", day=expiry),
                      t("dossiers.line_reevaluation", opens=opens, closes=closes)]
        elif int(values["stars"]) < content.calendar.certificate.certified_from_stars:
            lines.append(t("dossiers.line_no_certificate"))
    if status == "returned" and values.get("reasons"):
        lines.append(t("dossiers.line_reasons", reasons=str(values["reasons"])))
    return lines
