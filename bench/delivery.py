"""Bulk send benchmark: N recipients through the delivery worker to the stand-in Bot API enforcing
Telegram's limits (30 msg/s overall, 1/s per chat). Prints elapsed, ideal, efficiency, duplicates,
losses and 429s. A full run (5,000) takes about 3 minutes; `--recipients 600` for a quick look.

    /work/venv/bin/python bench/delivery.py [--recipients N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.push_wiring import build_sources  # noqa: E402
from bot.pushes.delivery import DeliveryWorker  # noqa: E402
from tests.fakes import FakeBotApi  # noqa: E402
from tests.pushes_support import add_producers, broadcast, send_only_telegram, statuses  # noqa: E402

RATE = 30


async def run(recipients: int, database_url: str, concurrency: int) -> None:
    app = await App.create(Settings(database_url=database_url, _env_file=None))  # type: ignore[call-arg]
    try:
        first = 100_000
        users = await add_producers(app.sessions, range(first, first + recipients))
        await broadcast(app.sessions, users, key=f"bench-{time.time_ns()}")
        async with FakeBotApi(overall_per_second=RATE, per_chat_per_second=1.0, record=False) as api:
            worker = DeliveryWorker(app.sessions, {"telegram": await send_only_telegram(api)}, build_sources(app),
                                    concurrency=concurrency)
            stop = asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(worker.run(stop))
            await api.wait_until(lambda: sum(api.delivered.values()) >= recipients, timeout=recipients / RATE * 3 + 60)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)  # anything sent twice would show up now
            stop.set()
            await task
            ideal = recipients / RATE
            duplicates = sum(n - 1 for n in api.delivered.values() if n > 1)
            losses = sum(1 for chat in range(first, first + recipients) if chat not in api.delivered)
            print(f"recipients      {recipients}")
            print(f"elapsed         {elapsed:.1f} s")
            print(f"ideal           {ideal:.1f} s ({recipients} / {RATE} per second)")
            print(f"efficiency      {ideal / elapsed:.3f}")
            print(f"duplicates      {duplicates}")
            print(f"losses          {losses}")
            print(f"429s received   {api.rate_violations} (worker pauses: {worker.limiters['telegram'].pauses})")
            print(f"outbox          {dict(await statuses(app.sessions))}")
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    url = args.database_url or f"sqlite+direct:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(run(args.recipients, url, args.concurrency))


if __name__ == "__main__":
    main()
