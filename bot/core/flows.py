"""One questionnaire runner: a flow is a declaration, a list of question values; one generic runner walks it.

A `Flow` names where its answers live (`open` loads them with the questions, `save` stores one, `finish` ends)
and how it looks (progress, Back, the catalog ids it says); a `Question` is a value: id, prompt (a catalog `Msg`
or a content text), kind (choice / text / phone / number), options, a condition (`when`), and, for the few
questions that are more than a choice among buttons, a screen or a typed-text step of their own. Options may
have a condition, branch (`goto` a later question) or end the flow (a knock-out). From the answers so far the
runner computes the path (questions that apply, in order, following branches), and from it everything else:

- ask (with "Câu 3/6" over the counted questions on the path), answer, Back (the previous question on the path),
  skip, change one earlier answer and come back, typed text (a text question's answer, or "press a button");
- the stale-button guard: every answer button names its question (and the flow's scope, e.g. the assessment
  id), and only the question being asked takes an answer; an old button changes nothing;
- pause and resume across restarts: the position is the conversation state (flow, step = question id,
  data["scope"]), saved with every update; the answers are wherever `open` reads them from.

Payloads: `<flow>:ans[:<scope>]:<question>:<code>`, or `<flow>:<action>[:<scope>]:<code>` for a question named
by an action of its own (`Flow.actions`, e.g. "profile:type:htx"); `<flow>:back[:<scope>]`, `<flow>:skip[:<scope>]:
<question>`, `<flow>:keep[:<scope>]`. Diagrams of every flow come from the declarations (bot/cli/diagrams.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bot.content.text import clean_user_text
from bot.core.i18n import N_, Translator
from bot.core.messages import NO, Button, Kind

if TYPE_CHECKING:
    from bot.content import Content
    from bot.core.context import Context

SKIPPED = ""
"""What a skipped question stores: an answer, so it is not asked again."""


@dataclass(frozen=True)
class Msg:
    """A catalog id, where a declaration could also hold a content text."""

    id: str


Text = Msg | str  # a catalog id, or a content text (Vietnamese source, translated through t.content)


def show(t: Translator, text: Text, **values: Any) -> str:
    return t(text.id, **values) if isinstance(text, Msg) else t.content(text)


@dataclass(frozen=True)
class When:
    """Holds when the answer kept under `key` (a question id, or a fact the flow adds, e.g. the product
    group) is one of `any_of`; with `negate`, when it is none of them (an unanswered key is none of them)."""

    key: str
    any_of: tuple[str, ...]
    negate: bool = False
    official: str = ""  # the condition as printed, for the diagrams ("Chỉ áp dụng khi có câu chuyện sản phẩm")

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.key)
        return (value is not None and str(value) in self.any_of) != self.negate

    def describe(self) -> str:
        return self.official or f"{self.key} {'∉' if self.negate else '∈'} {{{', '.join(self.any_of)}}}"


@dataclass(frozen=True)
class Option:
    code: str
    label: Text
    means: str | None = None  # messages.YES / NO: typed yes/no words press it (bot/core/typed.py)
    when: tuple[When, ...] = ()  # offered only when these hold (set #26: the options of the chosen case)
    goto: str | None = None  # a branch: the next question when this is chosen (a later one)
    ends: bool = False  # choosing it ends the flow (a knock-out answer)


@dataclass(frozen=True)
class Question:
    id: str
    prompt: Text = ""
    kind: Literal["choice", "text", "phone", "number"] = "choice"
    options: tuple[Option, ...] = ()
    when: tuple[When, ...] = ()  # asked only when these hold; otherwise not on the path
    counted: bool = True  # counted in the progress "Câu 3/6"
    skip: str | None = None  # catalog id of a skip button's label; a skipped question stores SKIPPED
    parse: Callable[[Run, str], Any] | None = None  # text, phone, number: the typed answer → value, None = refused
    invalid: Text | None = None  # said when `parse` refuses ({typed} is the text)
    accepts: Callable[[Run, str], bool] | None = None  # codes a choice takes beyond `options` (a search's results)
    screen: Callable[[Run, Question], None] | None = None  # draws the question itself (a confirmation, a search)
    on_text: Callable[[Run, Question], Awaitable[None]] | None = None  # text typed at a choice: a search step
    note: str = ""  # what a screen or search of its own does, for the diagrams

    @property
    def takes_text(self) -> bool | str:
        """What typed text is here (Router.on_answer): "number" when a typed number is the answer (so it
        presses no button), True for other typed answers, False where a button is expected, a search
        included: what matches a button shown (its results) presses it, anything else is searched."""
        return "number" if self.kind == "number" else self.kind != "choice"


@dataclass
class Opened:
    """What `Flow.open` found: the questions (built at run time, e.g. from a score sheet), the answers so far
    by question id (None or absent: not answered; choice answers as option codes) and what they belong to."""

    questions: Sequence[Question]
    answers: Mapping[str, Any]
    subject: Any = None


@dataclass
class Screen:
    """One question as it will be sent; a flow's `render` may change any part."""

    lines: list[str]
    options: list[list[Button]]
    navigation: list[list[Button]]
    request_contact: str = ""


@dataclass(frozen=True)
class Flow:
    name: str  # the conversation state's flow, and the payload namespace
    open: Callable[[Context, str], Awaitable[Opened | None]]  # None: not available now (it has said why)
    save: Callable[[Run, Question, Any], Awaitable[None]]
    finish: Callable[[Run], Awaitable[None]]
    progress: str | None = N_("flows.progress")
    after_answer: Literal["next", "first_unanswered"] = "first_unanswered"
    """"next": walk on in order (answered questions are asked again, showing their answer);
    "first_unanswered": go on where answers stop (after a change, back where the user was)."""
    back: str | None = None  # catalog id of the Back button (None: no Back)
    keep: str | None = None  # catalog id of "keep the answer", shown while changing one answer
    share_contact: str | None = None  # catalog id of the share-phone button of phone questions
    retype: str | None = None  # said when text is typed where a button is expected
    stale: str | None = None  # said when a button of another question is pressed
    invalid_option: str | None = None  # said when a pressed option does not exist (a forged payload)
    actions: Mapping[str, str] = field(default_factory=dict)  # payload action → the question it answers
    scoped: bool = False  # payloads carry the scope (whose answers: the assessment id)
    render: Callable[[Run, Question, Screen], None] | None = None
    before_first: Callable[[Run], Awaitable[None]] | None = None  # what Back does on the first question
    on_stale: Callable[[Run, Question | None], Awaitable[None]] | None = None  # default: say `stale`, ask again
    after_change: Callable[[Run, bool], Awaitable[None]] | None = None  # after changing one answer (changed?)
    variants: Callable[[Content], Iterable[tuple[str, str, Sequence[Question]]]] | None = None
    """For the diagrams: (file name, title, questions) for each form the flow takes (one per score sheet)."""
    facts: tuple[str, ...] = ()
    """Keys `open` adds to the answers beside the questions' own (conditions may name them; `check` knows them)."""


# --- the walk ---------------------------------------------------------------------------------------------
@dataclass
class Run:
    """One flow for one user during one update: the declaration, the answers, the position."""

    flow: Flow
    ctx: Context
    scope: str
    questions: list[Question]
    answers: dict[str, Any]
    subject: Any = None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def options(self, question: Question) -> list[Option]:
        """The options offered now: those whose condition holds."""
        return [o for o in question.options if all(w.holds(self.answers) for w in o.when)]

    def chosen(self, question: Question) -> Option | None:
        code = self.answers.get(question.id)
        return next((o for o in question.options if code is not None and o.code == str(code)), None)

    def path(self, *, undecided_applies: bool = False) -> list[Question]:
        """The questions that apply, in order, given the answers so far: a question whose condition fails
        (on the answers before it) or that has no option left is not on it; a chosen option's `goto` jumps
        ahead; an answer that ends the flow ends the path. Unanswered questions continue in order.

        `undecided_applies`: a condition on a question not answered yet counts as holding (the progress
        total: "Câu 1/32" may become "…/31" once the answer rules an item out, never grow)."""
        index = {q.id: i for i, q in enumerate(self.questions)}
        on_path: list[Question] = []
        seen = {k: v for k, v in self.answers.items() if k not in index}  # facts the flow adds (the group)
        i = 0

        def holds(when: When) -> bool:
            if undecided_applies and when.key in index and seen.get(when.key) is None:
                return True
            return when.holds(seen)

        while i < len(self.questions):
            question = self.questions[i]
            if not all(holds(w) for w in question.when) or (question.options and question.accepts is None
                                                            and not self.options(question)):
                i += 1
                continue
            on_path.append(question)
            seen[question.id] = self.answers.get(question.id)
            option = self.chosen(question)
            if option is not None and option.ends:
                break
            i = index[option.goto] if option is not None and option.goto in index else i + 1
        return on_path

    def first_unanswered(self) -> Question | None:
        return next((q for q in self.path() if self.answers.get(q.id) is None), None)

    def current(self) -> Question | None:
        """The question being asked: the saved step when it is on the path, else the first unanswered."""
        state = self.ctx.state
        if state.flow == self.flow.name and str(self.ctx.data.get("scope", "")) == self.scope and state.step:
            saved = self.question(state.step)
            if saved is not None and saved in self.path():
                return saved
        return self.first_unanswered()

    def previous(self, question: Question) -> Question | None:
        path = self.path()
        at = path.index(question) if question in path else len(path)
        return path[at - 1] if at > 0 else None

    def following(self, question: Question) -> Question | None:
        """Where to go after `question` was answered, by the flow's `after_answer`."""
        if self.flow.after_answer == "first_unanswered":
            return self.first_unanswered()
        path = self.path()
        return path[path.index(question) + 1] if question in path and path.index(question) + 1 < len(path) else None

    def progress(self, question: Question) -> tuple[int, int]:
        counted = [q for q in self.path(undecided_applies=True) if q.counted]
        return (counted.index(question) + 1 if question in counted else len(counted)), len(counted)

    @property
    def changing(self) -> bool:
        """One earlier answer is being changed (`change`): after it, `after_change` or back where the user was."""
        return self.ctx.state.flow == self.flow.name and bool(self.ctx.data.get("change"))

    # --- screens ----------------------------------------------------------------------------------------
    def payload(self, action: str, *parts: object) -> list[object]:
        return [self.flow.name, action, *([self.scope] if self.flow.scoped else []), *parts]

    def answer_button(self, question: Question, option: Option, label: str | None = None) -> Button:
        from bot.core.context import payload

        action = next((a for a, q in self.flow.actions.items() if q == question.id), None)
        parts = self.payload(action, option.code) if action else self.payload("ans", question.id, option.code)
        return Button(label if label is not None else show(self.ctx.t, option.label),
                      payload(*parts, limit=self.ctx.limits.payload_bytes), means=option.means)

    def skip_button(self, question: Question) -> Button:
        """Skipping is the "no" of a question that may be skipped: typed "không" presses it."""
        label = question.skip
        if label is None:
            raise ValueError(f"question {question.id} may not be skipped")
        return self.ctx.button(label, *self.payload("skip", question.id), means=NO)

    def default_screen(self, question: Question) -> Screen:
        t, flow = self.ctx.t, self.flow
        lines = []
        if question.counted and flow.progress:
            step, total = self.progress(question)
            lines.append(t(flow.progress, step=str(step), total=str(total)))
        lines.append(show(t, question.prompt))
        options = [[self.answer_button(question, o)] for o in self.options(question)]
        navigation = [[self.skip_button(question)]] if question.skip else []
        if flow.back and (self.previous(question) or flow.before_first):
            navigation.append([self.ctx.button(flow.back, *self.payload("back"))])
        if self.changing and flow.keep:
            navigation.append([self.ctx.button(flow.keep, *self.payload("keep"))])
        contact = t(flow.share_contact) if question.kind == "phone" and flow.share_contact else ""
        return Screen(lines, options, navigation, contact)

    def ask(self, question: Question) -> None:
        """Wait for `question` (the state names it) and show it."""
        self.ctx.go(self.flow.name, question.id, takes_text=question.takes_text,
                    **({"scope": self.scope} if self.scope else {}))
        if question.screen is not None:
            question.screen(self, question)
            return
        screen = self.default_screen(question)
        if self.flow.render is not None:
            self.flow.render(self, question, screen)
        self.ctx.reply_text("\n".join(screen.lines), buttons=[*screen.options, *screen.navigation],
                            request_contact=screen.request_contact)

    def change(self, question: Question) -> None:
        """Ask one earlier question again; its answer leads to `after_change`, or back where the user was."""
        self.ctx.go(self.flow.name, question.id, change=True)
        self.ask(question)

    # --- steps ------------------------------------------------------------------------------------------
    async def resume(self) -> None:
        """Ask the question the user is on; finish when none is left."""
        question = self.current()
        if question is None:
            await self.flow.finish(self)
        else:
            self.ask(question)

    async def answer(self, question: Question, value: Any) -> None:
        """Store one answer, then ask where the flow goes next (or finish)."""
        await self.flow.save(self, question, value)
        self.answers[question.id] = value
        option = self.chosen(question)
        if self.changing:
            self.ctx.remember(change=False)
            if self.flow.after_change is not None:
                await self.flow.after_change(self, True)
                return
        following = None if option is not None and option.ends else self.following(question)
        if following is None:
            await self.flow.finish(self)
        else:
            self.ask(following)

    async def back(self) -> None:
        question = self.current()
        previous = self.previous(question) if question is not None else (self.path() or [None])[-1]
        if previous is not None:
            self.ask(previous)
        elif self.flow.before_first is not None:
            await self.flow.before_first(self)
        elif question is not None:
            self.ask(question)

    async def typed(self) -> None:
        """Text (or a shared contact) where the current question waits: its answer, a search, or a reminder
        to press a button; the question again when it is refused."""
        ctx, question = self.ctx, self.current()
        if question is None:
            await self.flow.finish(self)
            return
        if question.on_text is not None:
            await question.on_text(self, question)
            return
        if question.kind == "choice":
            if self.flow.retype:
                ctx.reply(self.flow.retype)
            self.ask(question)
            return
        raw = ctx.inbound.phone if ctx.inbound.kind is Kind.CONTACT and question.kind == "phone" else (
            ctx.inbound.text if ctx.inbound.kind is Kind.TEXT else None)
        value = None if raw is None else (question.parse or _default_parse(question.kind))(self, raw)
        if value is not None:
            await self.answer(question, value)
            return
        skip = [[self.skip_button(question)]] if question.skip else []
        contact = ctx.t(self.flow.share_contact) if question.kind == "phone" and self.flow.share_contact else ""
        if question.invalid is not None:
            ctx.reply_text(show(ctx.t, question.invalid, typed=clean_user_text(raw or "", 60)), buttons=skip,
                           request_contact=contact)
        else:
            self.ask(question)


def _default_parse(kind: str) -> Callable[[Run, str], Any]:
    from bot.core.typed import typed_number

    if kind == "number":
        return lambda run, raw: typed_number(raw)
    return lambda run, raw: clean_user_text(raw, 200) or None


# --- entry points for handlers ------------------------------------------------------------------------
async def open_run(ctx: Context, flow: Flow, scope: str = "") -> Run | None:
    """The flow for this user (None when `open` refused: it has already said why)."""
    opened = await flow.open(ctx, scope)
    if opened is None:
        return None
    return Run(flow, ctx, scope, list(opened.questions), dict(opened.answers), opened.subject)


def check(questions: Sequence[Question], extra_keys: Iterable[str] = ()) -> list[str]:
    """What is wrong with a declaration: duplicate ids or codes, a branch to an unknown or earlier question,
    a condition on a question that is not asked before it (nor a fact in `extra_keys`)."""
    problems: list[str] = []
    ids = [q.id for q in questions]
    facts = set(extra_keys)
    for i, question in enumerate(questions):
        if ids.count(question.id) > 1:
            problems.append(f"question id {question.id!r} is used twice")
        codes = [o.code for o in question.options]
        problems += [f"{question.id}: option code {c!r} is used twice" for c in sorted(set(codes)) if codes.count(c) > 1]
        earlier = set(ids[:i]) | facts
        for when in (*question.when, *(w for o in question.options for w in o.when)):
            if when.key not in earlier:
                problems.append(f"{question.id}: condition on {when.key!r}, which is not asked before it")
        for option in question.options:
            if option.goto is not None and (option.goto not in ids or ids.index(option.goto) <= i):
                problems.append(f"{question.id}: option {option.code!r} branches to {option.goto!r}, not a later question")
    return problems
