"""axe-core in a real Chromium: the accessibility rules we hold every page to."""

from __future__ import annotations

import json
import pathlib

AXE_PATH = pathlib.Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(
            f"{AXE_PATH} is missing: run `npm ci` in the repository root (scripts/test.sh does)."
        )
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page, context: str | None = None) -> list[dict]:
    """Run axe on the page (or a CSS selector inside it) and return its WCAG 2.1 A/AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    """Readable assertion message: rule, impact and the offending HTML."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['html'][:200]}")
    return "\n".join(lines) or json.dumps(violations)


def assert_no_axe_violations(page, context: str | None = None) -> None:
    violations = axe_violations(page, context)
    assert not violations, format_violations(violations)
