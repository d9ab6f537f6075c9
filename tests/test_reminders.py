"""Reminder rules as content, the stop word, and per-kind choices in Settings (transcripts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.content import DEFAULT_ROOT, load_content
from bot.content.base import ContentErrors
from bot.content.reminders import load as load_reminders
from bot.core.i18n import load_catalogs
from db.models import PushPreference, User
from tests.test_onboarding import onboard
from tests.transcript import Chat


def test_every_rule_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    content = load_content()
    catalogs = load_catalogs(DEFAULT_ROOT / "locale")
    for rule in content.reminders.rules:
        for locale in ("vi", "en"):
            assert catalogs[locale].get(rule.message), (rule.id, locale)
    kinds = {rule.anchor.type for rule in content.reminders.rules}
    assert kinds == {"round_filing", "province_deadline", "user_date", "assessment_paused"}
    offsets = sorted(r.offset_days for r in content.reminders.rules if r.anchor.date_kind == "ocop_certificate_expiry")
    assert offsets == [-180, -150, -127, -119]


def test_broken_rules_are_reported_with_file_and_key(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, root)
    text = (root / "reminders.yaml").read_text(encoding="utf-8")
    text = text.replace("    hour: 9\n", "", 1).replace("message: reminders.reevaluation_midway", "message: Hết hạn!", 1)
    text = text.replace("anchor: {type: assessment_paused}", "anchor: {type: user_date}", 1)
    (root / "reminders.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_reminders(root)
    errors = "\n".join(str(e) for e in caught.value.errors)
    assert "reminders.yaml: rules.2" in errors and "hour is needed" in errors  # province-7d lost its hour
    assert "rules.4" in errors and "catalog id" in errors
    assert "rules.10.anchor" in errors and "date_kind" in errors


async def test_stop_word_turns_pushes_off_from_anywhere(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("Dừng nhắc")
    assert "Đã dừng mọi nhắc nhở" in chat.text
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == "u1"))).scalar_one()
        assert user.notifications is False
    await chat.click("Bật lại nhắc nhở")
    async with app.sessions() as session:
        assert (await session.execute(select(User.notifications).where(User.id == user.id))).scalar_one() is True
    await chat.press("settings:profile")
    await chat.click("Sửa tên cơ sở")  # in the middle of editing a profile answer…
    await chat.send("stop")  # …the stop word still works
    assert "Đã dừng mọi nhắc nhở" in chat.text


async def test_each_kind_can_be_turned_off_in_settings_and_forged_kinds_change_nothing(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("settings:open")
    await chat.click("Chọn loại nhắc nhở")
    assert chat.labels()[:4] == ["✅ Hạn nộp hồ sơ: đang bật", "✅ Hạn giấy chứng nhận: đang bật",
                                 "✅ Tự đánh giá còn dở: đang bật", "✅ Bản tin thị trường hằng tháng: đang bật"]
    await chat.click("Hạn giấy chứng nhận")
    assert "⛔ Hạn giấy chứng nhận: đang tắt" in chat.labels()
    await chat.press("notifications:toggle:everything")
    await chat.press("notifications:toggle:" + "x" * 40)
    async with app.sessions() as session:
        rows = (await session.execute(select(PushPreference.kind, PushPreference.enabled))).all()
    assert rows == [("certificates", False)]
    await chat.click("Hạn giấy chứng nhận")
    async with app.sessions() as session:
        assert (await session.execute(select(PushPreference.enabled))).scalar_one() is True


def test_reevaluation_reminders_fall_inside_the_window_and_none_after_it_asks_to_file() -> None:
    """QĐ 26 Điều 7.6.a: the re-evaluation dossier is filed 180 to 120 days before the certificate expires.
    A reminder inside the window may ask to file (the last a few days before day −120); after it, none
    does: it says what still applies (Điều 12.3)."""
    content = load_content()
    catalogs = load_catalogs(DEFAULT_ROOT / "locale")
    certificate = content.calendar.certificate
    opens, closes = -certificate.reevaluation_opens_days_before, -certificate.reevaluation_closes_days_before
    rules = [r for r in content.reminders.rules if r.anchor.date_kind == "ocop_certificate_expiry"]
    inside = [r for r in rules if opens <= r.offset_days <= closes]
    after = [r for r in rules if r.offset_days > closes]
    assert len(inside) >= 3 and not [r for r in rules if r.offset_days < opens]
    assert max(r.offset_days for r in inside) - closes in range(-10, 0)  # the last one a few days before −120
    for rule in inside:  # even sent late (within its grace days), a reminder to file lands inside the window
        assert rule.offset_days + rule.grace_days <= closes, rule.id
    asks_to_file = ("hãy nộp", "nên nộp", "bạn có thể nộp", "file the", "file at", "you can file")
    for rule in after:
        for locale in ("vi", "en"):
            text = catalogs[locale][rule.message].lower()
            assert not any(phrase in text for phrase in asks_to_file), (rule.id, locale, text)
            assert "12" in text  # it names Điều 12.3, the provision that still applies
    assert all(r.source and "Điều 7" in r.source for r in rules)
