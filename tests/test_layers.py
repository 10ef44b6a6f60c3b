"""The house's shape, read from the code itself: layers that point one way (etl <- analytics <-
dashboard, tools and the command line on top), no two modules that import each other, and no
district name written into the code (it comes from district.toml)."""
import ast
from pathlib import Path

import pytest

from support import ROOT

PACKAGES = ("etl", "analytics", "dashboard", "tools")
COMMAND_LINE = {"etl.cli", "etl.__main__"}
DISTRICT_NAME = "平城区"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _code_files() -> dict[str, Path]:
    files = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    files["dashboard_entry"] = ROOT / "dashboard.py"  # `streamlit run dashboard.py`
    return files


MODULES = _code_files()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The project modules an import statement names."""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    names = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return names or [base]


def imports_of(module: str) -> set[str]:
    path = MODULES[module]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found |= set(_resolve(module, path, node))
    return {name for name in found if name.split(".")[0] in PACKAGES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def _layer(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "etl" and m not in COMMAND_LINE))
def test_etl_stands_on_nothing_above_it(module):
    above = {name for name in GRAPH[module] if _layer(name) in ("analytics", "dashboard", "tools")}
    assert not above, f"{module} imports {sorted(above)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "analytics"))
def test_analytics_knows_no_dashboard_and_no_tools(module):
    above = {name for name in GRAPH[module] if _layer(name) in ("dashboard", "tools")}
    assert not above, f"{module} imports {sorted(above)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "dashboard"))
def test_the_dashboard_does_not_import_tools(module):
    assert not {name for name in GRAPH[module] if _layer(name) == "tools"}


def test_nothing_imports_the_command_line():
    importers = {m for m, names in GRAPH.items() if names & COMMAND_LINE and m not in COMMAND_LINE}
    assert not importers


def test_no_two_modules_import_each_other():
    pairs = {tuple(sorted((a, b))) for a, names in GRAPH.items() for b in names if a in GRAPH.get(b, ())}
    assert not pairs


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_district_name_in_the_code(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    named = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and DISTRICT_NAME in node.value and id(node) not in docs]
    assert not named, f"{module} names the district on lines {named}: take it from district.toml"


def test_the_walk_sees_real_imports():
    """The checks above would pass on an empty graph: make sure they read the code."""
    assert "etl.knowledge" in GRAPH["etl.split"] and "etl.store.schema" in GRAPH["etl.store.write"]
    assert "analytics.filters" in GRAPH["analytics.queries"] and "dashboard.app" in GRAPH["dashboard_entry"]
    assert "dashboard.data" in GRAPH["dashboard.charts"]
