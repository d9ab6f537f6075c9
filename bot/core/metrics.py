"""Prometheus metrics, served at /metrics on the bot's own HTTP server.

Names follow Prometheus conventions; labels never carry personal data (no user ids, no texts).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter("ocop_updates_total", "Updates handled, by channel and outcome (ok, duplicate, error)",
                  ["channel", "outcome"], registry=REGISTRY)
HANDLER_SECONDS = Histogram("ocop_handler_seconds", "Time to handle one update, transaction included",
                            ["channel"], registry=REGISTRY,
                            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
REPLIES = Counter("ocop_replies_total", "Conversation replies sent, by channel and outcome",
                  ["channel", "outcome"], registry=REGISTRY)
PUSHES = Counter("ocop_pushes_total", "Pushes (reminders, bulletins, broadcasts) sent, by channel and outcome",
                 ["channel", "outcome"], registry=REGISTRY)
REPLY_SETTLE_SECONDS = Histogram(
    "ocop_reply_settle_seconds", "The residual duplicate window of a reply: from the platform accepting it to "
    "our commit that it was sent", ["channel"], registry=REGISTRY,
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1))
OUTBOX_DEPTH = Gauge("ocop_outbox_depth", "Outbox rows waiting to be sent", registry=REGISTRY)

CONTENT_TYPE = CONTENT_TYPE_LATEST.split(";")[0]


def render() -> bytes:
    return generate_latest(REGISTRY)
