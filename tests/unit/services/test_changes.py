"""Every service that emits events commits through services/changes.py (checked in the source:
the guard in changes.py catches what slips through at run time, and the suite fails on it)."""

import ast
from pathlib import Path

import kiko_livechat.services as services

SERVICES = Path(services.__file__).parent


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else ast.unparse(func))
    return names


def test_no_service_that_emits_events_commits_around_the_step():
    offenders = []
    for path in sorted(SERVICES.glob("*.py")):
        calls = _calls(ast.parse(path.read_text()))
        if "emit" in calls and "session.commit" in calls:
            offenders.append(path.name)
    assert offenders == [], f"use changes.commit(session) in {offenders}"
