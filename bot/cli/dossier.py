"""`ocop-bot dossier list|set|undo|mau03`: the dossier's way to the certificate from a terminal, through the
same operation as the officer chat tool and the web console (validated, recorded, audited with officer
None, and pushed to the producer through the outbox)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.support import run_in_transaction
from bot.officer import dossiers as ops
from db import dossier_status as rows
from db.models import utcnow


def add_commands(commands: Any) -> None:
    """Add `dossier` and its actions to the `ocop-bot` parser."""
    dossier = commands.add_parser("dossier", help="product dossiers on their way to the certificate")
    actions = dossier.add_subparsers(title="dossier commands", metavar="ACTION")
    listing = actions.add_parser("list", help="list dossiers (newest change first)")
    listing.add_argument("--status", choices=ops.STATUSES)
    listing.set_defaults(func=lambda args: _run(_list, args))
    change = actions.add_parser("set", help="move dossier ID to STATUS (the producer is notified)")
    change.add_argument("id", type=int)
    change.add_argument("status", choices=ops.STATUSES)
    change.add_argument("--round", type=int, dest="round_number", help="evaluated: the round number")
    change.add_argument("--year", type=int, dest="round_year", help="evaluated: the round's year (default: this year)")
    change.add_argument("--stars", type=int, help="result: 1-5")
    change.add_argument("--decision", dest="decision_number", help="result from 3 stars: the decision's number")
    change.add_argument("--certificate-date", type=date.fromisoformat, help="result from 3 stars: YYYY-MM-DD")
    change.add_argument("--reasons", help="returned: why, and what to complete")
    change.add_argument("--note", help="a note for the producer")
    change.set_defaults(func=lambda args: _run(_set, args))
    undo = actions.add_parser("undo", help="correct a mistake: undo the latest change of dossier ID")
    undo.add_argument("id", type=int)
    undo.set_defaults(func=lambda args: _run(_undo, args))
    draft = actions.add_parser("mau03", help="write the commune's Mẫu 03 draft of dossier ID (DOCX and PDF)")
    draft.add_argument("id", type=int)
    draft.add_argument("--out", type=Path, default=Path("."), help="folder to write into (default: here)")
    draft.set_defaults(func=lambda args: _run(_mau03, args))


class Refused(Exception):
    pass


def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (Refused,), "ocop-bot dossier")


def _refused(app: Any, refused: ops.DossierRefused) -> Refused:
    return Refused(app.i18n.translator(app.settings.default_locale)(refused.reason))


async def _list(app: Any, session: Any, args: argparse.Namespace) -> int:
    await rows.ensure_drafts(session, utcnow())
    found, total = await rows.listing(session, args.status, limit=1000)
    for dossier, profile in found:
        who = profile.org_name if profile and profile.org_name else f"user {dossier.user_id}"
        stars = f"\t{dossier.stars}*" if dossier.stars else ""
        print(f"{dossier.id}\t{dossier.status}\t{who}\t{dossier.product}{stars}")
    print(f"{total} dossier(s)")
    return 0


async def _set(app: Any, session: Any, args: argparse.Namespace) -> int:
    change = ops.Change(args.status, round_number=args.round_number, round_year=args.round_year, stars=args.stars,
                        decision_number=args.decision_number, certificate_date=args.certificate_date,
                        reasons=args.reasons, note=args.note)
    try:
        event = await ops.change_status(session, app.content, args.id, None, change, utcnow(), app.settings.timezone,
                                        by="cli")
    except ops.DossierRefused as refused:
        raise _refused(app, refused) from None
    print(f"dossier {args.id}: {event.from_status} -> {event.to_status}")
    return 0


async def _undo(app: Any, session: Any, args: argparse.Namespace) -> int:
    try:
        event = await ops.undo_last(session, args.id, None, utcnow(), by="cli")
    except ops.DossierRefused as refused:
        raise _refused(app, refused) from None
    print(f"dossier {args.id}: {event.from_status} -> {event.to_status} (corrected)")
    return 0


async def _mau03(app: Any, session: Any, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from bot.officer.mau03_draft import build_mau03, file_names, render_mau03
    from db.officer_actions import record_officer_action

    dossier = await rows.by_id(session, args.id)
    if dossier is None:
        raise Refused(f"no dossier {args.id}")
    draft = await build_mau03(session, app.content, dossier)
    docx, pdf = await render_mau03(draft)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in zip(file_names(draft, utcnow().astimezone(ZoneInfo(app.settings.timezone))), (docx, pdf),
                          strict=True):
        (args.out / name).write_bytes(data)
        print(args.out / name)
    record_officer_action(session, None, "mau03_draft", {"dossier": dossier.id, "by": "cli"})
    return 0
