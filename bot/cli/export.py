"""`ocop-bot export`: the yearly-report export as XLSX or CSV files (they hold names and phone numbers)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.support import run_in_transaction
from db.models import utcnow


def add_commands(commands: Any) -> None:
    """Add `export` to the `ocop-bot` parser."""
    export = commands.add_parser("export", help="write the yearly-report export (holds names and phone numbers)")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--out", default=".", help="folder for the files (default: here)")
    export.set_defaults(func=lambda args: run_in_transaction(_export, args, (), "ocop-bot export"))


async def _export(app: Any, session: Any, args: argparse.Namespace) -> int:
    from bot.officer.files import write_export
    from bot.officer.reports import export_tables

    tables = await export_tables(session, app.content)
    for path in write_export(tables, Path(args.out), args.format, f"ocop-bao-cao-{utcnow().date().isoformat()}"):
        print(path)  # file names only: the rows (names, phones) never reach a terminal log
    return 0
