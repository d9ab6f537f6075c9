"""Secrets never logged (issue 15, item 6): a real `ocop-bot -v run` against the stand-in Bot API, a few
messages through its webhook, then the whole log is searched for the bot token (httpx logs every Bot API
URL, which holds it). And the filter itself: Zalo tokens, keys and a database password are masked in
messages, arguments and tracebacks."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp

from bot.core.redact import MASK, RedactSecrets
from tests.fakes import FakeBotApi
from tests.processes import post, start_bot, stop_bot

USER = 6101


async def test_a_verbose_run_never_logs_the_bot_token(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(f"sqlite+direct:///{tmp_path}/bot.db", api, tmp_path,
                              OCOP_ZALO_REFRESH_TOKEN="zalo-refresh-abcdef123456")
        try:
            async with aiohttp.ClientSession() as client:
                for text in ("/start", "xin chào", "/menu"):
                    update = api.make_update_json("command" if text.startswith("/") else "text", USER, text)
                    assert await post(client, bot, update) == 200
            await asyncio.sleep(0.5)
        finally:
            assert await stop_bot(bot) == 0
        log = bot.log_path.read_text(errors="replace")
    assert len(api.sent(USER)) >= 3, "the bot answered, so it called the Bot API with its token"
    assert "HTTP Request: POST" in log, "httpx logged its requests (the run was verbose)"
    secret_part = api.token.split(":", 1)[1]
    print(f"\ntoken found in the log: {log.count(secret_part)} times (lines logged: {log.count(chr(10))})")
    assert secret_part not in log and api.token not in log
    assert "/bot***/sendMessage" in log


def test_the_filter_masks_tokens_keys_and_passwords_everywhere_in_a_record() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger = logging.getLogger("redact-test")
    handler = Keep()
    handler.addFilter(RedactSecrets(["configured-oa-secret-42"]))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("GET /v2.0/oa?access_token=%s&x=1", "zAcc3ss-T0ken.value")
        logger.warning('refresh answered {"access_token": "AAA111", "refresh_token": "RRR222", "expires_in": "90000"}')
        logger.warning("headers: secret_key: %s", "app-secret-value")
        logger.warning("connecting to postgresql+asyncpg://ocop:hunter2pass@db:5432/ocop")
        logger.warning("signature with configured-oa-secret-42 failed")
        try:
            raise RuntimeError("POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe")
        except RuntimeError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    for secret in ("zAcc3ss-T0ken.value", "AAA111", "RRR222", "app-secret-value", "hunter2pass",
                   "configured-oa-secret-42", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"):
        assert secret not in text, secret
    assert text.count(MASK) >= 7 and '"expires_in": "90000"' in text and "RuntimeError" in text
