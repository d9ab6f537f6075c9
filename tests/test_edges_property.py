"""Property tests for the inbound edges not covered by tests/test_fuzz.py (Zalo's is there): the Telegram
webhook (authenticated bodies of any shape, unauthenticated ones), Telegram long polling (the stand-in
Bot API hands out arbitrary update JSON), the console (any line). For each: never a 500, never a handler
error or any ERROR logged, nothing stored for what is refused, and the edge keeps working afterwards.
Plus the bodies the attacker report named: `[` × 100,000 with a signature header, `[]`, a message that
is a string, a numeric text, a chat id that is a string, a body over the size cap."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import time
from typing import Any

import aiohttp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.channels.bounded import MAX_BODY_BYTES
from bot.channels.console import ConsoleChannel
from db.models import ProcessedUpdate, User
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.telegram_driver import running_bot, stop_bot

SECRET = "edge-secret_42"
USER = 6201
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
ids = st.one_of(st.integers(-(10**40), 10**40), st.text(alphabet="0123456789²①١", max_size=40), json_values)
digit_texts = st.one_of(st.text(max_size=60), st.sampled_from(["²", "①", "١", "１", "9" * 5000, "-1", "1.5"]),
                        st.integers(), json_values)
users = st.one_of(st.fixed_dictionaries({"id": ids, "is_bot": st.just(False), "first_name": st.just("F")},
                                        optional={"language_code": st.one_of(st.text(max_size=5), json_values)}),
                  json_values)
chats = st.one_of(st.fixed_dictionaries({"id": ids, "type": st.one_of(st.just("private"), json_values)}), json_values)
messages = st.one_of(
    st.fixed_dictionaries(
        {"message_id": st.one_of(st.integers(1, 10**6), json_values), "date": st.one_of(st.integers(0, 2**31), json_values),
         "chat": chats},
        optional={"from": users, "text": digit_texts, "caption": digit_texts,
                  "contact": st.one_of(st.fixed_dictionaries({"phone_number": digit_texts, "first_name": st.just("A")},
                                                             optional={"user_id": ids}), json_values),
                  "location": st.one_of(st.fixed_dictionaries({"latitude": json_values, "longitude": json_values}),
                                        json_values),
                  "document": st.one_of(st.fixed_dictionaries({"file_id": json_values, "file_unique_id": st.just("u")}),
                                        json_values),
                  "photo": st.one_of(st.lists(json_values, max_size=2), json_values)}),
    json_values,
)
callback_data = st.one_of(st.sampled_from(["doc:list:lan-dau:²", "doc:list:lan-dau:" + "9" * 30, "as:resume:١",
                                           "menu:main", "x" * 300]), st.text(max_size=70), json_values)
queries = st.one_of(
    st.fixed_dictionaries({"id": st.one_of(st.text(min_size=1, max_size=10), json_values), "from": users,
                           "chat_instance": st.just("c")},
                          optional={"data": callback_data, "message": messages}),
    json_values,
)
updates = st.one_of(
    st.fixed_dictionaries({"update_id": st.one_of(st.integers(1, 2**31), json_values)},
                          optional={"message": messages, "callback_query": queries,
                                    "edited_message": messages}),
    json_values,
)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _stored(app: App) -> tuple[int, int]:
    async with app.sessions() as session:
        users_count = (await session.execute(select(func.count()).select_from(User))).scalar_one()
        keys = (await session.execute(select(func.count()).select_from(ProcessedUpdate))).scalar_one()
    return users_count, keys


async def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


def test_telegram_webhook_bodies_never_give_500_and_refused_ones_store_nothing(sqlite_database: Database) -> None:
    loop = asyncio.new_event_loop()
    api = loop.run_until_complete(FakeBotApi().__aenter__())
    app, channel, http = loop.run_until_complete(running_bot(sqlite_database, api, webhook_url="https://bot.example.org",
                                                             webhook_secret=SECRET))
    url = f"{http.url}/telegram/webhook"
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    statuses: list[int] = []

    async def once(data: Any, mode: str) -> None:
        body = json.dumps(data, ensure_ascii=False).encode() if mode != "huge" else b"[" * (MAX_BODY_BYTES + 10)
        headers = {"Content-Type": "application/json"}
        if mode != "no secret":
            headers["X-Telegram-Bot-Api-Secret-Token"] = SECRET if mode != "wrong secret" else "nope"
        before = await _stored(app)
        status, text = await _post(url, body, headers)
        statuses.append(status)
        assert status in (200, 400, 403, 413), (status, data)
        if status != 200 or text != "ok":
            assert await _stored(app) == before, f"a refused or ignored body stored something: {data!r}"
        if mode in ("no secret", "wrong secret"):
            assert status == 403

    @FAST
    @given(data=updates, mode=st.sampled_from(["secret", "secret", "secret", "no secret", "wrong secret", "huge"]))
    @example(data=[], mode="secret")
    @example(data={"update_id": 1, "message": "a string"}, mode="secret")
    @example(data={"update_id": 2, "message": {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"},
                                               "from": {"id": USER, "is_bot": False, "first_name": "A"}, "text": 12345}},
             mode="secret")
    @example(data={"update_id": 3, "message": {"message_id": 1, "date": 0, "chat": {"id": str(USER), "type": "private"},
                                               "from": {"id": USER, "is_bot": False, "first_name": "A"}, "text": "hi"}},
             mode="secret")
    @example(data={"update_id": 4, "callback_query": {"id": "q", "chat_instance": "c", "data": "doc:list:lan-dau:²",
                                                      "from": {"id": USER, "is_bot": False, "first_name": "A"}}},
             mode="secret")
    @example(data={"update_id": 5}, mode="huge")
    def examples(data: Any, mode: str) -> None:
        loop.run_until_complete(once(data, mode))

    try:
        examples()
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
        # still answering afterwards
        update = api.make_update_json("text", USER + 1, "xin chào")
        status, _ = loop.run_until_complete(_post(url, json.dumps(update).encode(),
                                                  {"X-Telegram-Bot-Api-Secret-Token": SECRET}))
        assert status == 200 and api.sent(USER + 1)
        print(f"\ntelegram webhook fuzz: {len(statuses)} bodies, {statuses.count(500)} answered 500, "
              f"{sum(1 for s in statuses if 400 <= s < 500)} refused 4xx")
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(stop_bot(app, channel, http))
        loop.run_until_complete(api.__aexit__(None, None, None))
        loop.close()


def test_telegram_polling_survives_arbitrary_updates(sqlite_database: Database) -> None:
    loop = asyncio.new_event_loop()
    api = loop.run_until_complete(FakeBotApi(max_poll_timeout=0.2).__aenter__())
    app, channel, http = loop.run_until_complete(running_bot(sqlite_database, api))
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    probes = iter(range(10**6))

    async def once(data: Any) -> None:
        before = await _stored(app)
        update = data if isinstance(data, dict) else {"update_id": None, "odd": data}
        if not isinstance(update.get("update_id"), int) or isinstance(update.get("update_id"), bool):
            update = {**update, "update_id": None}  # the stand-in numbers it: offsets stay a server's business
            update.pop("update_id")
        api.push_raw(update)
        probe = USER + 100 + next(probes)
        api.push_text(probe, "xin chào")  # polling still moves: a later, ordinary update is answered
        await api.wait_for(timeout=20.0, method="sendMessage", chat_id=probe)
        after = await _stored(app)
        assert after[0] <= before[0] + 2, "one odd update made more than one user"

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(data=updates)
    @example(data={"message": "a string"})
    @example(data={"message": {"message_id": 1, "date": 0, "chat": {"id": "abc", "type": "private"}, "text": 5}})
    def examples(data: Any) -> None:
        loop.run_until_complete(once(data))

    try:
        examples()
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(stop_bot(app, channel, http))
        loop.run_until_complete(api.__aexit__(None, None, None))
        loop.close()


def test_console_lines_never_fail(sqlite_database: Database) -> None:
    loop = asyncio.new_event_loop()
    app = loop.run_until_complete(App.create(make_settings(sqlite_database), db=sqlite_database.engine()))
    apology = app.i18n.translator("vi")("error.generic")
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    lines = st.one_of(st.text(max_size=80).map(lambda t: t.replace("\n", " ")),
                      st.sampled_from(["²", "①", "١", "9" * 5000, "x" * 100_000, "/phone ²²²", "doc:list:lan-dau:²",
                                       "as:resume:" + "9" * 30, "1", "2"]))

    @FAST
    @given(typed=st.lists(lines, min_size=1, max_size=5))
    def examples(typed: list[str]) -> None:
        out = io.StringIO()
        console = ConsoleChannel(app.engine.handle, user_id=f"c{time.monotonic_ns()}",
                                 stdin=io.StringIO("\n".join(typed) + "\n"), stdout=out, try_later_text="later")
        loop.run_until_complete(console.run())
        assert apology not in out.getvalue(), typed

    try:
        examples()
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(app.close())
        loop.close()


def test_zalo_signature_is_checked_before_the_body_is_parsed(sqlite_database: Database) -> None:
    """`[` × 100,000 with any signature header: 403 at once (it was a 500 and a traceback per request); a
    correctly signed event for another app id: 403, nothing stored; one over the size cap: 413."""
    from tests.fakes.zalo_api import FakeZaloApi
    from tests.zalo_driver import OA_SECRET, fixture, running_zalo

    loop = asyncio.new_event_loop()
    api = loop.run_until_complete(FakeZaloApi().__aenter__())
    bot = loop.run_until_complete(running_zalo(sqlite_database, api))
    errors = _Errors()
    logging.getLogger().addHandler(errors)

    def signed(event: dict[str, Any], body: bytes | None = None) -> tuple[bytes, str]:
        raw = body if body is not None else json.dumps(event).encode()
        material = str(event["app_id"]).encode() + raw + str(event["timestamp"]).encode() + OA_SECRET.encode()
        return raw, "mac=" + hashlib.sha256(material).hexdigest()

    async def go() -> list[int]:
        results = []
        results.append((await _post(bot.webhook_url, b"[" * 100_000, {"X-ZEvent-Signature": "mac=1"}))[0])
        results.append((await _post(bot.webhook_url, b"[" * 100_000, {"X-ZEvent-Signature": "x" * 5000}))[0])
        other_app = fixture("follow", app_id="999")
        raw, mac = signed(other_app)
        results.append((await _post(bot.webhook_url, raw, {"X-ZEvent-Signature": mac}))[0])
        deep = fixture("follow")
        raw, mac = signed(deep, json.dumps(deep).encode()[:-1] + b', "x": ' + b"[" * 50 + b"]" * 50 + b"}")
        results.append((await _post(bot.webhook_url, raw, {"X-ZEvent-Signature": mac}))[0])
        big = fixture("text", message={"text": "x" * (MAX_BODY_BYTES + 1), "msg_id": "m1"})
        raw, mac = signed(big)
        results.append((await _post(bot.webhook_url, raw, {"X-ZEvent-Signature": mac}))[0])
        await bot.channel.drain()
        return results

    try:
        started = time.perf_counter()
        assert loop.run_until_complete(go()) == [403, 403, 403, 400, 413]
        assert time.perf_counter() - started < 10
        assert loop.run_until_complete(_stored(bot.app)) == (0, 0)
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(bot.stop())
        loop.run_until_complete(api.__aexit__(None, None, None))
        loop.close()


def test_only_ascii_digits_are_numbers_in_web_ids_and_export_years() -> None:
    from bot.web.console import whole_number
    from handlers.officer.export import parse_choice

    assert [whole_number(t) for t in ("12", "١", "２", "²", "9" * 30, "-1")] == [12, None, None, None, None, None]
    assert parse_choice("xlsx-2026") == ("xlsx", 2026) and parse_choice("xlsx-２０２６") == ("xlsx", None)
