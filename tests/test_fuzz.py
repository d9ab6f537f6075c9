"""Bad input everywhere: random texts, forged payloads and odd updates never crash a handler,
never corrupt state, and always get a polite answer where one is due."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from itertools import count
from typing import Any

import aiohttp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from telegram import Bot, Update

from bot.app import App
from bot.channels.telegram import to_inbound
from bot.core.messages import Inbound, Kind
from db.models import ProcessedUpdate, Profile, User
from tests.conftest import Database, make_settings
from tests.test_onboarding import onboard
from tests.transcript import Chat

_ids = count(1)
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "So", "Zs"]), max_size=50),
    st.just("x" * 10_000),
    st.sampled_from(["/start", "/menu", "/help", "/cancel", "/unknown", "huỷ", "1", "99", "0", "-1", "ｈｕｙ", "🙂" * 300]),
)
payload_parts = st.sampled_from(["onb", "prof", "set", "menu", "x", "", "lang", "type", "commune", "edit", "delete_yes"])
payloads = st.one_of(
    st.text(max_size=80),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}", payload_parts, payload_parts, st.text(max_size=40)),
)
events = st.one_of(
    st.builds(lambda t: ("text", t), texts),
    st.builds(lambda p: ("button", p), payloads),
    st.builds(lambda p: ("contact", p), st.text(max_size=30)),
    st.just(("started", "")),
    st.just(("location", "")),
)


async def _fuzz_once(app: App, sequence: list[tuple[str, str]], onboarded: bool) -> None:
    error_text = app.i18n.translator("vi")("error.generic")
    user = f"fuzz{next(_ids)}"
    if onboarded:
        await onboard(Chat(app.engine, user_id=user))
    for kind, value in sequence:
        fields: dict[str, object] = {
            "text": {"text": value}, "button": {"payload": value}, "contact": {"phone": value},
        }.get(kind, {})
        replies = (await app.engine.handle(
            Inbound("console", user, Kind(kind), dedup_key=f"f:{next(_ids)}", **fields)  # type: ignore[arg-type]
        )).replies
        assert replies, f"no answer to {kind} {value!r}"
        assert all(error_text not in r.text for r in replies), f"a handler crashed on {kind} {value!r}"
        assert all(0 < len(r.text) for r in replies)
        assert all(len(b.payload.encode()) <= 64 for r in replies for b in r.flat_buttons())
    if onboarded:
        async with app.sessions() as session:
            for profile in (await session.execute(select(Profile))).scalars():
                # a profile may be half filled (random input can give consent, then wander off), but what
                # is stored is always a code the content knows
                assert profile.producer_type is None or profile.producer_type in app.content.programme.producer_type_by_code
                assert profile.commune_code is None or profile.commune_code in app.content.communes.by_code


def test_random_input_never_crashes_a_handler(sqlite_database: Database) -> None:
    # One app and one event loop for all examples: building the app per example would dominate the run.
    loop = asyncio.new_event_loop()
    app = loop.run_until_complete(App.create(make_settings(sqlite_database), db=sqlite_database.engine()))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(sequence=st.lists(events, min_size=1, max_size=12), onboarded=st.booleans())
    def examples(sequence: list[tuple[str, str]], onboarded: bool) -> None:
        loop.run_until_complete(_fuzz_once(app, sequence, onboarded))

    try:
        examples()
    finally:
        loop.run_until_complete(app.close())
        loop.close()


telegram_updates = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=0, max_value=2**31)},
    optional={
        "message": st.fixed_dictionaries(
            {"message_id": st.integers(1, 10**6), "date": st.integers(0, 2**31),
             "chat": st.fixed_dictionaries({"id": st.integers(-(10**12), 10**12),
                                            "type": st.sampled_from(["private", "group", "supergroup", "channel"])})},
            optional={"text": st.text(max_size=100), "from": st.fixed_dictionaries(
                {"id": st.integers(1, 10**10), "is_bot": st.booleans(), "first_name": st.text(max_size=10)}),
                "sticker": st.just({"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1,
                                    "height": 1, "is_animated": False, "is_video": False})},
        ),
        "edited_message": st.just({"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "e"}),
        "channel_post": st.just({"message_id": 1, "date": 0, "chat": {"id": -1, "type": "channel"}, "text": "p"}),
    },
)


@settings(max_examples=300, deadline=None)
@given(data=telegram_updates)
def test_odd_telegram_updates_translate_or_are_ignored(data: dict) -> None:
    update = Update.de_json(data, Bot("1:x"))
    inbound = to_inbound(update)
    if inbound is not None:
        assert inbound.channel == "telegram" and inbound.user_id
        chat = data.get("message", {}).get("chat", {})
        assert chat.get("type") == "private"


# --- Zalo webhook bodies -------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
zalo_names = st.sampled_from(["follow", "unfollow", "user_send_text", "user_submit_info", "user_send_location",
                              "user_send_image", "user_send_file", "user_send_sticker", "oa_send_text", ""])
zalo_ids = st.one_of(st.text(alphabet="0123456789", min_size=1, max_size=25), st.text(max_size=80), json_values)
zalo_events = st.fixed_dictionaries(
    {"app_id": st.one_of(st.just("1234567890"), json_values), "event_name": st.one_of(zalo_names, json_values)},
    optional={
        "sender": st.one_of(st.fixed_dictionaries({"id": zalo_ids}), json_values),
        "follower": st.one_of(st.fixed_dictionaries({"id": zalo_ids}), json_values),
        "message": st.one_of(st.fixed_dictionaries({}, optional={
            "text": st.one_of(texts, json_values), "msg_id": st.one_of(st.text(max_size=120), json_values),
            "attachments": st.one_of(json_values, st.lists(st.fixed_dictionaries({"payload": json_values}), max_size=2)),
        }), json_values),
        "info": st.one_of(st.fixed_dictionaries({"phone": st.one_of(st.text(max_size=40), json_values)}), json_values),
    },
)
zalo_posts = st.tuples(
    st.one_of(zalo_events, json_values),
    st.sampled_from(["signed", "unsigned", "forged", "garbage"]),
    st.binary(max_size=60),
)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _zalo_post_once(bot: Any, event: Any, mode: str, garbage: bytes) -> None:
    from tests.zalo_driver import OA_SECRET

    def sign(body: bytes, event: dict[str, Any]) -> str:  # as Zalo signs, whatever the event holds
        material = str(event.get("app_id", "")).encode() + body + str(event.get("timestamp", "")).encode()
        return "mac=" + hashlib.sha256(material + OA_SECRET.encode()).hexdigest()

    if isinstance(event, dict) and mode != "garbage":
        event = {**event, "timestamp": str(int(time.time() * 1000))}
    body = garbage if mode == "garbage" else json.dumps(event, ensure_ascii=False).encode()
    header = {"signed": sign(body, event) if isinstance(event, dict) else "mac=00", "unsigned": "",
              "forged": "mac=" + "0" * 64, "garbage": "mac=zz"}[mode]
    before = await _stored(bot)
    headers = {"Content-Type": "application/json", **({"X-ZEvent-Signature": header} if header else {})}
    async with aiohttp.ClientSession() as client, client.post(bot.webhook_url, data=body, headers=headers) as response:
        status = response.status
    await bot.channel.drain()
    assert status in (200, 400, 403), f"{status} for {mode} {event!r}"
    if mode != "signed" or not isinstance(event, dict):
        assert status != 200 and await _stored(bot) == before, f"an unsigned body was accepted: {event!r}"


async def _stored(bot: Any) -> tuple[int, int]:
    async with bot.app.sessions() as session:
        users = (await session.execute(select(func.count()).select_from(User))).scalar_one()
        updates = (await session.execute(select(func.count()).select_from(ProcessedUpdate))).scalar_one()
    return users, updates


def test_random_zalo_webhook_bodies_never_crash_and_unsigned_store_nothing(sqlite_database: Database) -> None:
    from tests.fakes.zalo_api import FakeZaloApi
    from tests.zalo_driver import running_zalo

    loop = asyncio.new_event_loop()
    api = loop.run_until_complete(FakeZaloApi().__aenter__())
    bot = loop.run_until_complete(running_zalo(sqlite_database, api))
    errors = _Errors()
    logging.getLogger().addHandler(errors)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
    @given(post=zalo_posts)
    @example(post=({"app_id": "1234567890", "event_name": "follow", "follower": [None]}, "signed", b""))  # was a 500
    @example(post=({"app_id": "1234567890", "event_name": "user_send_location", "sender": {"id": "1"},
                    "message": {"attachments": [{"payload": {"coordinates": [1]}}]}}, "signed", b""))
    def examples(post: tuple[Any, str, bytes]) -> None:
        loop.run_until_complete(_zalo_post_once(bot, *post))

    try:
        examples()
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(bot.stop())
        loop.run_until_complete(api.__aexit__(None, None, None))
        loop.close()
