"""Requests that are not questions (bot/domain/intents.py): each intent in Vietnamese with and without diacritics,
chat shorthand and English; questions about the same things left to the FAQ; fast and deterministic."""

from __future__ import annotations

import statistics
import time

import pytest

from bot.domain.intents import INTENTS, Intent, classify

CASES = {
    "officer": ["cho tôi gặp cán bộ", "cho toi gap can bo", "mik mun noi chuyen voi nguoi that", "ket noi can bo giup e",
                "gửi câu hỏi này cho cán bộ", "I want to talk to a human", "connect me to an officer"],
    "language": ["đổi ngôn ngữ", "doi ngon ngu", "English please", "chuyển sang tiếng Việt", "switch to vietnamese"],
    "notifications_off": ["dừng nhắc", "dung nhac", "tắt thông báo", "ko muon nhan tin nhan nua", "stop",
                          "huy dk nhan ban tin", "stop the reminders"],
    "notifications_on": ["bật lại nhắc nhở", "bat thong bao", "đăng ký nhận bản tin", "turn on notifications"],
    "deadlines": ["hạn của tôi", "xem han chot cua e", "cho mik xem lich han", "show my deadlines"],
    "dossier": ["hồ sơ của tôi", "hs cua mik con thieu gi", "xem giay to cua toi", "my dossier"],
    "assessment": ["tôi muốn tự đánh giá", "bat dau tu danh gia", "tự chấm điểm", "tiep tuc", "start self-assessment"],
    "stars": ["sản phẩm của tôi được mấy sao", "sp cua e dc may sao", "how many stars would my product get"],
    "bulletin": ["xem bản tin thị trường", "gia nong san thang nay", "market bulletin"],
    "greeting": ["xin chào", "chao ad", "alo alo", "hello", "good morning bot"],
    "thanks": ["cảm ơn", "cam on ad nhieu nha", "tks", "thank you so much", "🙏"],
    "ack": ["ok", "oke", "vâng ạ", "da vang", "👍", "ok roi"],
    "angry": ["😡😡😡", "🤬", "bot ngu quá", "đm", "trả lời như c*t", "this bot is useless", "hỏi mãi không trả lời được"],
    "emoji": ["🌸🌸", "🤔", "🎉"],
}


@pytest.mark.parametrize(("intent", "text"), [(i, t) for i, texts in CASES.items() for t in texts])
def test_requests_are_recognised(intent: str, text: str) -> None:
    found = classify(text, "vi")
    assert found is not None and found.id == intent, (text, found)


def test_every_intent_is_documented_and_tested() -> None:
    assert set(CASES) == set(INTENTS)
    import bot.domain.intents

    assert all(f"`{intent}`" in (bot.domain.intents.__doc__ or "") for intent in INTENTS)


@pytest.mark.parametrize("text", [
    # Questions about the same topics are the FAQ's: it explains.
    "Muốn hỏi trực tiếp cán bộ thì làm sao?", "lam cach nao de hoi truc tiep can bo", "hội đồng tỉnh gồm những cán bộ nào",
    "nhãn song ngữ tiếng Anh có được cộng điểm không", "viết nhãn bằng tiếng anh có được điểm không",
    "ban tin thi truong la gi", "bản tin giá nông sản xem ở đâu", "tự chấm điểm thử thế nào",
    "Mẫu 02 báo cáo tự đánh giá viết thế nào", "bao nhieu diem thi dc 4 sao", "85 diem thi dc may sao",
    "sp cua e dc 75 diem ma ho chi cho 3 sao la sao", "han nop ho so dot 1 la khi nao", "trợ lý có nhắc hạn không",
    "hồ sơ của tôi bị trả về vì sao", "can bo xa xem nhung gi trong hs cua e", "gạo, ngũ cốc thuộc bộ nào",
    "nhãn song ngữ thế nào", "4* can bao nhieu diem", "dau *** va **** tren phieu cham la gi",
    "tất cả thông báo của tỉnh ở đâu", "thời gian nhắc hạn là bao lâu", "cảm ơn, cho hỏi hồ sơ gồm những gì",
    "xin chào, nộp hồ sơ ở đâu", "ok vậy nộp hồ sơ ở đâu", "chứng nhận ATTP có bắt buộc không", "", "   ", "123",
])
def test_questions_are_left_to_the_faq(text: str) -> None:
    assert classify(text, "vi") is None


def test_arguments() -> None:
    assert classify("đổi sang tiếng Anh", "vi") == Intent("language", "en")
    assert classify("tieng viet", "en") == Intent("language", "vi")
    assert classify("đổi ngôn ngữ", "vi") == Intent("language", "en")  # the other language
    assert classify("change language", "en") == Intent("language", "vi")
    assert classify("tiếp tục bài tự đánh giá", "vi") == Intent("assessment", "resume")
    assert classify("bắt đầu tự đánh giá", "vi") == Intent("assessment")


def test_fast_and_deterministic() -> None:
    texts = [t for texts in CASES.values() for t in texts] * 20
    timings = []
    for text in texts:
        started = time.perf_counter()
        classify(text, "vi")
        timings.append((time.perf_counter() - started) * 1000)
    assert statistics.median(timings) < 1.0
    assert [classify(t, "vi") for t in texts[:50]] == [classify(t, "vi") for t in texts[:50]]
