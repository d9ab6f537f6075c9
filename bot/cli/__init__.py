"""The `ocop-bot` command: chat in a terminal, run the channels, manage the database and content."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.core.config import ConfigError, Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _redact_secrets()
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"ocop-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _redact_secrets() -> None:
    """Every log line passes bot/core/redact.py: the bot token in httpx's request lines, Zalo tokens,
    keys and the database password are masked (configured values, and anything shaped like them)."""
    from bot.core import redact

    redact.install()
    try:
        redact.add_secrets(*redact.settings_secrets(Settings()))
    except Exception:  # noqa: BLE001 - a bad setting is reported by the command that reads it
        pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocop-bot",
        description="The OCOP producer assistant for Đồng Tháp: a chat bot on Telegram, Zalo OA and the console. "
        "Settings come from OCOP_* environment variables or a .env file (see README).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the bot does (INFO level)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    chat = commands.add_parser("chat", help="chat with the bot in this terminal (no token, no server)",
                               description="Chat with the bot in the terminal as one producer. Buttons are "
                               "numbered: type the number to press one. /phone NUMBER shares a phone number; "
                               "/quit leaves. Your answers are kept in the database between runs.")
    chat.add_argument("--user", default="console-user", help="whose conversation this is; use different ids to "
                      "play several producers (default: console-user)")
    chat.set_defaults(func=_chat)

    run = commands.add_parser("run", help="run the configured channels, scheduler and delivery",
                              description="Run every configured channel (Telegram: long polling, or webhook when "
                              "OCOP_WEBHOOK_URL is set) on the bot's own HTTP server (OCOP_HTTP_HOST:OCOP_HTTP_PORT).")
    run.set_defaults(func=_run)

    db = commands.add_parser("db", help="database schema (Alembic)")
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION")
    db_upgrade = db_commands.add_parser("upgrade", help="create or upgrade the schema at OCOP_DATABASE_URL")
    db_upgrade.set_defaults(func=_db_upgrade)

    content = commands.add_parser("content", help="content files (criteria, documents, calendar, FAQ)")
    content_commands = content.add_subparsers(title="content commands", metavar="ACTION")
    check = content_commands.add_parser("check", help="validate every content file and catalog; list each "
                                        "problem with its file and key")
    check.add_argument("--dir", help="content folder to check (default: OCOP_CONTENT_DIR or the bundled one)")
    check.set_defaults(func=_content_check)

    from bot.cli import broadcast, bulletin, calendar, deliver, diagrams, dossier, evidence, export, officer

    for group in (bulletin, officer, broadcast, calendar, export, evidence, deliver, diagrams, dossier):
        group.add_commands(commands)
    return parser


def _chat(args: argparse.Namespace) -> int:
    from bot.app import App
    from bot.channels.console import ConsoleChannel

    async def chat() -> None:
        app = await App.create(Settings())
        try:
            try_later = app.i18n.translator(app.settings.default_locale)("error.try_later")
            await ConsoleChannel(app.engine.handle, user_id=args.user, try_later_text=try_later).run()
        finally:
            await app.close()

    asyncio.run(chat())
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run_forever

    settings = Settings()
    asyncio.run(run_forever(settings))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from db.migrate import upgrade
    from db.session import create_engine

    async def go() -> None:
        engine = create_engine(Settings().database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())
    print("database is at the newest schema")
    return 0


def _content_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.content import content_root, load_content
    from bot.content.base import ContentErrors
    from bot.core.i18n import CatalogError, load_catalogs
    from bot.core.i18n_check import missing_translations
    from bot.forms import TOPIC_LABELS

    root = Path(args.dir) if args.dir else content_root()
    try:
        content = load_content(root)
        catalogs = load_catalogs(root / "locale")
    except ContentErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in {root}", file=sys.stderr)
        return 1
    except CatalogError as exc:
        print(f"catalogs: {exc}", file=sys.stderr)
        return 1
    missing = missing_translations(content, catalogs, TOPIC_LABELS)
    for problem in missing:
        print(problem, file=sys.stderr)
    if missing:
        print(f"{len(missing)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"content OK: {root}")
    return 0

