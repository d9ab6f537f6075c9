"""`ocop-bot evidence`: evidence files stored per producer and in all, against the per-producer quota."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.support import run_in_transaction


def add_commands(commands: Any) -> None:
    """Add `evidence` to the `ocop-bot` parser."""
    evidence = commands.add_parser("evidence", help="evidence files stored per producer and in all (counts and "
                                   "sizes only), against OCOP_EVIDENCE_QUOTA_FILES / _BYTES")
    evidence.set_defaults(func=lambda args: run_in_transaction(_report, args, (), "ocop-bot evidence"))


async def _report(app: Any, session: Any, args: argparse.Namespace) -> int:
    from bot.officer.evidence import evidence_report, report_lines

    settings = app.settings
    report = await evidence_report(session, settings.evidence_quota_files, settings.evidence_quota_bytes)
    for line in report_lines(report):
        print(line)
    return 0
