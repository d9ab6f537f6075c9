"""Reminder tick benchmark: N producers with personal dates spread over the coming year (N pending
reminders and more) in the database; time for a tick to find and enqueue the due ones, and the peak
memory of a process doing it, with 0 and with N pending. Each measurement runs in a fresh process.
No reminder is held in the scheduler: memory must not grow with N.

    python -m bench.reminders [--pending 100000] [--database-url URL] [--sqlite-driver direct|aiosqlite|both]

`--sqlite-driver both` measures the two SQLite drivers in the same run, one after the other per case.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2027, 1, 10, 1, 0, tzinfo=UTC)  # 08:00 in Đồng Tháp


async def fill(url: str, pending: int, spread: bool) -> None:
    """`pending` consenting producers, each with a certificate expiry: spread over the next 400 days (some
    reminders due now) or all more than 200 days ahead (nothing due now)."""
    from sqlalchemy import insert

    from db.migrate import upgrade
    from db.models import User, UserDate
    from db.session import create_engine

    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as connection:
        for start in range(0, pending, 5000):
            ids = range(start + 1, min(start + 5000, pending) + 1)
            await connection.execute(insert(User), [
                {"id": i, "channel": "telegram", "channel_user_id": str(1_000_000 + i), "locale": "vi", "role": "producer",
                 "consent_at": NOW, "active": True, "notifications": True, "created_at": NOW, "last_seen_at": NOW}
                for i in ids])
            await connection.execute(insert(UserDate), [
                {"user_id": i, "kind": "ocop_certificate_expiry" if i % 2 else "food_safety_expiry",
                 "value": date(2027, 1, 10) + timedelta(days=i % 400 if spread else 200 + i % 365), "updated_at": NOW} for i in ids])
    await engine.dispose()


async def measure(url: str) -> dict[str, float]:
    import psutil

    from bot.app import App
    from bot.core.config import Settings
    from bot.push_wiring import build_sources
    from bot.pushes.scheduler import PushScheduler

    app = await App.create(Settings(database_url=url, _env_file=None), migrate=False)  # type: ignore[call-arg]
    sources = build_sources(app)
    scheduler = PushScheduler(app.sessions, sources["reminder"], sources["bulletin"])  # type: ignore[arg-type]
    rss_before = psutil.Process().memory_info().rss
    stalls: list[float] = []
    ticking = asyncio.Event()

    async def watch_loop() -> None:
        """How long the event loop goes without running anything else (a webhook would wait that long)."""
        last = time.perf_counter()
        while not ticking.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            stalls.append(now - last)
            last = now

    watcher = asyncio.create_task(watch_loop())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    enqueued = await scheduler.tick(NOW)
    first = time.perf_counter() - started
    ticking.set()
    await watcher
    started = time.perf_counter()
    again = await scheduler.tick(NOW + timedelta(minutes=5))
    second = time.perf_counter() - started
    await app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"enqueued": enqueued, "again": again, "first_tick_s": first, "next_tick_s": second,
            "longest_stall_s": max(stalls),
            "rss_before_tick_mb": rss_before / 2**20, "peak_rss_mb": peak / 2**20}


def child(url: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", url], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="an EMPTY database to fill (default: SQLite files)")
    parser.add_argument("--sqlite-driver", default="direct", choices=("direct", "aiosqlite", "both"),
                        help="SQLite driver for the default files (sqlite+direct is the bot's default)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure))))
        return
    folder = tempfile.mkdtemp()
    results = {}
    cases = {"0 pending": (0, True), f"{args.pending} pending, none due": (args.pending, False),
             f"{args.pending} pending, spread (some due)": (args.pending, True)}
    drivers = ("direct", "aiosqlite") if args.sqlite_driver == "both" else (args.sqlite_driver,)
    for number, (case, (pending, spread)) in enumerate(cases.items()):
        for driver in drivers:
            name = f"{case} [{driver}]" if len(drivers) > 1 else case
            url = (args.database_url if args.database_url and pending
                   else f"sqlite+{driver}:///{folder}/r{number}-{driver}.db")
            started = time.perf_counter()
            asyncio.run(fill(url, pending, spread))
            print(f"filled {name} in {time.perf_counter() - started:.1f} s", flush=True)
            results[name] = child(url)
    for name, r in results.items():
        print(f"{name:>48}: first tick {r['first_tick_s'] * 1000:7.1f} ms ({int(r['enqueued'])} due, enqueued); "
              f"next tick {r['next_tick_s'] * 1000:6.1f} ms ({int(r['again'])} new); "
              f"longest event-loop stall in the first {r['longest_stall_s'] * 1000:6.1f} ms; "
              f"peak RSS {r['peak_rss_mb']:.1f} MB (before the tick {r['rss_before_tick_mb']:.1f} MB)")


if __name__ == "__main__":
    main()
