"""The questionnaire runner (bot/core/flows.py) on a declaration of its own, through the real engine and
database: walk, progress, Back, change one answer and come back, skip, typed answers, the stale-button
guard, a condition ("only when there is a product story"), a case chosen once (set #26's two cases), a
branch, a knock-out end, and resume in a new App on the same database. Plus the declaration checks."""

from __future__ import annotations

from typing import Any

from bot.app import App
from bot.core import flow_buttons, flows
from bot.core.context import Context, Router
from bot.core.flows import Flow, Opened, Option, Question, Run, When
from bot.core.messages import NO, YES
from tests.conftest import Database, make_settings
from tests.transcript import Chat

QUIZ_QUESTIONS = [
    Question("story", "Có câu chuyện sản phẩm không?",
             options=(Option("co", "Đã có câu chuyện", means=YES), Option("chua", "Chưa có", means=NO))),
    Question("story_text", "Kể ngắn câu chuyện", kind="text", when=(When("story", ("co",)),)),
    Question("case", "Trường hợp nào?", options=(Option("a", "Du lịch cộng đồng"), Option("b", "Điểm du lịch")),
             counted=False),
    Question("guide", "Hướng dẫn viên?", options=(Option("a1", "Người dân bản địa", when=(When("case", ("a",)),)),
                                                   Option("b1", "Công ty lữ hành", when=(When("case", ("b",)),)),
                                                   Option("none", "Không có"))),
    Question("homestay", "Có homestay không?", options=(Option("yes", "Có homestay", when=(When("case", ("a",)),)),)),
    Question("route", "Tuyến tham quan", options=(Option("short", "Tuyến ngắn", goto="visitors"),
                                                  Option("long", "Tuyến dài"), Option("closed", "Đã đóng cửa", ends=True))),
    Question("stops", "Bao nhiêu điểm dừng?", kind="number"),
    Question("visitors", "Số khách mỗi năm", kind="number", skip="profile.phone_skip"),
]


async def open_quiz(ctx: Context, scope: str) -> Opened | None:
    if ctx.state.flow != "quiz":
        ctx.reply_text("no quiz under way")
        return None
    return Opened(QUIZ_QUESTIONS, dict(ctx.data.get("answers") or {}))


async def save(run: Run, question: Question, value: Any) -> None:
    run.ctx.remember(answers={**(run.ctx.data.get("answers") or {}), question.id: value})


async def finish(run: Run) -> None:
    answers = run.ctx.data.get("answers") or {}
    run.ctx.clear_flow()
    run.ctx.reply_text("DONE " + ",".join(f"{k}={v}" for k, v in answers.items()))


QUIZ = Flow("quiz", open_quiz, save, finish, back="eligibility.back", stale="assessment.stale_question",
            retype="eligibility.choose_button")
quiz_router = Router()
flow_buttons.register(quiz_router, QUIZ)


@quiz_router.on_button("quiz", "start")
async def start_quiz(ctx: Context) -> None:
    ctx.go("quiz", None, answers={})
    run = await flows.open_run(ctx, QUIZ)
    await run.resume()  # type: ignore[union-attr]


@quiz_router.on_button("quiz", "change")
async def change_answer(ctx: Context) -> None:
    run = await flows.open_run(ctx, QUIZ)
    if run is not None and run.question(ctx.arg):
        run.change(run.question(ctx.arg))  # type: ignore[arg-type]


def with_quiz(app: App) -> App:
    if "quiz:ans" not in app.engine.router.buttons:
        app.engine.router.include([quiz_router])
    return app


async def quiz_chat(app: App, user: str = "q1") -> Chat:
    chat = Chat(with_quiz(app).engine, user)
    await chat.start()
    await chat.click("Tiếng Việt")  # Vietnamese, consent not needed for the quiz
    await chat.press("quiz:start")
    return chat


async def test_walk_with_condition_case_branch_and_finish(app: App) -> None:
    chat = await quiz_chat(app)
    # story_text, asked only with a story, counts until the answer rules it out: the total never grows
    assert "Câu 1/6" in chat.text and chat.labels() == ["Đã có câu chuyện", "Chưa có"]
    await chat.click("Đã có")
    assert "Câu 2/6" in chat.text and "Kể ngắn" in chat.text  # asked because there is a story
    await chat.send("Làng nghề trăm năm")
    assert "Trường hợp nào?" in chat.text and "Câu" not in chat.text  # not counted
    await chat.click("Điểm du lịch")
    # Case b: only the options of case b (and those of every case); the homestay item has none left: skipped.
    assert chat.labels()[:2] == ["Công ty lữ hành", "Không có"] and "Câu 3/6" in chat.text
    await chat.click("Công ty lữ hành")
    assert "Tuyến tham quan" in chat.text and "Câu 4/6" in chat.text
    await chat.click("Tuyến ngắn")  # a branch over "stops"
    assert "Số khách" in chat.text and "Câu 5/5" in chat.text
    await chat.send("1200")
    assert "DONE" in chat.text and "visitors=1200" in chat.text and "stops" not in chat.text
    assert "story_text=Làng nghề trăm năm" in chat.text and "guide=b1" in chat.text


async def test_no_story_skips_the_story_question_and_a_knock_out_ends(app: App) -> None:
    chat = await quiz_chat(app)
    await chat.click("Chưa có")
    assert "Trường hợp nào?" in chat.text  # story_text is not on the path
    await chat.click("Du lịch cộng đồng")
    assert "Câu 2/6" in chat.text and chat.labels()[0] == "Người dân bản địa"
    await chat.click("Người dân bản địa")
    await chat.click("Có homestay")
    await chat.click("Đã đóng cửa")
    assert "DONE" in chat.text and "route=closed" in chat.text


async def test_back_goes_to_the_previous_question_on_the_path(app: App) -> None:
    chat = await quiz_chat(app)
    await chat.click("Chưa có")
    await chat.click("Điểm du lịch")
    await chat.click("Không có")
    assert "Tuyến tham quan" in chat.text
    await chat.click("Quay lại")
    assert "Hướng dẫn viên?" in chat.text
    await chat.click("Quay lại")
    assert "Trường hợp nào?" in chat.text
    await chat.click("Quay lại")
    assert "Câu 1/5" in chat.text  # story_text (not asked) is skipped on the way back too
    assert "Quay lại" not in " ".join(chat.labels())  # nothing before the first question


async def test_change_one_answer_and_come_back(app: App) -> None:
    chat = await quiz_chat(app)
    await chat.click("Đã có")
    await chat.send("Chuyện cũ")
    await chat.click("Điểm du lịch")
    await chat.click("Không có")
    assert "Tuyến tham quan" in chat.text
    await chat.press("quiz:change:story_text")
    assert "Kể ngắn" in chat.text
    await chat.send("Chuyện mới")
    assert "Tuyến tham quan" in chat.text  # back where the user was, not to the question after story_text
    await chat.click("Tuyến dài")
    await chat.send("3")
    await chat.click("Bỏ qua")  # visitors may be skipped
    assert "story_text=Chuyện mới" in chat.text and chat.text.endswith("stops=3,visitors=")


async def test_stale_and_forged_buttons_change_nothing(app: App) -> None:
    chat = await quiz_chat(app)
    first = chat.labels()
    old_no = next(b.payload for r in chat.replies for b in r.flat_buttons() if b.label == "Chưa có")
    await chat.click("Đã có")
    await chat.send("Chuyện")
    assert "Trường hợp nào?" in chat.text and first
    await chat.press(old_no)  # a button of the first question, pressed now
    assert "thuộc một câu hỏi khác" in chat.text and "Trường hợp nào?" in chat.text
    await chat.press("quiz:ans:case:zzz")  # an option that does not exist
    assert "Trường hợp nào?" in chat.text
    await chat.press("quiz:ans:homestay:yes")  # a later question
    assert "Trường hợp nào?" in chat.text
    await chat.press("quiz:skip:case")  # not skippable
    assert "Trường hợp nào?" in chat.text
    await chat.click("Du lịch cộng đồng")
    assert "Hướng dẫn viên?" in chat.text


async def test_typed_answers_reach_the_question(app: App) -> None:
    chat = await quiz_chat(app)
    await chat.send("có rồi")  # a yes word: the option marked YES
    assert "Kể ngắn" in chat.text
    await chat.send("x" * 5000)  # a text answer, trimmed
    assert "Trường hợp nào?" in chat.text
    await chat.send("diem du")  # the start of a label, without diacritics
    assert "Hướng dẫn viên?" in chat.text
    await chat.send("hello")  # matches no button: asked to press one
    assert "bấm một nút" in chat.text and "Hướng dẫn viên?" in chat.text
    await chat.send("2")  # the second button shown
    assert "Tuyến tham quan" in chat.text
    await chat.send("tuyen")  # two labels start so: which one?
    assert "Bạn muốn chọn mục nào" in chat.text and chat.labels() == ["Tuyến ngắn", "Tuyến dài"]
    await chat.send("2")
    assert "Bao nhiêu điểm dừng?" in chat.text
    for odd in ("²", "١", "-1", "1.5", "9" * 5000):
        await chat.send(odd)  # a number question refuses what is not a plain number, and asks again
        assert "Bao nhiêu điểm dừng?" in chat.text, odd
    await chat.send("1")  # a typed number answers a number question; it does not press button 1 (Back)
    assert "Số khách" in chat.text


async def test_resume_in_a_new_app_on_the_same_database(database: Database) -> None:
    app = with_quiz(await App.create(make_settings(database), db=database.engine()))
    chat = await quiz_chat(app, "q9")
    await chat.click("Chưa có")
    await chat.click("Du lịch cộng đồng")
    assert "Hướng dẫn viên?" in chat.text
    await app.close()

    app = with_quiz(await App.create(make_settings(database), db=database.engine()))  # a new process
    try:
        chat.engine = app.engine
        await chat.click("Người dân bản địa")  # the last message's button still answers
        assert "Có homestay không?" in chat.text and "Câu 3/6" in chat.text
        await chat.send("1")
        await chat.send("tuyen dai")
        await chat.send("4")
        await chat.send("0")
        assert "DONE" in chat.text and "guide=a1" in chat.text and "homestay=yes" in chat.text
    finally:
        await app.close()


def test_declaration_checks() -> None:
    assert flows.check(QUIZ_QUESTIONS) == []
    broken = [Question("a", "?", options=(Option("x", "X", goto="a"), Option("x", "Y"))),
              Question("b", "?", when=(When("later", ("1",)),)), Question("a", "?"),
              Question("later", "?")]
    problems = flows.check(broken)
    assert any("used twice" in p and "'a'" in p for p in problems)
    assert any("option code 'x'" in p for p in problems)
    assert any("branches to 'a'" in p for p in problems)
    assert any("condition on 'later'" in p for p in problems)
    assert flows.check([Question("b", "?", when=(When("group", ("1",)),))], extra_keys=("group",)) == []


def test_score_sheet_conditions_and_cases_plug_in_as_data() -> None:
    """The schema of the 26 transcribed sheets (criteria.applies_when, sheet.branches, option.case) becomes
    the runner's conditions: a stand-in sheet in that shape, walked without a database."""
    from types import SimpleNamespace as Node

    from handlers.producer.assessment import ASSESSMENT, questions

    def option(text: str, **extra: object) -> Node:
        return Node(text=text, knock_out=extra.pop("knock_out", None), case=extra.pop("case", None),
                    id=extra.pop("id", None), hint=None)

    story = Node(code="9.1", question="Có câu chuyện sản phẩm không?", applies_when=None,
                 options=[option("Chưa có", id="khong"), option("Đã có", id="co")])
    told = Node(code="9.2", question="Câu chuyện được kể thế nào?", options=[option("Tờ rơi"), option("Video")],
                applies_when=Node(criterion="9.1", options=["co"], official="Chỉ áp dụng khi có câu chuyện sản phẩm"))
    guide = Node(code="9.3", question="Hướng dẫn viên", applies_when=None,
                 options=[option("Người dân", case="cong-dong"), option("Công ty", case="diem-du-lich"),
                          option("Không có"), option("Bị cấm", knock_out="Vi phạm")])
    criteria = {c.code: c for c in (story, told, guide)}
    sheet = Node(branches=Node(question="Trường hợp nào?", cases=[Node(code="cong-dong", title="Cộng đồng"),
                                                                    Node(code="diem-du-lich", title="Điểm du lịch")]),
                 criteria=lambda: list(criteria.values()), criterion=criteria.get)
    asked = questions(sheet)  # type: ignore[arg-type]
    assert [q.id for q in asked] == ["case", "9.1", "9.2", "9.3"] and flows.check(asked) == []
    assert asked[2].when[0].describe() == "Chỉ áp dụng khi có câu chuyện sản phẩm"

    def walk(answers: dict[str, str]) -> Run:
        return Run(ASSESSMENT, None, "", asked, answers)  # type: ignore[arg-type]

    assert [q.id for q in walk({}).path()] == ["case", "9.1", "9.3"]  # no story yet: 9.2 not asked
    assert [q.id for q in walk({"case": "cong-dong", "9.1": "1"}).path()] == ["case", "9.1", "9.2", "9.3"]
    assert [o.label for o in walk({"case": "diem-du-lich"}).options(asked[3])] == ["Công ty", "Không có", "Bị cấm"]
    assert walk({"case": "cong-dong", "9.1": "0"}).first_unanswered() == asked[3]
    assert walk({"case": "a", "9.1": "0", "9.3": "3"}).first_unanswered() is None  # the knock-out ends it


async def test_the_progress_total_shrinks_when_an_answer_rules_an_item_out(app: App) -> None:
    """A question asked only with a story counts in the total until the producer says there is none."""
    chat = await quiz_chat(app, "q9")
    assert "Câu 1/6" in chat.text
    await chat.click("Chưa có")
    assert "Trường hợp nào?" in chat.text and "Kể ngắn" not in chat.text  # the story question is skipped
    await chat.click("Điểm du lịch")
    assert "Câu 2/5" in chat.text
