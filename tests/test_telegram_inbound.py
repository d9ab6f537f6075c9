"""Raw Telegram updates, as the Bot API sends them, and the neutral Inbound each becomes (or None: ignored).

Table-driven like the Zalo fixtures (courier's lesson): a change in how the adapter reads a payload shows
up here as one failing row, without a server."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram import to_inbound
from bot.core.messages import FileRef, Inbound, Kind

USER = {"id": 5001, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
PRIVATE = {"id": 5001, "type": "private", "first_name": "Lan"}
BASE = {"channel": "telegram", "user_id": "5001", "dedup_key": "telegram:7", "language_hint": "vi"}


def message(**fields: Any) -> dict[str, Any]:
    return {"update_id": 7, "message": {"message_id": 1, "date": 1767225600, "chat": PRIVATE, "from": USER, **fields}}


CASES: list[tuple[str, dict[str, Any], Inbound | None]] = [
    ("text", message(text="hs can gi"), Inbound(kind=Kind.TEXT, text="hs can gi", **BASE)),
    ("/start", message(text="/start"), Inbound(kind=Kind.STARTED, **BASE)),
    ("/start with a deep link", message(text="/start ref-xa"), Inbound(kind=Kind.STARTED, **BASE)),
    ("/start@bot", message(text="/start@ocop_bot"), Inbound(kind=Kind.STARTED, **BASE)),
    ("another command stays text", message(text="/menu"), Inbound(kind=Kind.TEXT, text="/menu", **BASE)),
    ("own contact", message(contact={"phone_number": "+84912345678", "first_name": "Lan", "user_id": 5001}),
     Inbound(kind=Kind.CONTACT, phone="+84912345678", **BASE)),
    ("someone else's contact: no phone kept", message(contact={"phone_number": "+8490", "first_name": "X", "user_id": 9}),
     Inbound(kind=Kind.CONTACT, phone="", **BASE)),
    ("location", message(location={"latitude": 10.29, "longitude": 105.76}),
     Inbound(kind=Kind.LOCATION, latitude=10.29, longitude=105.76, **BASE)),
    ("document with caption", message(document={"file_id": "D1", "file_unique_id": "u", "file_name": "gia.csv",
                                                "mime_type": "text/csv", "file_size": 321}, caption="tháng 12"),
     Inbound(kind=Kind.FILE, file=FileRef("D1", "gia.csv", "text/csv", size=321), text="tháng 12", **BASE)),
    ("photo: the largest size", message(photo=[
        {"file_id": "small", "file_unique_id": "a", "width": 90, "height": 90, "file_size": 1000},
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 1280, "file_size": 90000}]),
     Inbound(kind=Kind.FILE, file=FileRef("big", "photo.jpg", "image/jpeg", True, 90000), **BASE)),
    ("button press", {"update_id": 7, "callback_query": {
        "id": "cb1", "from": USER, "chat_instance": "c", "data": "assessment:answer:3:1.1:2",
        "message": {"message_id": 4, "date": 1767225600, "chat": PRIVATE}}},
     Inbound(kind=Kind.BUTTON, payload="assessment:answer:3:1.1:2", callback_id="cb1", **BASE)),
    ("button press in a group", {"update_id": 7, "callback_query": {
        "id": "cb2", "from": USER, "chat_instance": "c", "data": "menu:open",
        "message": {"message_id": 4, "date": 1767225600, "chat": {"id": -100, "type": "group", "title": "g"}}}},
     None),
    ("group message", {"update_id": 7, "message": {"message_id": 1, "date": 1767225600, "text": "hi", "from": USER,
                                                   "chat": {"id": -100, "type": "group", "title": "g"}}}, None),
    ("edited message", {"update_id": 7, "edited_message": {"message_id": 1, "date": 1767225600, "edit_date": 1767225700,
                                                           "chat": PRIVATE, "from": USER, "text": "sửa"}}, None),
    ("channel post", {"update_id": 7, "channel_post": {"message_id": 1, "date": 1767225600, "text": "tin",
                                                       "chat": {"id": -1001, "type": "channel", "title": "c"}}}, None),
    ("no sender", {"update_id": 7, "message": {"message_id": 1, "date": 1767225600, "chat": PRIVATE, "text": "x"}}, None),
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_raw_update_becomes_the_expected_inbound(name: str, raw: dict[str, Any], expected: Inbound | None) -> None:
    assert to_inbound(Update.de_json(raw, None)) == expected
