"""Mẫu 01 and Mẫu 02 in short chat steps, declared for the questionnaire runner (bot/core/flows.py): only what
the profile, the dossier checklist and the self-assessment do not already tell. Phần I (representative, founding,
registration, product, certificates, history, organisation), Phần II (business results), Phần IV (plans). Every
question may be skipped (a skipped one prints the form's dotted blank); each answer is stored at once in
`dossier_forms` (with consent), so a paused walk resumes where it stopped, and any answer can be changed later.
A name typed without diacritics (organisation, product, representative) is offered for fixing first.

Then: the forms as DOCX + PDF, and the dossier ZIP with the evidence (handlers/producer/dossier_send.py).
Diagram: docs/flows/forms.md.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.content import Content
from bot.content.text import clean_user_text
from bot.core import flow_buttons, flows
from bot.core.context import Context, Router
from bot.core.flows import SKIPPED, Flow, Msg, Opened, Option, Question, Run, Screen, When
from bot.core.i18n import N_
from bot.core.messages import NO, YES, Kind
from bot.forms import lacks_diacritics
from db.evidence import form_answers, save_form_answer
from handlers.producer import certified_state as certified
from handlers.producer.journey_text import local_today
from handlers.producer.menu import back_to_menu_row

router = Router()

FLOW = "forms"
SKIP = N_("forms.skip")
KEEP_AS_TYPED = N_("forms.keep_as_typed")
PLAIN = "1"
"""The fact a name-fix question waits on: the name was typed without diacritics."""

# Certificates that the dossier checklist (content/documents.yaml) already tells when marked "have it".
CHECKLIST_FOR = {"cert_business": "dang-ky-kinh-doanh", "cert_food_safety": "chung-nhan-attp",
                 "cert_quality": "cong-bo-chat-luong", "cert_trademark": "so-huu-tri-tue"}
NAME_FIXES = {"fix_org": ("org_name", "plain_org"), "fix_product": ("main_product", "plain_product"),
              "fix_rep": ("rep_name", "plain_rep")}
"""fix question → (the answer or profile field whose name it fixes, the fact it is asked on)."""

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def text_answer(run: Run, raw: str) -> str | None:
    text = clean_user_text(raw, 1000)
    return text if len(text) >= 2 else None


def name_answer(run: Run, raw: str) -> str | None:
    text = clean_user_text(raw, 200)
    return text if len(text) >= 2 else None


def date_answer(run: Run, raw: str) -> str | None:
    """A founding date typed dd/mm/yyyy (or only the year), stored ISO ("2015-03-01", "2015")."""
    match = _DATE.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            return None
        return value.isoformat() if 1900 <= year <= run.ctx.now.year else None
    match = _YEAR.match(raw)
    return match.group(1) if match and 1900 <= int(match.group(1)) <= run.ctx.now.year else None


def money_answer(run: Run, raw: str) -> int | None:
    """An amount in đồng typed with or without separators ("1.250.000.000", "1 250 000 000"); "triệu"/"tr"
    after a number means millions. None for anything else."""
    text = raw.strip().lower()
    millions = bool(re.search(r"(triệu|trieu|tr|million)\s*(đồng|dong|vnd)?$", text))
    digits = re.sub(r"(triệu|trieu|tr|million|đồng|dong|vnd|đ)", "", text).strip()
    if not re.fullmatch(r"\d{1,3}([.,\s]\d{3})*|\d{1,15}", digits):
        return None
    value = int(re.sub(r"[.,\s]", "", digits))
    return value * 1_000_000 if millions else value


def _text(qid: str, parse: Any = text_answer) -> Question:
    invalid = {date_answer: N_("forms.invalid_date"), money_answer: N_("forms.invalid_money")}.get(
        parse, N_("forms.invalid_text"))
    return Question(qid, Msg(f"forms.ask_{qid}"), kind="text", parse=parse, invalid=Msg(invalid), skip=SKIP)


def _yes_no(qid: str) -> Question:
    return Question(qid, Msg(f"forms.ask_{qid}"), options=(
        Option("yes", Msg(N_("forms.yes")), means=YES), Option("no", Msg(N_("forms.no")), means=NO)), skip=SKIP)


def _fix(qid: str) -> Question:
    fact = NAME_FIXES[qid][1]
    return Question(qid, Msg(f"forms.ask_{qid}"), kind="text", parse=name_answer, invalid=Msg(N_("forms.invalid_text")),
                    skip=KEEP_AS_TYPED, when=(When(fact, (PLAIN,), official="Khi tên được gõ không dấu"),),
                    counted=False)


def questions(content: Content | None = None) -> list[Question]:
    """Phần I, II, IV of Mẫu 02 and what Mẫu 01 adds, in the forms' order."""
    return [
        _fix("fix_org"), _fix("fix_product"),
        _text("rep_name", name_answer), _fix("fix_rep"), _text("rep_title", name_answer),
        Question("rep_gender", Msg(N_("forms.ask_rep_gender")), options=(
            Option("Nam", Msg(N_("forms.gender_male"))), Option("Nữ", Msg(N_("forms.gender_female")))), skip=SKIP),
        Question("rep_ethnicity", Msg(N_("forms.ask_rep_ethnicity")), kind="text", parse=name_answer,
                 invalid=Msg(N_("forms.invalid_text")), skip=SKIP, options=(
                     Option("Kinh", Msg(N_("forms.ethnicity_kinh"))), Option("Hoa", Msg(N_("forms.ethnicity_hoa"))),
                     Option("Khmer", Msg(N_("forms.ethnicity_khmer"))))),
        _text("address"), _text("founded_on", date_answer), _text("registration_number", name_answer),
        Question("kind", Msg(N_("forms.ask_kind")), options=(
            Option("lan-dau", Msg(N_("dossier.kind_first"))), Option("nang-hang", Msg(N_("dossier.kind_upgrade"))),
            Option("danh-gia-lai", Msg(N_("dossier.kind_reevaluation")))), skip=SKIP),
        _text("product_description"), _text("product_standard", name_answer),
        _yes_no("cert_business"), _yes_no("cert_quality"), _yes_no("cert_food_safety"), _yes_no("cert_trademark"),
        _text("history"), _text("organisation"),
        _text("raw_material"), _text("quality_changes"), _text("markets"), _text("year_output", name_answer),
        _text("year_revenue", money_answer), _text("year_profit", money_answer),
        _text("plan_product"), _text("plan_production"), _text("plan_market"),
    ]


QUESTION_IDS = [q.id for q in questions()]


async def known_answers(ctx: Context) -> dict[str, Any]:
    """The stored answers, plus what the bot knows already: certificates marked in the checklist (as answers,
    so they are not asked), which names lack diacritics (facts the fix questions wait on), and the registration
    kind from the certified state (handlers/producer/certified_state.py)."""
    answers = await form_answers(ctx.repos.session, ctx.user.id)
    marks: dict[str, bool] = {}
    for kind in ("lan-dau", "nang-hang", "danh-gia-lai"):
        for item_id, has in (await ctx.repos.dossier.marks(ctx.user.id, kind)).items():
            marks[item_id] = marks.get(item_id, False) or has
    for qid, item_id in CHECKLIST_FOR.items():
        if answers.get(qid) is None and marks.get(item_id):
            answers[qid] = "yes"
    profile = ctx.profile
    names = {"org_name": profile.org_name if profile else None,
             "main_product": profile.main_product if profile else None, "rep_name": answers.get("rep_name")}
    for fix, (source, fact) in NAME_FIXES.items():
        name = names[source]
        answers[fact] = PLAIN if name and answers.get(fix) is None and lacks_diacritics(str(name)) else ""
    await certified.fill_kind(ctx, answers)
    return answers


async def open_forms(ctx: Context, scope: str) -> Opened | None:
    """Answers are stored only with consent; without it, explain and offer it."""
    if ctx.user.consent_at is None:
        agree = ctx.button("onboarding.consent_yes", "onboarding", "consent", "yes")
        ctx.reply("forms.needs_consent", buttons=[[agree], back_to_menu_row(ctx)])
        return None
    return Opened(questions(ctx.content), await known_answers(ctx))


async def save_answer(run: Run, question: Question, value: Any) -> None:
    """Stores one answer at once; a fixed organisation or product name is also fixed on the profile."""
    ctx = run.ctx
    await save_form_answer(ctx.repos.session, ctx.user.id, question.id, value)
    if value and question.id == "fix_org" and ctx.profile is not None:
        ctx.profile.org_name = value
    if value and question.id == "fix_product" and ctx.profile is not None:
        ctx.profile.main_product = value
    if question.id == "rep_name":
        run.answers["plain_rep"] = PLAIN if value and lacks_diacritics(str(value)) else ""
    if question.id == "kind":  # the producer's own answer now: dated, so a later certificate can tell it apart
        await save_form_answer(ctx.repos.session, ctx.user.id, certified.KIND_ON, local_today(ctx).isoformat())
        run.answers[certified.FILLED] = ""


async def finish(run: Run) -> None:
    """Every question answered or skipped: the summary with what to do next."""
    show_summary(run.ctx, run.answers)


async def back_to_summary(run: Run, changed: bool) -> None:
    show_summary(run.ctx, run.answers, N_("forms.saved") if changed else None)


def show_summary(ctx: Context, answers: dict[str, Any], first: str | None = None) -> None:
    """How many answers each part has, and: the forms (DOCX + PDF), the dossier ZIP, evidence, change an answer."""
    ctx.go(FLOW, "summary")
    asked = [q for q in questions() if q.id not in NAME_FIXES]
    lines = [ctx.t(first)] if first else []
    for part in (N_("forms.part_i"), N_("forms.part_ii"), N_("forms.part_iv")):
        ids = [q.id for q in asked if PART_OF.get(q.id) == part]
        done = sum(1 for qid in ids if answers.get(qid) not in (None, SKIPPED))
        lines.append(ctx.t("forms.summary_part", part=ctx.t(part), done=str(done), total=str(len(ids))))
    filled = answers.get(certified.FILLED)  # the kind filled in from the certified state: said, changeable here
    if filled:
        lines.append(ctx.t("forms.kind_filled", kind=answer_text(ctx, "kind", answers.get("kind")),
                           why=str(answers.get(certified.NOTE) or "")))
    lines.append(ctx.t("forms.summary_next"))
    rows = [[ctx.button("forms.get_forms", FLOW, "docs")], [ctx.button("forms.get_zip", FLOW, "zip")],
            [ctx.button("forms.evidence", "evidence", "open")], [ctx.button("forms.change_answers", FLOW, "answers")],
            *([[ctx.button("forms.change_kind", FLOW, "change", "kind")]] if filled else []),
            [ctx.button("forms.continue", FLOW, "open")], back_to_menu_row(ctx)]
    ctx.reply_text("\n".join(lines), buttons=rows)


def render(run: Run, question: Question, screen: Screen) -> None:
    """Which part of the form a question fills; the name to fix; the answer given so far when changing it."""
    t = run.ctx.t
    if question.id in NAME_FIXES:
        source = NAME_FIXES[question.id][0]
        profile = run.ctx.profile
        name = run.answers.get(source) or (getattr(profile, source, None) if profile else None) or ""
        screen.lines = [t(f"forms.ask_{question.id}", name=str(name))]
        return
    part = PART_OF.get(question.id)
    if part:
        screen.lines.insert(0, t(part))
    if question.id == "kind":
        certified.suggest_kind(run, question, screen)
    answer = run.answers.get(question.id)
    if run.changing and answer not in (None, SKIPPED):
        screen.lines.append(t("forms.current_answer", answer=answer_text(run.ctx, question.id, answer)))


PART_OF = {**dict.fromkeys(QUESTION_IDS[:QUESTION_IDS.index("history") + 2], N_("forms.part_i")),
           **dict.fromkeys(["raw_material", "quality_changes", "markets", "year_output", "year_revenue",
                            "year_profit"], N_("forms.part_ii")),
           **dict.fromkeys(["plan_product", "plan_production", "plan_market"], N_("forms.part_iv"))}
for _fix_id in NAME_FIXES:
    PART_OF.pop(_fix_id, None)


def answer_text(ctx: Context, qid: str, value: Any) -> str:
    """An answer as the producer reads it back."""
    if value in (None, SKIPPED):
        return ctx.t("forms.not_answered")
    if qid in ("year_revenue", "year_profit") and isinstance(value, int):
        return ctx.t("forms.amount", amount=ctx.t.number(value))
    if qid == "founded_on" and len(str(value)) == 10:
        return ctx.t.date(datetime.date.fromisoformat(str(value)))
    question = next((q for q in questions() if q.id == qid), None)
    option = next((o for o in question.options if o.code == str(value)), None) if question else None
    return flows.show(ctx.t, option.label) if option else str(value)


def diagram(content: Content) -> Iterable[tuple[str, str, Sequence[Question]]]:
    yield "forms", "Mẫu 01 and Mẫu 02 (Phần I, II, IV)", questions(content)


FORMS = Flow(
    FLOW, open_forms, save_answer, finish, keep=N_("forms.keep"), back=N_("forms.back"),
    retype=N_("forms.choose_button"), render=render, after_change=back_to_summary, variants=diagram,
    facts=(*(fact for _, fact in NAME_FIXES.values()), certified.LIKELY, certified.NOTE, certified.FILLED),
)
flow_buttons.register(router, FORMS)
_typed_answer = router.answers[(FLOW, "*")]


async def answer_or_refuse_file(ctx: Context) -> None:
    """A photo or document sent while a forms question waits: not an answer and not stored; the question again."""
    if ctx.inbound.kind is Kind.FILE:
        ctx.reply("forms.file_not_answer")
        run = await flows.open_run(ctx, FORMS)
        if run is not None:
            await run.resume()
        return
    await _typed_answer(ctx)


answer_or_refuse_file.takes_text = _typed_answer.takes_text  # type: ignore[attr-defined]
router.answers[(FLOW, "*")] = answer_or_refuse_file


@router.on_button(FLOW, "open")
async def open_forms_walk(ctx: Context) -> None:
    """"Fill in Mẫu 01, 02": the first question not answered yet (a paused walk resumes there), or the summary."""
    run = await flows.open_run(ctx, FORMS)
    if run is not None:
        await run.resume()


@router.on_button(FLOW, "change")
async def change_answer(ctx: Context) -> None:
    """One answer from the list of answers: asks it again, with "keep" to leave it as it is."""
    run = await flows.open_run(ctx, FORMS)
    if run is None:
        return
    question = run.question(ctx.arg)
    if question is None or question not in run.path():
        show_summary(ctx, run.answers, N_("menu.stale_button"))
        return
    run.change(question)


@router.on_button(FLOW, "answers")
async def list_answers(ctx: Context) -> None:
    """The answers so far, numbered; pressing (or typing) a number changes that answer."""
    run = await flows.open_run(ctx, FORMS)
    if run is None:
        return
    ctx.go(FLOW, "answers")
    shown = [q for q in run.path() if q.id not in NAME_FIXES or run.answers.get(q.id)]
    lines = [ctx.t("forms.answers_title")]
    buttons = []
    for number, question in enumerate(shown, start=1):
        lines.append(f"{number}. {ctx.t(f'forms.label_{question.id}')}: "
                     f"{answer_text(ctx, question.id, run.answers.get(question.id))}")
        buttons.append(ctx.button("forms.change_number", FLOW, "change", question.id, item_number=number,
                                  number=str(number)))
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    rows.append([ctx.button("forms.to_summary", FLOW, "summary")])
    ctx.reply_text("\n".join(lines), buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button(FLOW, "summary")
async def summary(ctx: Context) -> None:
    """Back to the summary of the forms."""
    run = await flows.open_run(ctx, FORMS)
    if run is not None:
        show_summary(ctx, run.answers)
