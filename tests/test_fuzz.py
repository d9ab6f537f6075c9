"""Bad input everywhere: random texts, forged payloads and odd updates never crash a handler,
never corrupt state, and always get a polite answer where one is due."""

from __future__ import annotations

import asyncio
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from telegram import Bot, Update

from bot.app import App
from bot.channels.telegram import to_inbound
from bot.messages import Inbound, Kind
from db.models import Profile
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
        replies = await app.engine.handle(
            Inbound("console", user, Kind(kind), dedup_key=f"f:{next(_ids)}", **fields)  # type: ignore[arg-type]
        )
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
