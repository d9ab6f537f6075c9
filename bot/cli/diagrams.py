"""Mermaid diagrams of every questionnaire, drawn from the flow declarations (bot/core/flows.py), never by hand.

`ocop-bot diagrams` writes docs/flows/<flow>.md (one file per form a flow takes: one per score
sheet for the self-assessment) and docs/flows/README.md; `--check` writes nothing and exits 1 when a
committed file differs (tests/test_flow_diagrams.py runs it, so a changed declaration or content needs the
diagrams regenerated in the same commit).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.content import DEFAULT_ROOT, Content, load_content
from bot.core.flows import Flow, Msg, Question, Text, check
from bot.core.i18n import I18n, Translator

DOCS = Path(__file__).resolve().parents[2] / "docs" / "flows"
LABEL_LIMIT = 70


def _escape(text: str, limit: int = LABEL_LIMIT) -> str:
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _text(t: Translator, text: Text) -> str:
    return t(text.id) if isinstance(text, Msg) else str(text)


def mermaid(questions: Sequence[Question], t: Translator) -> str:
    """A top-down flowchart: a node per question (options listed), a diamond before each question asked only
    under a condition, labelled edges for branches and for the answers that end the flow."""
    node = {q.id: f"q{i}" for i, q in enumerate(questions)}
    index = {q.id: i for i, q in enumerate(questions)}

    def entry(i: int) -> str:
        """Where the walk arrives at question i: its condition first, when it has one."""
        if i >= len(questions):
            return "done"
        return f"c{i}" if questions[i].when else node[questions[i].id]

    lines = ["flowchart TD", f"  start([start]) --> {entry(0)}"]
    for i, question in enumerate(questions):
        kind = "" if question.kind == "choice" else f" ({question.kind})"
        label = [f"<b>{_escape(question.id)}</b>{kind}{'' if question.counted else ' · not counted'}",
                 _escape(_text(t, question.prompt))]
        label += [f"• {_escape(_text(t, o.label), 45)}{' ⟨' + ', '.join(w.describe() for w in o.when) + '⟩' if o.when else ''}"
                  for o in question.options[:8]]
        if len(question.options) > 8:
            label.append(f"… {len(question.options) - 8} more")
        if question.note:
            label.append(f"<i>{_escape(question.note, 120)}</i>")
        if question.skip:
            label.append(f"<i>skip: {_escape(t(question.skip))}</i>")
        lines.append(f'  {node[question.id]}["{"<br/>".join(label)}"]')
        if question.when:
            condition = " and ".join(w.describe() for w in question.when)
            lines.append(f'  c{i}{{"{_escape(condition)}"}}')
            lines.append(f"  c{i} -->|yes| {node[question.id]}")
            lines.append(f"  c{i} -->|no| {entry(i + 1)}")
        for option in question.options:
            if option.ends:
                lines.append(f'  {node[question.id]} -->|"{_escape(_text(t, option.label), 30)}"| ended([ends the flow])')
            elif option.goto in index:
                lines.append(f'  {node[question.id]} -->|"{_escape(_text(t, option.label), 30)}"| {entry(index[option.goto])}')
        lines.append(f"  {node[question.id]} --> {entry(i + 1)}")
    lines.append("  done([finish])")
    return "\n".join(lines) + "\n"


def _summary(flow: Flow, questions: Sequence[Question], t: Translator) -> str:
    after = {"next": "the next question in order (answered ones show their answer)",
             "first_unanswered": "the first question not yet answered"}[flow.after_answer]
    parts = [f"Flow `{flow.name}`: {len(questions)} questions, {sum(q.counted for q in questions)} counted in the "
             f"progress. After an answer: {after}.",
             f"Back: \"{t(flow.back)}\"." if flow.back else "No Back button.",
             "Changing one earlier answer returns to where the flow says (`after_change`)." if flow.after_change else "",
             "Generated from the declaration by `ocop-bot diagrams`; do not edit by hand."]
    return " ".join(p for p in parts if p)


def documents(flows: Sequence[Flow], content: Content, t: Translator) -> dict[str, str]:
    """{file name: markdown} for every variant of every flow, plus the index."""
    files: dict[str, str] = {}
    index = ["# Questionnaire flows", "",
             "Generated from the flow declarations by `ocop-bot diagrams`; do not edit by hand.", "",
             "Each questionnaire is a `Flow` declaration (bot/core/flows.py) that one runner walks: questions as",
             "values (kind, options, a `When` condition, an option's `goto` branch or `ends`), answers kept where",
             "the flow's `open`/`save` say. To add one: declare its questions (or build them from content), give",
             "`open`, `save`, `finish`, call `flow_buttons.register(router, FLOW)`, list it in `handlers.flows()`, and",
             "run `ocop-bot diagrams`.", ""]
    for flow in flows:
        for name, title, questions in (flow.variants(content) if flow.variants else ()):
            problems = check(questions, extra_keys=("group", "case", "set_fixed", *flow.facts))
            if problems:
                raise ValueError(f"flow {flow.name} ({name}): " + "; ".join(problems))
            files[f"{name}.md"] = f"# {title}\n\n{_summary(flow, questions, t)}\n\n```mermaid\n{mermaid(questions, t)}```\n"
            index.append(f"- [{title}]({name}.md)")
    files["README.md"] = "\n".join(index) + "\n"
    return files


def declared_flows() -> list[Flow]:
    from handlers import flows

    return flows()


def add_commands(commands: Any) -> None:
    """Add `diagrams` to the `ocop-bot` parser."""
    parser = commands.add_parser("diagrams", help="write the flow diagrams of docs/flows from the declarations",
                                 description=__doc__.splitlines()[0])
    _arguments(parser)
    parser.set_defaults(func=lambda args: run(args))


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/flows is stale; write nothing")
    parser.add_argument("--dir", type=Path, default=DOCS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ocop-bot diagrams", description=__doc__.splitlines()[0])
    _arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    t = I18n(DEFAULT_ROOT / "locale").translator("vi")
    files = documents(declared_flows(), load_content(), t)
    stale = sorted(name for name, text in files.items()
                   if not (args.dir / name).exists() or (args.dir / name).read_text(encoding="utf-8") != text)
    extra = sorted(p.name for p in args.dir.glob("*.md") if p.name not in files) if args.dir.exists() else []
    if args.check:
        for name in stale + extra:
            print(f"{args.dir / name}: stale; run ocop-bot diagrams", file=sys.stderr)
        return 1 if stale or extra else 0
    args.dir.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.dir / name).write_text(files[name], encoding="utf-8")
    for name in extra:
        (args.dir / name).unlink()
    print(f"{len(files)} files in {args.dir} ({len(stale)} written, {len(extra)} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
