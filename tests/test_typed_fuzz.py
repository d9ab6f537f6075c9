"""Property: whatever is typed, with whatever keyboard the bot has just shown, no handler fails and the user
always gets an answer. Screens are reached for real (menu, yes/no questions, the eligibility questions, a
dossier page, an assessment question, the phone question, "which one?"); texts lean on what broke before
(digit-like characters, huge numbers, signs, decimals) and on what the typed rules read (yes/no words,
parts of labels, payload-shaped text)."""

from __future__ import annotations

import asyncio
import logging
from itertools import count

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import App
from tests.assessment_helpers import start_assessment
from tests.conftest import Database, make_settings
from tests.test_onboarding import onboard
from tests.transcript import Chat

_users = count(1)


async def _nothing(chat: Chat) -> None:
    await chat.start()


async def _consent(chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")


async def _menu(chat: Chat) -> None:
    await onboard(chat)


async def _type_confirm(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("eligibility:start")


async def _set_suggestions(chat: Chat) -> None:
    await _type_confirm(chat)
    await chat.click("Đúng")


async def _first_question(chat: Chat) -> None:
    await _set_suggestions(chat)
    await chat.click("Bộ số 7")


async def _which(chat: Chat) -> None:
    await _first_question(chat)
    await chat.send("toan bo")


async def _dossier_page_2(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("dossier:list:lan-dau:1")


async def _dossier_item(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("dossier:item:lan-dau:chung-nhan-attp")


async def _assessment_question(chat: Chat) -> None:
    await onboard(chat)
    await start_assessment(chat)


async def _phone_question(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("profile:edit:phone")


SCREENS = [_nothing, _consent, _menu, _type_confirm, _set_suggestions, _first_question, _which, _dossier_page_2,
           _dossier_item, _assessment_question, _phone_question]
DIGIT_LIKE = ["²", "①", "١", "٣", "١٢", "１", "２３", "߁", "৩", "Ⅻ", "-1", "+2", "1.5", "1,5", "01", "007", "0", "99",
              "9" * 5000, "1" * 4301, "1e9", " 3 "]
WORDS = ["ok", "co", "có", "có rồi", "đã có", "roi", "yes", "khong", "không", "ko", "k", "chua", "chưa", "no",
         "tiep tuc", "trang sau", "trang truoc", "bo so", "toan bo", "phan lon", "menu", "huỷ", "/start", "/menu",
         "dossier:list:lan-dau:²", "dossier:item:lan-dau:١", "assessment:ans:²:1.1:0", "assessment:ans:1:1.1:١",
         "eligibility:ans:raw_material:²", "profile:type:²", "broadcast:show:١", "inbox:reply:" + "9" * 30]
typed = st.one_of(
    st.sampled_from(DIGIT_LIKE), st.sampled_from(WORDS), st.integers(-(10**6), 10**7).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
    st.text(max_size=40),
)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _type_on(app: App, screen_index: int, texts: list[str]) -> None:
    chat = Chat(app.engine, f"typed{next(_users)}")
    await SCREENS[screen_index](chat)
    error = app.i18n.translator("vi")("error.generic")
    for text in texts:
        await chat.send(text)
        assert chat.replies, f"no answer to {text[:40]!r} on {SCREENS[screen_index].__name__}"
        assert all(error not in r.text for r in chat.replies), f"a handler failed on {text[:40]!r}"
        assert all(len(b.payload.encode()) <= 64 for r in chat.replies for b in r.flat_buttons())


def test_anything_typed_on_any_screen_never_fails(sqlite_database: Database) -> None:
    loop = asyncio.new_event_loop()
    app = loop.run_until_complete(App.create(make_settings(sqlite_database), db=sqlite_database.engine()))
    errors = _Errors()
    logging.getLogger().addHandler(errors)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(screen=st.integers(0, len(SCREENS) - 1), texts=st.lists(typed, min_size=1, max_size=4))
    @example(screen=7, texts=["9", "²", "1" * 4301])  # dossier page 2
    @example(screen=9, texts=["١", "①", "01"])  # an assessment question
    @example(screen=6, texts=["2", "٣"])  # "which one?"
    @example(screen=2, texts=["dossier:list:lan-dau:²", "assessment:ans:²:1.1:0", "profile:type:²"])  # typed payloads
    def examples(screen: int, texts: list[str]) -> None:
        loop.run_until_complete(_type_on(app, screen, texts))

    try:
        examples()
        assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(app.close())
        loop.close()
