"""Finds texts that would reach a user untranslated: code ids missing from a catalog, content texts
missing from the English catalogs, and translations whose {placeholders} differ."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.extract import extract_from_dir

from bot.content import Content
from bot.core.i18n import LOCALES

# The calls that take a catalog id, and which argument it is (ctx.reply, ctx.button, t, N_, show_menu…).
KEYWORDS = {"t": (1,), "N_": (1,), "reply": (1,), "button": (1,), "show_menu": (2,), "show_summary": (2,)}
CODE_DIRS = ("bot", "handlers")
_PLACEHOLDER = re.compile(r"{(\w+)}")
# Jinja templates of the web console call the same translator: {{ t("web.nav_inbox") }}.
TEMPLATE_DIRS = ("bot/web/templates",)
_TEMPLATE_CALL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']\s*[,)]""")
_ROOT = Path(__file__).resolve().parents[2]  # the checkout: bot/ and handlers/ live here


def code_msgids(root: Path = _ROOT) -> dict[str, str]:
    """{msgid: "file:line"} for every catalog id used in code."""
    found: dict[str, str] = {}
    for folder in CODE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root / folder, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder}/{filename}:{lineno}")
    for folder in TEMPLATE_DIRS:
        for path in sorted((root / folder).glob("*.html")):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for msgid in _TEMPLATE_CALL.findall(line):
                    found.setdefault(msgid, f"{folder}/{path.name}:{lineno}")
    return found


def missing_translations(content: Content, catalogs: Mapping[str, Mapping[str, str]],
                         texts: Iterable[str] = ()) -> list[str]:
    """Every problem found; `texts`: content texts that live outside content/ (the evidence topics of
    bot/forms/topics.py, which a floor this low cannot import: the caller passes them)."""
    problems: list[str] = []
    for msgid, where in sorted(code_msgids().items()):
        for locale in LOCALES:
            if not catalogs.get(locale, {}).get(msgid):
                problems.append(f"{where}: id {msgid!r} has no {locale} translation")
        vi, en = catalogs.get("vi", {}).get(msgid), catalogs.get("en", {}).get(msgid)
        if vi and en and set(_PLACEHOLDER.findall(vi)) != set(_PLACEHOLDER.findall(en)):
            problems.append(f"{where}: id {msgid!r}: vi and en use different {{placeholders}}")
    english = catalogs.get("en", {})
    for text in sorted(content.texts() | set(texts)):
        if not english.get(text):
            problems.append(f"content: text {text[:60]!r} has no en translation (content/locale/en/LC_MESSAGES/content_*.po)")
    return problems
