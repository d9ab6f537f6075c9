"""The flow diagrams in docs/flows are drawn from the declarations; a changed declaration or content without
regenerated diagrams fails here (fix: `ocop-bot diagrams`)."""

from __future__ import annotations

from pathlib import Path

from bot.cli.diagrams import DOCS, main


def test_committed_diagrams_match_the_declarations() -> None:
    assert main(["--check"]) == 0, "docs/flows is stale: run ocop-bot diagrams"


def test_every_flow_and_every_score_sheet_has_a_diagram() -> None:
    names = {p.name for p in DOCS.glob("*.md")}
    assert {"README.md", "eligibility.md", "profile.md", "assessment-qd26-2026-I.3.c.md"} <= names
    assert "```mermaid" in (DOCS / "eligibility.md").read_text(encoding="utf-8")


def test_a_stale_diagram_is_reported(tmp_path: Path) -> None:
    assert main(["--dir", str(tmp_path)]) == 0
    (tmp_path / "profile.md").write_text("drawn by hand\n", encoding="utf-8")
    assert main(["--check", "--dir", str(tmp_path)]) == 1
