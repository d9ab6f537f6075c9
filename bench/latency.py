"""Reply latency under load: 200 users talking to a real `ocop-bot run` process (Telegram webhook, the
stand-in Bot API server in this process) while a 5,000-recipient broadcast is being sent at the channel's
full rate and the reminder scheduler ticks.

    python -m bench.latency [--database sqlite|postgres|both] [--users 200] [--turns 6] [--recipients 5000]
                            [--arrivals 30]

Users arrive spread over the first `--arrivals` seconds (people do not all press /start at the same
instant; with 0 they do, and 200 /start answers of two messages each queue behind Telegram's 30/s limit
for ~13 s whatever the bot does). Each user does, one step at a time (the next 5-15 s after the previous got its first reply, as a person
reads and types; 200 users then need ~20 of Telegram's 30 messages per second, the broadcast takes the rest):
/start, then a mix of free-text questions (the FAQ), presses of a button the bot just showed (menus,
the eligibility check, self-assessment answers), and a document upload. Latency of one step = from the
moment its webhook POST leaves to the moment the stand-in server receives the step's first reply.
Prints p50/p95/p99/max, updates/s, how many steps got no reply within 30 s (lost), how many identical
messages reached a chat twice in a row within 2 s (duplicated, a heuristic: a bot never repeats a
message back to back), and how many broadcast messages went out during the run (the broadcast rate).

PostgreSQL: a fresh database on the server of OCOP_TEST_DATABASE_URL (dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from tests.fakes import FakeBotApi  # noqa: E402
from tests.processes import fresh_database, post, start_bot, stop_bot  # noqa: E402
from tests.pushes_support import add_producers, broadcast  # noqa: E402

QUESTIONS = ["hồ sơ OCOP gồm những gì", "khi nào nộp hồ sơ", "sản phẩm 3 sao cần gì", "OCOP là gì",
             "phí đánh giá bao nhiêu", "what documents do I need"]
BROADCAST_BASE = 5_000_000


async def prepare(database_url: str, recipients: int) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    app = await App.create(settings)
    try:
        users = await add_producers(app.sessions, range(BROADCAST_BASE, BROADCAST_BASE + recipients))
        await broadcast(app.sessions, users, key="bench")
    finally:
        await app.close()


def _last_keyboard(api: FakeBotApi, chat: int) -> list[str]:
    for call in reversed(api.calls):
        if call.chat_id == chat and call.ok and call.method == "sendMessage":
            markup = call.params.get("reply_markup") or {}
            rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
            if rows:
                return [b["callback_data"] for row in rows for b in row if b.get("callback_data")]
            return []
    return []


async def user_script(api: FakeBotApi, client: aiohttp.ClientSession, bot: Any, chat: int, turns: int,
                      latencies: list[float], lost: list[int], rng: random.Random, arrival: float = 0.0) -> None:
    await asyncio.sleep(arrival)
    for turn in range(turns + 1):
        if turn == 0:
            update = api.command_update(chat, "/start")
        else:
            roll = rng.random()
            buttons = _last_keyboard(api, chat)
            if roll < 0.5 and buttons:
                update = api.callback_update(chat, rng.choice(buttons))
            elif roll < 0.85:
                update = api.text_update(chat, rng.choice(QUESTIONS))
            else:
                file_id = api.add_file(b"%PDF-1.4 bench\n" * 50, "giay-phep.pdf", "application/pdf")
                user = api._user(chat, "Test", "vi", None)
                update = {"update_id": api._new_update_id(), "message": api._incoming(
                    chat, user, document={"file_id": file_id, "file_unique_id": file_id, "file_name": "giay-phep.pdf",
                                          "mime_type": "application/pdf", "file_size": 750})}
        before = api.delivered[chat]
        started = time.monotonic()
        try:
            status = await post(client, bot, update)
        except TimeoutError:
            status = 0  # the webhook did not answer within the client's 60 s
        if status != 200:
            lost.append(chat)
            continue
        try:
            await api.wait_until(lambda before=before: api.delivered[chat] > before, timeout=30)
        except TimeoutError:
            lost.append(chat)
            continue
        first = next(c.time for c in api.calls if c.chat_id == chat and c.ok and c.time >= started
                     and c.method.startswith("send"))
        latencies.append(first - started)
        await asyncio.sleep(rng.uniform(5.0, 15.0))  # a person reads, thinks, types


def duplicates(api: FakeBotApi) -> int:
    last: dict[Any, tuple[str, float]] = {}
    count = 0
    for call in api.calls:
        if not call.ok or not call.method.startswith("send") or call.chat_id is None:
            continue
        if int(call.chat_id) >= BROADCAST_BASE:
            continue
        text = str(call.text) + str(call.params.get("reply_markup"))
        previous = last.get(call.chat_id)
        if previous is not None and previous[0] == text and call.time - previous[1] < 2.0:
            count += 1
        last[call.chat_id] = (text, call.time)
    return count


async def settle_window(client: aiohttp.ClientSession, bot: Any) -> str:
    """The residual duplicate window as the bot measured it (ocop_reply_settle_seconds: from the platform
    accepting a reply to our commit that it was sent): mean, and the bucket bounds holding p50 and p95."""
    try:
        async with client.get(f"{bot.url}/metrics") as response:
            text = await response.text()
    except aiohttp.ClientError:
        return "n/a"
    buckets: list[tuple[float, float]] = []
    total = count = 0.0
    for line in text.splitlines():
        if line.startswith("ocop_reply_settle_seconds_bucket"):
            bound = line.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if bound == "+Inf" else float(bound), float(line.rsplit(" ", 1)[1])))
        elif line.startswith("ocop_reply_settle_seconds_sum"):
            total = float(line.rsplit(" ", 1)[1])
        elif line.startswith("ocop_reply_settle_seconds_count"):
            count = float(line.rsplit(" ", 1)[1])
    if not count:
        return "n/a (no reply settled: replies are not outbox rows in this version)"

    def bound(q: float) -> str:
        for upper, seen in sorted(buckets):
            if seen >= q * count:
                return f"<= {upper * 1000:.1f} ms"
        return "?"

    return f"mean {total / count * 1000:.1f} ms, p50 {bound(0.5)}, p95 {bound(0.95)} over {count:.0f} replies"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_one(kind: str, database_url: str, args: argparse.Namespace, recipients: int) -> dict[str, float]:
    await prepare(database_url, recipients)
    rng = random.Random(args.seed)
    async with FakeBotApi() as api:
        with tempfile.TemporaryDirectory() as logs:
            bot = await start_bot(database_url, api, Path(logs), OCOP_PUSH_TICK_SECONDS="10")
            try:
                if recipients:
                    await api.wait_until(lambda: sum(n for c, n in api.delivered.items()
                                                     if isinstance(c, int) and c >= BROADCAST_BASE) > 0, timeout=60)
                broadcast_before = sum(n for c, n in api.delivered.items() if isinstance(c, int) and c >= BROADCAST_BASE)
                latencies: list[float] = []
                lost: list[int] = []
                started = time.monotonic()
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as client:
                    arrivals = [rng.uniform(0.0, args.arrivals) for _ in range(args.users)]
                    await asyncio.gather(*(user_script(api, client, bot, 1000 + i, args.turns, latencies, lost, rng,
                                                       arrivals[i]) for i in range(args.users)))
                    elapsed = time.monotonic() - started
                    window = await settle_window(client, bot)
                broadcast_sent = sum(n for c, n in api.delivered.items()
                                     if isinstance(c, int) and c >= BROADCAST_BASE) - broadcast_before
            finally:
                await stop_bot(bot)
    steps = args.users * (args.turns + 1)
    figures = {"p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
               "p99": percentile(latencies, 0.99), "max": max(latencies) if latencies else float("nan"),
               "mean": statistics.fmean(latencies) if latencies else float("nan"),
               "updates_per_s": len(latencies) / elapsed, "steps": steps, "lost": len(lost),
               "duplicated": duplicates(api), "broadcast_per_s": broadcast_sent / elapsed, "seconds": elapsed}
    running = f"broadcast to {recipients} running" if recipients else "no broadcast (baseline)"
    print(f"[{kind}] {args.users} users x {args.turns + 1} steps, arriving over {args.arrivals:.0f} s, {running}:")
    print(f"  reply latency p50 {figures['p50'] * 1000:.0f} ms  p95 {figures['p95'] * 1000:.0f} ms  "
          f"p99 {figures['p99'] * 1000:.0f} ms  max {figures['max'] * 1000:.0f} ms")
    print(f"  {figures['updates_per_s']:.1f} updates/s over {elapsed:.1f} s; lost {figures['lost']} of {steps}; "
          f"duplicated {figures['duplicated']}; broadcast {figures['broadcast_per_s']:.1f} msg/s meanwhile")
    print(f"  residual duplicate window (platform accepted -> marked sent): {window}")
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without the broadcast")
    parser.add_argument("--arrivals", type=float, default=30.0, help="users arrive spread over this many seconds")
    args = parser.parse_args()
    async def both(kind: str, url_for: Any) -> None:
        """The same users with the broadcast and, unless --no-baseline, without it (same run, same seed)."""
        loaded = None
        for recipients in ([args.recipients] if args.no_baseline else [0, args.recipients]):
            async with url_for() as url:
                figures = await run_one(kind, url, args, recipients)
            if recipients == 0:
                loaded = figures
        if loaded is not None:
            print(f"  [{kind}] with the broadcast / without: p50 x{figures['p50'] / loaded['p50']:.2f}, "
                  f"p95 x{figures['p95'] / loaded['p95']:.2f}, p99 x{figures['p99'] / loaded['p99']:.2f}")

    @contextlib.asynccontextmanager
    async def sqlite_url() -> Any:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+direct:///{folder}/bench.db"

    def postgres_url() -> Any:
        base = os.environ.get("OCOP_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
        return fresh_database(base)

    if args.database in ("sqlite", "both"):
        await both("sqlite", sqlite_url)
    if args.database in ("postgres", "both"):
        await both("postgres", postgres_url)


if __name__ == "__main__":
    asyncio.run(main())
