"""`ocop-bot export`: the yearly-report export as XLSX or CSV files (they hold names and phone numbers)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.support import run_in_transaction


def add_commands(commands: Any) -> None:
    """Add `export` to the `ocop-bot` parser."""
    export = commands.add_parser("export", help="write the yearly-report export (holds names and phone numbers)")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--year", type=int, help="only that year (local time): producers joined by its end, "
                        "self-assessments finished and broadcasts created in it (default: everything)")
    export.add_argument("--locale", choices=("vi", "en"), help="language of the headers (default: OCOP_DEFAULT_LOCALE)")
    export.add_argument("--out", default=".", help="folder for the files (default: here)")
    export.set_defaults(func=lambda args: run_in_transaction(_export, args, (), "ocop-bot export"))


async def _export(app: Any, session: Any, args: argparse.Namespace) -> int:
    from bot.officer.files import write_export
    from bot.officer.reports import Period
    from bot.officer.yearly import export_tables

    zone = app.settings.timezone
    t = app.i18n.translator(args.locale or app.settings.default_locale)
    export = await export_tables(session, app.content, t, Period(args.year, zone))
    stem = f"ocop-bao-cao-{args.year or datetime.now(ZoneInfo(zone)).date().isoformat()}"
    for path in write_export(export, Path(args.out), args.format, stem):
        print(path)  # file names only: the rows (names, phones) never reach a terminal log
    return 0
