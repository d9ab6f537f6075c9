"""Requests that are not questions, told apart from questions before the FAQ sees them.

`classify(text, locale_hint)` returns the `Intent` a producer's free text asks for, or None when the text
is a question (or anything else) for the FAQ. Pure and deterministic: folded text, chat shorthand expanded,
then a few ordered rules per intent; no I/O, no state, well under a millisecond.

Intent ids (the handlers decide what each does; `arg` where noted):
- `officer`            talk to an officer, a real person; send my question to one
- `language`           change the language; arg "vi" or "en" (the other language when none is named)
- `notifications_off`  stop reminders and bulletins ("dừng nhắc", "stop")
- `notifications_on`   turn them back on
- `deadlines`          show my deadlines
- `dossier`            show my dossier, my document checklist
- `assessment`         start a self-assessment; arg "resume" to continue the one in progress
- `stars`              how many stars would my product get (an estimate: the self-assessment)
- `bulletin`           show the market bulletin
- `greeting`           hello, and nothing else
- `thanks`             thank you, and nothing else
- `ack`                ok, yes, got it, bye: an acknowledgement that needs no answer but a kind one
- `angry`              angry or abusive text, or angry emoji: never "Vâng ạ."
- `emoji`              emoji only, neither thanks, approval nor anger

A request phrased as a how-to question ("làm sao để hỏi cán bộ?", "tự chấm điểm thế nào?") is left to the
FAQ, which explains; the same words as a request ("cho tôi gặp cán bộ", "tôi muốn tự chấm điểm") are routed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.content.text import fold

INTENTS = (
    "officer", "language", "notifications_off", "notifications_on", "deadlines", "dossier", "assessment",
    "stars", "bulletin", "greeting", "thanks", "ack", "angry", "emoji",
)


@dataclass(frozen=True)
class Intent:
    id: str
    arg: str | None = None


# Chat shorthand, folded word → folded words. Pronouns become "toi", people the bot is asked to reach
# stay distinct ("ad" is the page admin, a person).
_SHORTHAND = {
    **dict.fromkeys("k ko kh hok hong hem khum kg hk khg kô".split(), "khong"),
    **dict.fromkeys("dc dk dki dky duoc".split(), "duoc"),
    **dict.fromkeys("e em mik mk minh tui t chung_toi".split(), "toi"),
    **dict.fromkeys("ad add admin".split(), "admin"),
    **dict.fromkeys("oke okie oki okela okay okey okee okii".split(), "ok"),
    **dict.fromkeys("uk uh uhm um u uhh".split(), "u"),
    **dict.fromkeys("tks thx thks thank thanks ty tk camon cmon".split(), "thanks"),
    "sp": "san pham", "hs": "ho so", "gcn": "giay chung nhan", "j": "gi", "ntn": "nhu the nao",
    "bn": "bao nhieu", "cb": "can bo", "tb": "thong bao", "tn": "tin nhan", "ng": "nguoi", "ns": "noi",
    "vs": "voi", "mun": "muon", "nhiu": "nhieu", "r": "roi", "z": "vay", "dm": "dm", "dmm": "dm", "dcm": "dm",
    "cam_on": "thanks",
}
# "đăng ký" is written "dk" too; for requests ("huỷ dk nhận tin") it is the meaning that matters.
_REGISTER = re.compile(r"\b(?:huy|bo) duoc\b")

_EMOJI_ANGRY = set("😡🤬😠👿💢🖕😤👎💩")
_EMOJI_THANKS = set("🙏")
_EMOJI_OK = set("👍👌🆗✅😊🙂😀😃😄😁❤💯👏🥰😍💖💕♥☺🤝")


def classify(text: str, locale_hint: str | None = "vi") -> Intent | None:
    """The request a free text makes, or None for a question (or anything else) the FAQ should take."""
    if not text or not text.strip():
        return None
    emoji = _emoji_only(text)
    if emoji is not None:
        return emoji
    masked = re.search(r"\b[^\W\d_]\*+[^\W\d_]+", text)  # "c*t": profanity with a star in it (not "4*")
    words = _normalise(text)
    if not words:
        return None
    padded = f" {words} "
    if masked or _ANGRY.search(padded) or any(ch in _EMOJI_ANGRY for ch in text):
        return Intent("angry")
    for intent, rule in _WHOLE_TEXT:
        if rule(words):
            return Intent(intent)
    if _HOW.search(padded):  # "làm sao để…", "thế nào", "là gì", "ở đâu": a question for the FAQ
        return _stars(padded)
    for intent, pattern, guard in _REQUESTS:
        if pattern.search(padded) and not (guard and guard.search(padded)):
            if intent == "language":
                return Intent("language", _language_target(padded, locale_hint))
            if intent == "assessment":
                return Intent("assessment", "resume" if _RESUME.search(padded) else None)
            return Intent(intent)
    return _stars(padded)


def _normalise(text: str) -> str:
    folded = fold(text.replace("cảm ơn", "cam_on").replace("Cảm ơn", "cam_on").replace("chúng tôi", "chung_toi"))
    folded = folded.replace("cam on", "cam_on").replace("chung toi", "chung_toi")
    words = " ".join(_SHORTHAND.get(w, w) for w in folded.split())
    return _REGISTER.sub(lambda m: m.group(0).replace("duoc", "dang ky"), words)


def _emoji_only(text: str) -> Intent | None:
    """The intent of a message made of emoji only (None when it has letters or digits)."""
    symbols = [ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Cf", "Sk", "Po")]
    if not symbols or any(ch.isalnum() for ch in symbols):
        return None
    if not all(unicodedata.category(ch) == "So" for ch in symbols):
        return None
    if any(ch in _EMOJI_ANGRY for ch in symbols):
        return Intent("angry")
    if any(ch in _EMOJI_THANKS for ch in symbols):
        return Intent("thanks")
    if all(ch in _EMOJI_OK for ch in symbols):
        return Intent("ack")
    return Intent("emoji")


def _words(*phrases: str) -> str:
    return "(?:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"


_ME = _words("toi", "chung_toi", "nha toi", "co so toi", "htx toi")
_PARTICLES = frozenset("a ah nha nhe nhen ne oi di voi ha hen vay nhieu lam lai please pls plz so much very".split())
_ADDRESSEES = frozenset(
    "admin ban bot toi anh chi co chu bac tro ly moi nguoi ca nha shop everyone there team you all".split()
)
_GREETINGS = ("chao", "xin chao", "hi", "hello", "helo", "hey", "alo", "good morning", "good afternoon",
              "good evening", "chao buoi sang", "chao buoi chieu", "chao buoi toi", "hi there", "co ai khong")
_ACKS = ("ok", "u", "vang", "da", "da vang", "vang a", "duoc roi", "hieu roi", "roi", "biet roi", "tot", "good",
         "great", "bye", "tam biet", "ok roi", "roi nha", "got it", "alright", "sure", "fine", "cool", "goodbye",
         "nice", "oke roi", "duoc", "yes", "yep", "ok thanks bye")
_THANKS_WORDS = ("thanks", "thank you", "cam_on", "cheers", "thanks you", "many thanks", "thanks a lot", "thank you a lot")


def _only(words: str, heads: tuple[str, ...], extra: frozenset[str] = frozenset()) -> bool:
    """The text is one of `heads` (repeated or not) with only addressees and particles around it."""
    rest = f" {words} "
    found = False
    for head in sorted(heads, key=len, reverse=True):
        while f" {head} " in rest:
            rest = rest.replace(f" {head} ", " ")
            found = True
    return found and all(w in _PARTICLES or w in _ADDRESSEES or w in extra for w in rest.split())


_WHOLE_TEXT = (
    ("greeting", lambda w: _only(w, _GREETINGS)),
    ("thanks", lambda w: len(w.split()) <= 7 and _only(w, _THANKS_WORDS, frozenset(("ok", "vang", "da", "u")))),
    ("ack", lambda w: _only(w, _ACKS)),
)

_ANGRY = re.compile(
    r" (?:dm|vcl|vkl|dit|du ma|me may|wtf|shit|fuck\w*|damn|stupid|idiot|dumb|useless|rubbish|garbage|you suck|"
    r"vo dung|rac ruoi|lua dao|toi te|qua te|te qua|chan qua|buc toi|buc qua|bot do|"
    r"(?:bot|may|mi|do|qua|that) ngu(?! coc)|(?<!song )(?<!ngon )(?<!anh )(?<!viet )ngu (?:qua|the|vay|that|vl|vai|ghe)|"
    r"(?:hoi|nhan) mai (?:ma )?(?:khong|chang|chua) (?:tra loi|duoc)|tra loi (?:sai|linh tinh|lung tung|vo van)) "
)
_HOW = re.compile(
    r" (?:lam sao|lam the nao|the nao|nhu the nao|cach nao|bang cach nao|la gi|o dau|bam vao dau|"
    r"how do|how does|how can|how to|what is|what does|where|who) "
)
_RESUME = re.compile(r" (?:tiep tuc|lam tiep|lam not|resume|continue|dang lam) ")
_NOTIFY = _words("nhac", "nhac nho", "nhac han", "thong bao", "tin nhan", "ban tin", "gui tin", "nhan tin",
                 "reminders?", "notifications?", "messages?", "bulletins?", "alerts?")
_NEGATE = _words("dung", "ngung", "tat(?! ca)", "huy", "chan", "stop", "no more", "mute", "don t", "dont", "turn off",
                 "cancel", "unsubscribe", "khong muon", "khong can", "khong nhan", "thoi nhan")
_PERSON = _words("can bo", "nguoi that", "nhan vien", "tong dai", "tu van vien", "nguoi tra loi",
                 "officer", "human", "real person", "a person", "someone", "staff", "agent", "chuyen vien")

_REQUESTS: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("language", re.compile(
        r" (?:(?:doi|chuyen|sang|dung|xai|noi|tra loi|viet|nhan tin)(?: \w+){0,2} (?:bang |sang )?"
        r"(?:tieng anh|tieng viet|english|vietnamese|ngon ngu)|doi ngon ngu|ngon ngu|change language|switch language|change the language|"
        r"switch (?:to )?(?:english|vietnamese)|(?:in|speak) (?:english|vietnamese)|language settings) "
        r"|^ (?:tieng anh|tieng viet|english|vietnamese)(?: (?:please|pls|di|nha|a|duoc khong))? $"),
        re.compile(r" (?:nhan|nhan mac|bao bi|diem|song ngu|label|packaging|website|cau chuyen|to roi) ")),
    ("notifications_off", re.compile(
        rf" (?:{_NEGATE}(?: \w+){{0,3}} {_NOTIFY}|{_NOTIFY}(?: \w+){{0,2}} (?:nua|off)|unsubscribe|"
        r"dung gui|dung nhan tin|dung lam phien|dung spam)( |$)|^ (?:stop|dung|dung lai|huy) $"), None),
    ("notifications_on", re.compile(
        rf" (?:(?:bat(?! buoc| dau)|mo|bat lai|mo lai|nhan lai|dang ky(?: nhan)?|turn on|resume|subscribe(?: to)?|"
        rf"muon nhan)(?: \w+)? {_NOTIFY}|{_NOTIFY}(?: \w+){{0,2}} (?:on|back on)|subscribe|"
        rf"(?:cho (?:toi )?)?nhan {_NOTIFY} lai) "),
        re.compile(rf" {_NEGATE} ")),
    ("officer", re.compile(
        rf" (?:gap|noi chuyen|lien he|ket noi|chuyen|gui|hoi(?! dong)|chat|nhan tin|talk|speak|contact|connect|send|ask)"
        rf"(?: \w+){{0,5}} {_PERSON} | {_PERSON} (?:please|pls|giup|di) |"
        r" (?:gap|noi chuyen voi|lien he|ket noi voi|talk to|speak to) (?:admin|shop|ban quan tri) "), None),
    ("deadlines", re.compile(
        rf" (?:han|han chot|moc|cac moc|lich|deadlines?)(?: \w+){{0,3}} cua {_ME} |"
        rf"^ (?:cho {_ME} )?(?:xem|mo|show|open|see)(?: \w+){{0,2}} (?:han|moc han|han chot|lich|deadlines?) |"
        r" my deadlines? |^ (?:deadlines?|han chot|han cua toi) $"), re.compile(r" hay (?:han )?(?:cua|la) ")),
    ("dossier", re.compile(
        rf"^ (?:cho {_ME} |{_ME} muon )?(?:xem |mo |show |open |see )?(?:cac )?(?:ho so|giay to|danh sach giay to|"
        rf"checklist)(?: \w+)? cua {_ME} |"
        rf"^ (?:cho {_ME} )?(?:xem|mo|show|open|see|check|kiem tra)(?: \w+){{0,3}} (?:ho so|giay to|checklist|dossier) cua {_ME} |"
        r" my (?:dossier|documents|papers|checklist|application) "),
        re.compile(r" (?:vi sao|tai sao|bi tra|bi loai|bi tu choi|nop o|nop khi nao|bao lau|xet theo|gom|which|why|when|"
                   r"rules?|apply) ")),
    ("assessment", re.compile(
        r" (?:(?:muon|cho|bat dau|tiep tuc|lam tiep|lam|start|resume|continue|begin|giup)(?: \w+){0,3} "
        r"(?:tu danh gia|tu cham(?: diem)?|cham diem thu|cham thu|danh gia thu|self assessment|assessment|"
        r"assess|score)|(?:bat dau|tiep tuc|lam tiep)(?: \w+){0,2} cham diem|self assessment) "
        r"|^ (?:tu danh gia|tu cham diem|cham diem thu|cham thu|danh gia thu) |^ tiep tuc $"),
        re.compile(r" (?:bao cao|mau 02|mau so 2) ")),
    ("bulletin", re.compile(
        r" (?:(?:xem|gui|mo|doc|cho toi xem|show|send|open)(?: \w+){0,2} (?:ban tin|gia nong san|bang gia|"
        r"gia ca thi truong|gia ca nong san|bulletin|market prices)|(?:ban tin|gia nong san|gia ca)(?: \w+)? (?:thang nay|hom nay|"
        r"moi nhat|moi)|market bulletin|^ (?:ban tin|bulletin)(?: thi truong)? $) "), None),
)

_STARS = re.compile(
    rf" (?:cua|nha) {_ME}(?: \w+){{0,4}} "
    r"(?:may sao|bao nhieu sao|(?:dat|duoc|len) (?:duoc )?\d sao (?:khong|chua)) |"
    r" how many stars (?:would|will|could|can|does|do|might) (?:my|our) "
)


def _stars(padded: str) -> Intent | None:
    return Intent("stars") if _STARS.search(padded) else None


def _language_target(padded: str, locale_hint: str | None) -> str:
    if re.search(r" (?:tieng anh|english|anh ngu) ", padded):
        return "en"
    if re.search(r" (?:tieng viet|vietnamese|viet ngu) ", padded):
        return "vi"
    return "vi" if locale_hint == "en" else "en"
