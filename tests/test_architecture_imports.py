"""Imports run one way: the site apps on top of the domain apps, on top of
``bri_tracker``'s base layer (README, "Where things are").

Every ``import`` in every module of the project's apps is read with ``ast``,
function-level ones included: an import inside a function does not dodge
the rule. The two places allowed to look upward are the root URLconf and
``AppConfig.ready``.
"""

import ast
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings

# Lowest first: an app may import its own modules and those of the layers
# below it, never one above. Nothing imports the dashboard (the top).
LAYERS = [
    "bri_tracker",
    "sources",
    "countries",
    "projects",
    "corrections",
    "explorer",
    "opendata",
    "api",
    "dashboard",
]
# Modules that may look upward, and why.
ROOF = {
    "bri_tracker.urls": "the root URLconf includes every site app's URLs",
}
ROOT = Path(settings.BASE_DIR)


class Import(NamedTuple):
    module: str  # the importing module, dotted
    imported: str  # the imported module, dotted
    line: int
    in_ready: bool  # inside an AppConfig.ready method


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _imports(path: Path):
    module = _dotted(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ready_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            ready_lines.update(range(node.lineno, node.end_lineno + 1))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [_resolve(module, node, path.name == "__init__.py")]
        else:
            continue
        for name in names:
            yield Import(module, name, node.lineno, node.lineno in ready_lines)


def _project_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _layer(dotted: str) -> int | None:
    top = dotted.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def violations() -> list[str]:
    found = []
    for path in _project_modules():
        for item in _imports(path):
            own, other = _layer(item.module), _layer(item.imported)
            if other is None or other <= own:
                continue
            if item.module in ROOF or (item.in_ready and item.module.endswith("apps")):
                continue
            found.append(
                f"{item.module}:{item.line} imports {item.imported} "
                f"({LAYERS[own]} may not import {LAYERS[other]})"
            )
    return found


def test_imports_run_one_way():
    assert violations() == []


def test_the_walker_sees_every_app_and_function_level_imports():
    modules = {_dotted(path) for path in _project_modules()}
    assert {"sources.models", "explorer.views.projects", "dashboard.data"} <= modules
    countries_apps = next(
        i
        for i in _imports(ROOT / "countries" / "apps.py")
        if i.imported.startswith("countries")
    )
    assert countries_apps.in_ready


@pytest.mark.parametrize(
    ("module", "code", "expected"),
    [
        ("sources.models", "from projects.models import Observation", 1),
        ("countries.models", "def f():\n    from projects import models", 1),
        ("projects.signals", "from dashboard.data import dashboard_data", 1),
        ("explorer.views", "import dashboard.charts", 1),
        ("dashboard.views", "from explorer.charts import MARKERS", 0),
        ("projects.models", "from . import formatting", 0),
        ("explorer.views.projects", "from ..charts import metric_chart", 0),
    ],
)
def test_the_rule_catches_an_upward_import(
    tmp_path, monkeypatch, module, code, expected
):
    parts = module.split(".")
    path = tmp_path.joinpath(*parts[:-1], f"{parts[-1]}.py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "_project_modules", lambda: [path])
    assert len(violations()) == expected, violations()
