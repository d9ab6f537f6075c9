"""`ocop-bot officer add|remove|list`: who is an OCOP officer, from a terminal, audited like the chat
tools (officer None: the command line)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.support import run_in_transaction
from bot.officer.roles import ADMIN, OFFICER, PRODUCER, RoleError, parse_address, set_role, staff
from db.audit import audit


def add_commands(commands: Any) -> None:
    """Add `officer` and its actions to the `ocop-bot` parser."""
    officer = commands.add_parser("officer", help="who is an OCOP officer (add, remove, list)")
    actions = officer.add_subparsers(title="officer commands", metavar="ACTION")
    add = actions.add_parser("add", help="make CHANNEL:ID an officer (or admin with --admin)")
    add.add_argument("address", help="e.g. telegram:123456789")
    add.add_argument("--admin", action="store_true", help="an admin can also manage officers in chat")
    add.set_defaults(func=lambda args: _run(_add, args))
    remove = actions.add_parser("remove", help="CHANNEL:ID becomes a producer again")
    remove.add_argument("address")
    remove.set_defaults(func=lambda args: _run(_remove, args))
    listing = actions.add_parser("list", help="list officers and admins")
    listing.set_defaults(func=lambda args: _run(_list, args))


def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (RoleError,), "ocop-bot officer")


async def _add(app: Any, session: Any, args: argparse.Namespace) -> int:
    channel, user_id = parse_address(args.address)
    role = ADMIN if args.admin else OFFICER
    await set_role(session, channel, user_id, role)
    await audit(session, None, "officer.add", {"address": f"{channel}:{user_id}", "role": role, "by": "cli"})
    print(f"{channel}:{user_id} is now {role}")
    return 0


async def _remove(app: Any, session: Any, args: argparse.Namespace) -> int:
    channel, user_id = parse_address(args.address)
    await set_role(session, channel, user_id, PRODUCER)
    await audit(session, None, "officer.remove", {"address": f"{channel}:{user_id}", "by": "cli"})
    print(f"{channel}:{user_id} is now producer")
    return 0


async def _list(app: Any, session: Any, args: argparse.Namespace) -> int:
    for user in await staff(session):
        print(f"{user.channel}:{user.channel_user_id}\t{user.role}")
    return 0
