"""What every officer CLI command shares: the app on the configured database, one transaction, and
expected errors printed plainly with exit code 1 (anything else is a bug and shows its traceback)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.config import Settings

Action = Callable[[Any, Any, argparse.Namespace], Awaitable[int]]


def run_in_transaction(action: Action, args: argparse.Namespace, expected: tuple[type[Exception], ...],
                       prefix: str) -> int:
    """Run `action(app, session, args)` in one transaction; `expected` errors become "prefix: message"."""
    from bot.app import App

    async def go() -> int:
        app = await App.create(Settings())
        try:
            async with app.sessions() as session, session.begin():
                return await action(app, session, args)
        except expected as exc:
            print(f"{prefix}: {exc}", file=sys.stderr)
            return 1
        finally:
            await app.close()

    return asyncio.run(go())
