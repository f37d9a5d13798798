"""The import rule between the stages (see docs/architecture.md).

corpus imports none of ours; crawler and analysis import corpus only, never each other;
dashboard reads through corpus; only the nhscuts command line may import them all.
"""

import ast

import pytest

from tests.conftest import REPO

OURS = {"corpus", "crawler", "analysis", "dashboard", "nhscuts"}
ALLOWED = {
    "corpus": {"corpus"},
    "crawler": {"crawler", "corpus"},
    "analysis": {"analysis", "corpus"},
    "dashboard": {"dashboard", "corpus"},
    "nhscuts": OURS,
}


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in OURS:
                yield node.lineno, top


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_layering_allows(package):
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    violations = [
        f"{path.relative_to(REPO)}:{line} imports {top}"
        for path in files
        for line, top in imported_packages(path)
        if top not in ALLOWED[package]
    ]
    assert violations == []
