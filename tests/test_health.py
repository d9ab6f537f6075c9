"""/healthz and /metrics on the bot's HTTP server: the outbox backlog check, the push counters."""

from __future__ import annotations

from datetime import time, timedelta

import aiohttp

from bot.app import App
from bot.core import metrics
from bot.core.http import HttpServer
from bot.health import register_health_checks
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from db.models import utcnow
from tests.pushes_support import RecordingChannel, add_producers, broadcast


async def healthz(app: App, worker: DeliveryWorker | None = None) -> tuple[int, dict]:
    http = HttpServer("127.0.0.1", 0)
    register_health_checks(http, app, ["telegram"], worker)
    await http.start()
    try:
        async with aiohttp.ClientSession() as client, client.get(f"{http.url}/healthz") as response:
            return response.status, await response.json()
    finally:
        await http.stop()


def no_quiet_hours(app: App) -> None:
    app.settings.quiet_start = app.settings.quiet_end = time(0, 0)


async def test_outbox_backlog_turns_unhealthy_when_too_many_are_due(app: App) -> None:
    no_quiet_hours(app)
    app.settings.outbox_backlog_max = 3
    status, body = await healthz(app)
    assert status == 200 and body["checks"]["outbox"] == {"ok": True, "details": {"due": 0, "oldest_due_seconds": 0}}
    users = await add_producers(app.sessions, range(1, 6))
    await broadcast(app.sessions, users, due=utcnow() - timedelta(seconds=5))
    status, body = await healthz(app)
    assert status == 503 and body["status"] == "unhealthy"
    assert body["checks"]["outbox"]["details"]["due"] == 5 and body["checks"]["database"]["ok"]


async def test_outbox_backlog_turns_unhealthy_when_the_oldest_waits_too_long(app: App) -> None:
    no_quiet_hours(app)
    app.settings.outbox_backlog_minutes = 10
    users = await add_producers(app.sessions, [1])
    await broadcast(app.sessions, users, due=utcnow() - timedelta(minutes=9))
    assert (await healthz(app))[0] == 200
    await broadcast(app.sessions, users, key="b2", due=utcnow() - timedelta(minutes=11))
    status, body = await healthz(app)
    assert status == 503 and body["checks"]["outbox"]["details"]["oldest_due_seconds"] >= 660


async def test_pushes_are_counted_per_channel_and_outcome_and_the_depth_gauge_follows(app: App) -> None:
    no_quiet_hours(app)
    users = await add_producers(app.sessions, range(1, 4))
    await broadcast(app.sessions, users, due=utcnow() - timedelta(seconds=1))
    channel = RecordingChannel(utcnow)
    worker = DeliveryWorker(app.sessions, {"telegram": channel}, build_sources(app), exclusive=True)
    before = metrics.PUSHES.labels("telegram", "sent")._value.get()
    await worker._measure_depth()
    assert metrics.OUTBOX_DEPTH._value.get() == 3
    await worker.run_until_idle()
    await worker._measure_depth()
    assert metrics.PUSHES.labels("telegram", "sent")._value.get() - before == 3
    assert metrics.OUTBOX_DEPTH._value.get() == 0
    assert b'ocop_pushes_total{channel="telegram",outcome="sent"}' in metrics.render()
    status, body = await healthz(app, worker)
    assert status == 200 and "delivery" in body["checks"]
