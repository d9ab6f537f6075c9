"""Questions in free text: the best FAQ answer with its sources, related questions, 👍/👎 feedback;
"Ý bạn là …?" with both entries as buttons when two are too close to tell; chatter gets a short friendly
answer; a question the FAQ cannot answer is offered to an officer (handlers/producer/handoff.py). Free text
reaches this module when no flow step waits for an answer."""

from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakKeyDictionary

from bot.content import Content
from bot.content.faq import FaqEntry, render_citations
from bot.content.text import clean_user_text, fold
from bot.core.context import Context, Router, payload
from bot.core.i18n import N_
from bot.core.messages import NO, YES, Button
from bot.domain.faq_search import Ambiguous, Confident, FaqIndex
from handlers.producer import requests
from handlers.producer.menu import back_to_menu_row, menu_buttons

router = Router()

QUESTION_LIMIT = 500  # characters of a typed question kept in state and feedback
_INDEXES: WeakKeyDictionary[Content, FaqIndex] = WeakKeyDictionary()

# Topics offered under "Hỏi đáp", the ones producers ask about most (by FAQ volume), with their labels.
POPULAR_TOPICS = {
    "ho-so": N_("faq.topic.ho-so"),
    "cham-diem": N_("faq.topic.cham-diem"),
    "giay-to": N_("faq.topic.giay-to"),
    "danh-gia": N_("faq.topic.danh-gia"),
    "giay-chung-nhan": N_("faq.topic.giay-chung-nhan"),
    "chi-phi": N_("faq.topic.chi-phi"),
}

# Chatter, folded: answered kindly instead of being matched against the FAQ.
_THANKS = ("cam on", "camon", "thank", "thanks", "tks", "thx")
_GREETINGS = frozenset({"hi", "hello", "helo", "hey", "alo", "chao", "xin chao", "chao ban", "chao bot",
                        "chao em", "chao anh", "chao chi", "good morning", "chao buoi sang"})
_ACKS = frozenset({"", "ok", "oke", "okay", "okie", "oki", "ok a", "ok ban", "vang", "da", "u", "uh", "um",
                   "uhm", "duoc roi", "hieu roi", "roi", "biet roi", "tot", "good", "great", "bye", "tam biet"})


def faq_index(ctx: Context) -> FaqIndex:
    """The search index of the loaded FAQ, built on first use and kept as long as the content is."""
    index = _INDEXES.get(ctx.content)
    if index is None:
        index = _INDEXES[ctx.content] = FaqIndex(ctx.content.faq, ctx.i18n.translator("en").content)
    return index


def chatter_reply(text: str) -> str | None:
    """The catalog id answering a greeting, a thank-you or an acknowledgement; None for anything else."""
    folded = fold(text)
    if folded in _GREETINGS:
        return N_("faq.chatter_hello")
    if len(folded.split()) <= 5 and any(word in folded for word in _THANKS):
        return N_("faq.chatter_thanks")
    if folded in _ACKS:
        return N_("faq.chatter_ok")
    return None


@router.on_free_text
async def answer_question(ctx: Context) -> None:
    """Answers typed text: a request goes where it is served (handlers/producer/requests.py), chatter gets a
    kind word, a question the best FAQ entry (or "Ý bạn là …?"), else the offer of an officer."""
    if await requests.serve_request(ctx):
        return
    chatter = chatter_reply(ctx.text)
    if chatter is not None:
        ctx.clear_flow()
        ctx.reply(chatter, buttons=menu_buttons(ctx))
        return
    question = clean_user_text(ctx.text, QUESTION_LIMIT)
    answer = faq_index(ctx).answer(question)
    if isinstance(answer, Ambiguous):
        ask_which(ctx, question, answer.entry_ids)
    elif isinstance(answer, Confident):
        show_entry(ctx, ctx.content.faq.by_id[answer.entry_id], question=question, also=answer.also)
    else:
        offer_handoff(ctx, question)


def ask_which(ctx: Context, question: str, entry_ids: Sequence[str]) -> None:
    """Two entries fit about as well: asks "Ý bạn là …?" with both questions as buttons; the question is kept
    for the feedback on the one chosen, and for an officer if neither fits."""
    ctx.go("faq_handoff", "confirm", question=question)
    rows = [[Button(f"➡️ {ctx.t.content(ctx.content.faq.by_id[e].question)}", payload("faq", "pick", e))] for e in entry_ids]
    ctx.reply("faq.did_you_mean", buttons=[*rows, [ctx.button("faq.handoff_send", "faq", "handoff")], back_to_menu_row(ctx)])


def offer_handoff(ctx: Context, question: str) -> None:
    """Says the FAQ has no good answer and offers to send the question to an officer."""
    ctx.go("faq_handoff", "confirm", question=question)
    send = ctx.button("faq.handoff_send", "faq", "handoff")
    ctx.reply("faq.not_found", buttons=[[send], back_to_menu_row(ctx)])


def show_entry(ctx: Context, entry: FaqEntry, question: str = "", also: Sequence[str] = ()) -> None:
    """Shows one answer with its source, up to two related questions and the 👍/👎 buttons."""
    ctx.go("faq", "answered", entry=entry.id, question=question)
    source = ctx.t("faq.source", source=render_citations(entry.citations, ctx.t))
    if not entry.confirmed and not any(c.unchecked for c in entry.citations):  # a copy already says so
        source += " " + ctx.t("faq.unconfirmed")
    text = "\n\n".join([f"❓ {ctx.t.content(entry.question)}", ctx.t.content(entry.answer), source,
                        ctx.t("faq.helpful")])
    related = [r for r in [*entry.related, *also] if r != entry.id]
    rows = [[Button(f"➡️ {ctx.t.content(ctx.content.faq.by_id[r].question)}", payload("faq", "show", r))]
            for r in dict.fromkeys(related)][:2]
    up = ctx.button("faq.helpful_yes", "faq", "up", entry.id, means=YES)
    down = ctx.button("faq.helpful_no", "faq", "down", entry.id, means=NO)
    ctx.reply_text(text, buttons=[*rows, [up, down], back_to_menu_row(ctx)])


@router.on_button("faq", "show")
async def press_related(ctx: Context) -> None:
    """Shows the FAQ entry named in the button (a related question or one from a topic list)."""
    entry = ctx.content.faq.by_id.get(ctx.arg)
    if entry is None:
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    show_entry(ctx, entry)


@router.on_button("faq", "pick")
async def pick_meant(ctx: Context) -> None:
    """Shows the entry chosen after "Ý bạn là …?", keeping the typed question for feedback and handoff."""
    entry = ctx.content.faq.by_id.get(ctx.arg)
    if entry is None:
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    show_entry(ctx, entry, question=ctx.data.get("question", "") if ctx.state.flow == "faq_handoff" else "")


@router.on_button("faq", "up")
async def mark_helpful(ctx: Context) -> None:
    """Records 👍 for the answer; thanks the user."""
    if await record_feedback(ctx, helpful=True):
        ctx.reply("faq.thanks_feedback", buttons=[back_to_menu_row(ctx)])


@router.on_button("faq", "down")
async def mark_unhelpful(ctx: Context) -> None:
    """Records 👎 for the answer; offers to send the question to an officer."""
    if not await record_feedback(ctx, helpful=False):
        return
    question = ctx.data.get("question") if ctx.data.get("entry") == ctx.arg else ""
    if question:
        ctx.go("faq_handoff", "confirm", question=question)
        ask = ctx.button("faq.handoff_send", "faq", "handoff")
    else:
        ask = ctx.button("faq.ask_officer", "faq", "ask_officer")
    ctx.reply("faq.sorry_feedback", buttons=[[ask], back_to_menu_row(ctx)])


async def record_feedback(ctx: Context, helpful: bool) -> bool:
    """Stores the verdict on the entry in the payload; False (and a polite answer) for an unknown entry."""
    if ctx.arg not in ctx.content.faq.by_id:
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return False
    question = ctx.data.get("question") if ctx.data.get("entry") == ctx.arg else None
    await ctx.repos.faq_feedback.record(ctx.user.id, ctx.arg, helpful, question or None)
    return True


@router.on_button("faq", "open")
async def open_questions(ctx: Context) -> None:
    """The menu's "Questions": how to ask, a few popular topics, asking an officer directly."""
    ctx.go("faq", None)
    topics = [ctx.button(label, "faq", "topic", topic) for topic, label in POPULAR_TOPICS.items()]
    rows = [topics[i : i + 2] for i in range(0, len(topics), 2)]
    rows.append([ctx.button("faq.ask_officer", "faq", "ask_officer")])
    if ctx.is_officer:
        rows.append([ctx.button("handoff.list_open", "inbox", "tickets", "open")])
    ctx.reply("faq.intro", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button("faq", "topic")
async def open_topic(ctx: Context) -> None:
    """Lists the questions of one topic as buttons."""
    entries = [e for e in ctx.content.faq.entries if e.topic == ctx.arg]
    if ctx.arg not in POPULAR_TOPICS or not entries:
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    rows = [[Button(ctx.t.content(e.question), payload("faq", "show", e.id))] for e in entries]
    back = ctx.button("faq.back_to_topics", "faq", "open")
    ctx.reply("faq.topic_title", buttons=[*rows, [back], back_to_menu_row(ctx)], topic=ctx.t(POPULAR_TOPICS[ctx.arg]))
