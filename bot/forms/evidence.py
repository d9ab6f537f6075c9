"""The evidence guidance table of Mẫu 02 Phần III and the one numbering of evidence files that the report's
appendix table and the dossier ZIP share.

Topics: bot/forms/topics.py (the table's rows, in the copy's order).

Numbering: topics first, in the table's order, each topic's files in the order given; then the score-sheet
items in sheet order. A file (same `id`) attached to several places gets the number of its first place only;
the later places refer to that number.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.forms.model import EvidenceFile, Mau02, ScoreRow
from bot.forms.topics import EVIDENCE_TOPICS, EvidenceTopic


def topic_for_checklist_item(checklist_id: str) -> EvidenceTopic | None:
    """The guidance-table topic a dossier checklist item's uploads go under (None for forms, samples…)."""
    return next((t for t in EVIDENCE_TOPICS if checklist_id in t.checklist_ids), None)


@dataclass(frozen=True)
class AppendixEntry:
    """One numbered evidence file: the same number heads its name in the ZIP."""

    number: int
    file: EvidenceFile
    topic: EvidenceTopic | None
    """Set when the file's first place is a guidance-table topic…"""
    row: ScoreRow | None
    """…or else the score-sheet item it was attached to."""

    @property
    def place(self) -> str:
        """What it proves, in the appendix's words."""
        if self.topic is not None:
            return self.topic.content
        assert self.row is not None
        return f"Tiêu chí {self.row.code}. {self.row.name}"


def appendix(report: Mau02) -> tuple[AppendixEntry, ...]:
    """Every evidence file of the report, numbered from 1 in appendix order (see the module docstring)."""
    entries: list[AppendixEntry] = []
    seen: set[str] = set()

    def add(file: EvidenceFile, topic: EvidenceTopic | None, row: ScoreRow | None) -> None:
        if file.id not in seen:
            seen.add(file.id)
            entries.append(AppendixEntry(len(entries) + 1, file, topic, row))

    for topic in EVIDENCE_TOPICS:
        for file in report.assessment.topic_evidence.get(topic.key, ()):
            add(file, topic, None)
    for row in report.assessment.rows:
        for file in row.evidence:
            add(file, None, row)
    return tuple(entries)


def numbers_by_id(entries: tuple[AppendixEntry, ...]) -> dict[str, int]:
    return {e.file.id: e.number for e in entries}
