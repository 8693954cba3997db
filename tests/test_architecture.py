"""The layout's house rules (README: How the code is laid out).

import-linter (pyproject, run by .ci/run and here) holds the layers; these tests add what it
does not check: no import cycle at all, few loose modules, and what the command line loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"  # the venv's console script
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout


def test_no_import_cycles_among_the_projects_modules() -> None:
    graph = grimp.build_graph("bot", cache_dir=None)  # imports inside functions included
    cycles = [scc for scc in _strongly_connected(graph) if len(scc) > 1]
    assert not cycles


def test_few_modules_loose_at_the_top_of_bot() -> None:
    loose = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(loose) <= 4, loose


def test_the_command_line_on_a_file_loads_no_slack_server_or_queue(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The council met on Monday.\n\nIt approved the budget.\n")
    probe = (
        "import sys, json\n"
        "from bot.cli import main\n"
        f"main([{str(story)!r}, '--json'])\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:HashingEncoder"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = {name.split(".")[0] for name in json.loads(result.stderr)}
    assert not loaded & {"slack_bolt", "slack_sdk", "waitress", "rq", "redis", "httpx"}


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm over the module graph (iterative: the graph is small but deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child)
                    work.append((child, iter(sorted(imported))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert [scc for scc in _strongly_connected(graph) if len(scc) > 1] == [{"p.a", "p.b", "p.c"}]
