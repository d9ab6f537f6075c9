"""What a handler gets (Context) and how handlers are registered (Router).

A handler is a small `async def name(ctx) -> None`: it reads the inbound message, the user, the
profile and the conversation state, changes what it must through the repositories, and adds
replies with `ctx.reply(...)`. It never sends anything itself: the engine commits, then sends.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.messages import DEFAULT_LIMITS, Attachment, Button, Inbound, Kind, Limits, Outgoing

if TYPE_CHECKING:
    from bot.content import Content
    from bot.core.config import Settings
    from bot.core.i18n import I18n, Translator
    from db.models import ConversationState, Profile, User
    from db.repositories import Repositories

Handler = Callable[["Context"], Awaitable[None]]
Guard = Callable[["Context"], bool]
"""Checked before every handler of a guarded router: True lets the handler run; False means the guard has
already answered (a polite refusal) and the handler does not run."""

def payload(*parts: object, limit: int = DEFAULT_LIMITS.payload_bytes) -> str:
    """A namespaced button payload `capability:action:arg`, checked against the platform's byte limit
    (by default the strictest of our platforms, Telegram's 64 bytes of callback_data)."""
    value = ":".join(str(p) for p in parts)
    if len(value.encode("utf-8")) > limit:
        raise ValueError(f"button payload over {limit} bytes: {value!r}")
    return value


@dataclass
class Context:
    inbound: Inbound
    user: User
    profile: Profile | None
    state: ConversationState
    repos: Repositories
    t: Translator
    i18n: I18n
    content: Content
    settings: Settings
    now: datetime
    limits: Limits = DEFAULT_LIMITS  # what the channel of this update allows
    arg: str = ""  # the argument part of a button payload
    replies: list[Outgoing] = field(default_factory=list)
    pushes: list[tuple[int, Outgoing]] = field(default_factory=list)  # (users.id, message) for other users
    forget_user: bool = False  # set by "delete my data": the engine deletes the user after the handler

    # --- replies -------------------------------------------------------------------------------
    def reply(
        self,
        msgid: str,
        *,
        buttons: Sequence[Sequence[Button]] = (),
        request_contact: str = "",
        attachment: Attachment | None = None,
        **values: Any,
    ) -> None:
        """Add a reply rendered from a catalog id in the user's language."""
        self.reply_text(self.t(msgid, **values), buttons=buttons, request_contact=request_contact, attachment=attachment)

    def reply_text(
        self,
        text: str,
        *,
        buttons: Sequence[Sequence[Button]] = (),
        request_contact: str = "",
        attachment: Attachment | None = None,
    ) -> None:
        """Add a reply whose text is already rendered (content text, or several catalog texts joined)."""
        rows = tuple(tuple(row) for row in buttons if row)
        self.replies.append(Outgoing(text=text, buttons=rows, request_contact=request_contact, attachment=attachment))

    def push(self, user_id: int, message: Outgoing) -> None:
        """Send `message` to another user (users.id) once this update is committed; render it in their locale."""
        self.pushes.append((user_id, message))

    def button(self, msgid: str, *payload_parts: object, means: str | None = None, item_number: int | None = None,
               **values: Any) -> Button:
        """A button from a catalog id; `means` (YES/NO) and `item_number` say what typing stands for it
        (messages.Button, bot/core/typed.py)."""
        return Button(label=self.t(msgid, **values), payload=payload(*payload_parts, limit=self.limits.payload_bytes),
                      number=item_number, means=means)

    # --- conversation state ----------------------------------------------------------------------
    def go(self, flow: str | None, step: str | None = None, **data: Any) -> None:
        """Wait for the answer to `flow.step` next; `data` is merged into the flow's saved answers."""
        if flow != self.state.flow and self.state.data:
            self.state.data = {}
        _set_changed(self.state, flow=flow, step=step)
        if data:
            self.remember(**data)

    def remember(self, **data: Any) -> None:
        # JSON columns are only saved when reassigned, never when mutated in place.
        self.state.data = {**(self.state.data or {}), **data}

    def clear_flow(self) -> None:
        _set_changed(self.state, flow=None, step=None, data={})

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.state.data or {})

    @property
    def is_officer(self) -> bool:
        """Checked on the server for every officer action, whatever payload arrived."""
        return self.user.role in ("officer", "admin")

    @property
    def text(self) -> str:
        return self.inbound.text.strip()


@dataclass
class Router:
    """Handlers by what the user did: a command, a button (`capability:action`), an awaited answer."""

    commands: dict[str, Handler] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)
    answers: dict[tuple[str, str], Handler] = field(default_factory=dict)
    kinds: dict[Kind, Handler] = field(default_factory=dict)
    words: dict[str, Handler] = field(default_factory=dict)  # whole typed texts, folded ("dung nhac")
    fallback: Handler | None = None
    guard: Guard | None = None
    """Checked before each of this router's handlers once it is included in another: one place where,
    say, the officer role is checked for every officer route, whatever payload arrived."""

    def command(self, *names: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for name in names:
                _put(self.commands, name, handler)
            return handler

        return register

    def on_words(self, *words: str) -> Callable[[Handler], Handler]:
        """Register a handler for a whole message typed as one of `words` (compared folded: no
        diacritics, lower case), e.g. a stop word; like a command, it works in any flow."""
        from bot.content.text import fold

        def register(handler: Handler) -> Handler:
            for word in {fold(word) for word in words}:  # "dừng nhắc" and "dung nhac" fold alike
                _put(self.words, word, handler)
            return handler

        return register

    def on_button(self, capability: str, action: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _put(self.buttons, f"{capability}:{action}", handler)
            return handler

        return register

    def on_answer(self, flow: str, *steps: str,
                  takes_text: bool | str | Callable[[Context], bool | str] = True) -> Callable[[Handler], Handler]:
        """Register the handler for the answer a flow step waits for; step "*" matches any step.

        `takes_text`: whether typed text is the answer (True: a name, a date; "number": a typed number too,
        so it presses no button), or the step waits for a button (False: text is only matched against the
        buttons shown, typed.py); a function of the context where it depends on the question asked (the
        questionnaire runner)."""

        def register(handler: Handler) -> Handler:
            handler.takes_text = takes_text  # type: ignore[attr-defined]
            for step in steps:
                _put(self.answers, (flow, step), handler)
            return handler

        return register

    def on_kind(self, kind: Kind) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _put(self.kinds, kind, handler)
            return handler

        return register

    def on_free_text(self, handler: Handler) -> Handler:
        if self.fallback is not None:
            raise ValueError("free-text handler registered twice")
        self.fallback = handler
        return handler

    def include(self, others: Iterable[Router]) -> Router:
        for other in others:
            wrap = _guarded(other.guard)
            for key, handler in other.commands.items():
                _put(self.commands, key, wrap(handler))
            for key, handler in other.buttons.items():
                _put(self.buttons, key, wrap(handler))
            for key, handler in other.answers.items():
                _put(self.answers, key, wrap(handler))
            for key, handler in other.kinds.items():
                _put(self.kinds, key, wrap(handler))
            for key, handler in other.words.items():
                _put(self.words, key, wrap(handler))
            if other.fallback is not None:
                self.on_free_text(wrap(other.fallback))
        return self

    def answer_handler(self, flow: str | None, step: str | None) -> Handler | None:
        if not flow:
            return None
        return self.answers.get((flow, step or "")) or self.answers.get((flow, "*"))

    def takes_text(self, ctx: Context) -> bool | str:
        """Whether the step the user is on takes typed text as its answer: True, "number" (typed numbers
        too), or False (no step waits, or it waits for a button); see `on_answer`."""
        handler = self.answer_handler(ctx.state.flow, ctx.state.step)
        takes = getattr(handler, "takes_text", True) if handler is not None else False
        return takes(ctx) if callable(takes) else takes


def _guarded(guard: Guard | None) -> Callable[[Handler], Handler]:
    """Wraps handlers so that `guard` runs first; the identity when there is no guard."""
    if guard is None:
        return lambda handler: handler

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(ctx: Context) -> None:
            if guard(ctx):
                await handler(ctx)

        return checked

    return wrap


def _put(table: dict[Any, Handler], key: Any, handler: Handler) -> None:
    if key in table:
        raise ValueError(f"two handlers for {key!r}")
    table[key] = handler


def _set_changed(row: Any, **values: Any) -> None:
    """Assign only the values that differ: any assignment makes the row dirty, and the flush at commit
    then works through it even when nothing changed (a measurable share of an update's cost)."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
