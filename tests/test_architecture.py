"""House rules that keep the engine reusable: core/ imports nothing from Slack, HTTP or the CLI."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "bot" / "core"
FORBIDDEN = (
    "slack_bolt",
    "slack_sdk",
    "slack",
    "httpx",
    "waitress",
    "bot.cli",
    "bot.slack.app",
    "bot.slack.listeners",
    "bot.links",
    "bot.render",
)


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_slack_http_or_edges():
    offenders = {
        f"{path.name}: {name}"
        for path in CORE.glob("*.py")
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not offenders


def test_the_rule_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from slack_sdk import WebClient\n")
    assert "slack_sdk" in imported_modules(sample)
