"""The apps depend one way: programs → exercises → clinic.

The project's root (settings and the root URLconf, which live in clinic/) may import any app;
nothing else in clinic/ imports exercises or programs, and nothing in exercises/ imports
programs.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_ROOT_MODULES = {"clinic/urls.py", "clinic/settings.py"}
FORBIDDEN = {"clinic": {"exercises", "programs"}, "exercises": {"programs"}}


def imported_apps(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth (function-level imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules_of(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in PROJECT_ROOT_MODULES
    ]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_apps_import_only_the_apps_below_them(app):
    breaches = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & FORBIDDEN[app])
        for path in modules_of(app)
        if imported_apps(path) & FORBIDDEN[app]
    }
    assert breaches == {}


def test_the_rule_sees_a_breach(tmp_path):
    module = tmp_path / "breach.py"
    module.write_text("def f():\n    from programs.models import Program\n")
    assert imported_apps(module) & FORBIDDEN["clinic"] == {"programs"}
