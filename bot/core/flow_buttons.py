"""The handlers every flow gets from the runner (bot/core/flows.py): its answer buttons, Back, skip, keep,
and typed text where one of its questions waits. Each opens the flow (`Flow.open` may refuse and say why),
then lets the run decide; an answer is taken only for the question being asked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.context import Context, Router
from bot.core.flows import SKIPPED, Flow, Question, Run, open_run


def register(router: Router, flow: Flow) -> None:
    """Registers the flow's buttons (answers, Back, skip, keep) and its typed answers on `router`."""
    for action in ("ans", *flow.actions):
        router.on_button(flow.name, action)(_answer_pressed(flow, action))
    router.on_button(flow.name, "back")(_back_pressed(flow))
    router.on_button(flow.name, "skip")(_skip_pressed(flow))
    if flow.keep or flow.after_change:
        router.on_button(flow.name, "keep")(_keep_pressed(flow))
    router.on_answer(flow.name, "*", takes_text=lambda ctx: ctx.data.get("takes_text") or False)(_typed(flow))


def _parse(arg: str, flow: Flow, named: str | None) -> tuple[str, str, str]:
    """(scope, question id, option code) of an answer payload's argument; empty parts when it is malformed."""
    if named is not None and not flow.scoped:
        return "", named, arg
    parts = arg.split(":")
    if len(parts) != (1 if flow.scoped else 0) + (1 if named is not None else 2):
        return "", "", ""
    scope, rest = (parts[0], parts[1:]) if flow.scoped else ("", parts)
    return scope, named if named is not None else rest[0], rest[-1]


async def _refuse_stale(run: Run, question: Question | None) -> None:
    if run.flow.on_stale is not None:
        await run.flow.on_stale(run, question)
        return
    if run.flow.stale:
        run.ctx.reply(run.flow.stale)
    await run.resume()


def _answer_pressed(flow: Flow, action: str) -> Callable[[Context], Awaitable[None]]:
    named = flow.actions.get(action)

    async def press_answer(ctx: Context) -> None:
        """An answer button: stored only for the question being asked and an option it offers; an old or
        forged button changes nothing (the question being asked is shown again)."""
        scope, question_id, code = _parse(ctx.arg, flow, named)
        run = await open_run(ctx, flow, scope)
        if run is None:
            return
        question = run.question(question_id)
        if question is None or question is not run.current():
            await _refuse_stale(run, question)
        elif code in [o.code for o in run.options(question)] or (question.accepts and question.accepts(run, code)):
            await run.answer(question, code)
        else:
            if flow.invalid_option:
                ctx.reply(flow.invalid_option)
            run.ask(question)

    return press_answer


def _back_pressed(flow: Flow) -> Callable[[Context], Awaitable[None]]:
    async def go_back(ctx: Context) -> None:
        """Back: the previous question on the path, or what the flow does before its first question."""
        run = await open_run(ctx, flow, ctx.arg if flow.scoped else "")
        if run is not None:
            await run.back()

    return go_back


def _skip_pressed(flow: Flow) -> Callable[[Context], Awaitable[None]]:
    async def skip_question(ctx: Context) -> None:
        """Skip: stores SKIPPED for the question being asked, if it may be skipped; then on as after an answer."""
        scope, _, question_id = ctx.arg.rpartition(":") if flow.scoped else ("", "", ctx.arg)
        run = await open_run(ctx, flow, scope)
        if run is None:
            return
        question = run.question(question_id)
        if question is None or question is not run.current() or not question.skip:
            await _refuse_stale(run, question)
        else:
            await run.answer(question, SKIPPED)

    return skip_question


def _keep_pressed(flow: Flow) -> Callable[[Context], Awaitable[None]]:
    async def keep_answer(ctx: Context) -> None:
        """While changing one answer: leaves it as it is (`after_change`, else on where the user was)."""
        run = await open_run(ctx, flow, ctx.arg if flow.scoped else "")
        if run is None:
            return
        ctx.remember(change=False)
        if flow.after_change is not None:
            await flow.after_change(run, False)
        else:
            await run.resume()

    return keep_answer


def _typed(flow: Flow) -> Callable[[Context], Awaitable[None]]:
    async def typed_answer(ctx: Context) -> None:
        """Text or a contact where a question of this flow waits (Run.typed)."""
        run = await open_run(ctx, flow, str(ctx.data.get("scope", "")))
        if run is not None:
            await run.typed()

    return typed_answer
