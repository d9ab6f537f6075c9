"""What producers store as evidence, per producer and in all, against the quota the settings give: the
operation behind `ocop-bot evidence` (and any officer tool that shows it). Counts and bytes only, never a file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.evidence import Usage, usage_by_producer


@dataclass(frozen=True)
class EvidenceReport:
    producers: list[Usage]
    quota_files: int
    quota_bytes: int

    @property
    def files(self) -> int:
        return sum(u.files for u in self.producers)

    @property
    def bytes(self) -> int:
        return sum(u.bytes for u in self.producers)

    def over_quota(self, usage: Usage) -> bool:
        return usage.files > self.quota_files or usage.bytes > self.quota_bytes


async def evidence_report(session: AsyncSession, quota_files: int, quota_bytes: int) -> EvidenceReport:
    return EvidenceReport(await usage_by_producer(session), quota_files, quota_bytes)


def report_lines(report: EvidenceReport) -> list[str]:
    """A plain table for a terminal: user id, channel, files, MB, share of the byte quota; then the totals."""
    lines = [f"{'user':>8}  {'channel':<9} {'files':>5} {'MB':>8} {'quota':>6}"]
    for usage in report.producers:
        share = 100 * usage.bytes / report.quota_bytes
        mark = "  OVER" if report.over_quota(usage) else ""
        lines.append(f"{usage.user_id:>8}  {usage.channel:<9} {usage.files:>5} {usage.bytes / 1048576:>8.2f} "
                     f"{share:>5.0f}%{mark}")
    lines.append(f"total: {len(report.producers)} producers, {report.files} files, {report.bytes / 1048576:.2f} MB "
                 f"(quota per producer: {report.quota_files} files, {report.quota_bytes / 1048576:.0f} MB)")
    return lines
