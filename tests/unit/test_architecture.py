"""The architecture, enforced: the core does not load Qt, the layers import only downwards, no module
imports another in a circle, and every colour is named in ui/theme.py.

The import-linter contracts live in pyproject.toml. A contract that a probe cannot break is not a contract,
so each is run against a copy of the package with a forbidden import added, and must fail and say where.
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO

PACKAGE = REPO / "hinge_timer"


def test_core_imports_no_qt():
    code = (
        "import sys\n"
        "import hinge_timer.session.load, hinge_timer.session.timeline\n"
        "import hinge_timer.engine.runner, hinge_timer.engine.clock, hinge_timer.engine.events\n"
        "import hinge_timer.store.db, hinge_timer.store.recorder, hinge_timer.store.history\n"
        "import hinge_timer.safeio, hinge_timer.plaintext, hinge_timer.settings, hinge_timer.kiosk.config\n"
        "import hinge_timer.figure.motion, hinge_timer.figure.movement, hinge_timer.figure.body\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith('hinge_timer.qt'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""


def test_plan_and_validate_run_without_loading_qt():
    code = (
        "import sys, io, contextlib\n"
        "from hinge_timer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['plan', 'quick-warm-up']) == 0\n"
        "print('PySide6' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


# -- the import-linter contracts, and probes that must break them ----------------------------------------


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def core_layer() -> set[str]:
    """The modules of the layers contract's bottom layer, as full names (optional ones included)."""
    layers = contracts()["layers"]
    (container,) = layers["containers"]
    bottom = layers["layers"][-1]
    return {f"{container}.{tail.strip().strip('()')}" for tail in re.split(r"[:|]", bottom)}


def test_the_qt_contract_covers_exactly_the_core_layer():
    """Whatever the layers contract calls the core (settings too) may not import Qt, and nothing else."""
    forbidden = contracts()["core-no-qt"]
    existing = {m for m in core_layer() if (REPO / Path(*m.split("."))).exists()
                or (REPO / Path(*m.split("."))).with_suffix(".py").exists()}
    assert set(forbidden["source_modules"]) == existing
    assert "hinge_timer.settings" in existing
    assert {"PySide6", "shiboken6"} <= set(forbidden["forbidden_modules"])


def copy_of_package(tmp_path: Path) -> Path:
    """hinge_timer and pyproject.toml, copied into a folder of their own."""
    root = tmp_path / "copy"
    shutil.copytree(PACKAGE, root / "hinge_timer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def lint_imports(root: Path, contract: str) -> tuple[int, str]:
    """lint-imports on the copy in ``root`` (its own config, the copy first on the path): exit code, output."""
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}
    where = subprocess.run([sys.executable, "-c", "import hinge_timer; print(hinge_timer.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(root), "the copy is not the hinge_timer that is checked"
    run = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    out = subprocess.run([sys.executable, "-c", run, "--no-cache", "--no-logo", "--contract", contract,
                          "pyproject.toml"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    return out.returncode, out.stdout + out.stderr


@pytest.mark.parametrize("contract", ["core-no-qt", "layers"])
def test_the_package_keeps_each_contract(tmp_path, contract):
    code, output = lint_imports(copy_of_package(tmp_path), contract)
    assert code == 0, output


# (contract, file in the copy, the line added to it, the rule the contract must say is broken, and the import)
PROBES = [
    ("core-no-qt", "settings.py", "import PySide6",
     "hinge_timer.settings is not allowed to import PySide6", "hinge_timer.settings -> PySide6"),
    ("core-no-qt", "store/db.py", "def _probe():\n    from PySide6 import QtCore\n",
     "hinge_timer.store is not allowed to import PySide6", "hinge_timer.store.db -> PySide6"),
    ("core-no-qt", "engine/runner.py", "import shiboken6",
     "hinge_timer.engine is not allowed to import shiboken6", "hinge_timer.engine.runner -> shiboken6"),
    ("core-no-qt", "figure/motion.py", "def _probe():\n    from PySide6.QtGui import QPainter\n",
     "hinge_timer.figure is not allowed to import PySide6", "hinge_timer.figure.motion -> PySide6"),
    ("layers", "session/model.py", "import hinge_timer.ui",
     "hinge_timer.session is not allowed to import hinge_timer.ui", "hinge_timer.session.model -> hinge_timer.ui"),
    ("layers", "settings.py", "def _probe():\n    from hinge_timer.qt import post\n",
     "hinge_timer.settings is not allowed to import hinge_timer.qt", "hinge_timer.settings -> hinge_timer.qt.post"),
    ("layers", "qt/driver.py", "from hinge_timer.ui import widgets",
     "hinge_timer.qt is not allowed to import hinge_timer.ui", "hinge_timer.qt.driver -> hinge_timer.ui.widgets"),
    ("layers", "app/__init__.py", "from hinge_timer.ui import theme",
     "hinge_timer.app is not allowed to import hinge_timer.ui", "hinge_timer.app -> hinge_timer.ui.theme"),
    ("layers", "qt/post.py", "def _probe():\n    import hinge_timer.app\n",
     "hinge_timer.qt is not allowed to import hinge_timer.app", "hinge_timer.qt.post -> hinge_timer.app"),
    ("layers", "ui/widgets.py", "from hinge_timer import cli",
     "hinge_timer.ui is not allowed to import hinge_timer.cli", "hinge_timer.ui.widgets -> hinge_timer.cli"),
    ("layers", "terminal.py", "from hinge_timer.ui import theme",
     "hinge_timer.terminal is not allowed to import hinge_timer.ui", "hinge_timer.terminal -> hinge_timer.ui.theme"),
]


@pytest.mark.parametrize(("contract", "file", "probe", "rule", "chain"), PROBES,
                         ids=[f"{p[0]}:{p[1]}" for p in PROBES])
def test_a_probe_import_breaks_the_contract(tmp_path, contract, file, probe, rule, chain):
    root = copy_of_package(tmp_path)
    target = root / "hinge_timer" / file
    assert target.is_file()
    target.write_text(target.read_text(encoding="utf-8") + f"\n{probe}\n", encoding="utf-8")
    code, output = lint_imports(root, contract)
    assert code != 0 and "BROKEN" in output, output
    assert re.search(rf"^{re.escape(rule)}:$", output, re.MULTILINE), output
    assert re.search(rf"^-?\s*{re.escape(chain)} \(l\.\d+\)$", output, re.MULTILINE), output


def test_a_new_top_level_module_must_be_given_a_layer(tmp_path):
    root = copy_of_package(tmp_path)
    (root / "hinge_timer" / "newcomer.py").write_text('"""A module nobody placed."""\n', encoding="utf-8")
    code, output = lint_imports(root, "layers")
    assert code != 0 and "- hinge_timer.newcomer" in output, output


# -- no import cycles ----------------------------------------------------------------------------------------


def import_graph() -> grimp.ImportGraph:
    """Every import between hinge_timer's modules, those inside functions and under TYPE_CHECKING included."""
    return grimp.build_graph("hinge_timer", cache_dir=None)


def circles(imports: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of modules that import one another in a circle (Tarjan's strongly connected components
    of two or more modules, or a module that imports itself), each sorted, in name order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(sorted(imports.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in imports.get(node, ()):
                        found.append(sorted(group))
    return sorted(found)


def test_circles_finds_every_group_of_modules_in_a_circle():
    imports = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set(), "g": {"a"},
               "h": {"h"}, "i": {"j"}, "j": {"k"}, "k": {"i", "a"}}
    assert circles(imports) == [["a", "b"], ["c", "d", "e"], ["h"], ["i", "j", "k"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    # cli imports the window only inside the functions that open it (docs/PERFORMANCE.md).
    details = graph.get_import_details(importer="hinge_timer.cli", imported="hinge_timer.ui.app")
    assert details and all(d["line_contents"].startswith("from .ui.app import") for d in details)
    assert not any(line.startswith("from .ui") for line in (PACKAGE / "cli.py").read_text().splitlines())


def test_no_module_imports_another_in_a_circle():
    graph = import_graph()
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    problems = []
    for group in circles(imports):
        members = set(group)
        lines = [f"{importer} -> {imported} (l.{d['line_number']}: {d['line_contents']})"
                 for importer in group for imported in sorted(imports[importer] & members)
                 for d in graph.get_import_details(importer=importer, imported=imported)]
        problems.append(f"{', '.join(group)} import one another:\n    " + "\n    ".join(lines))
    assert problems == [], "\n".join(problems)


# -- every colour in ui/theme.py -------------------------------------------------------------------------------

HEX = re.compile(r"#(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})(?![0-9A-Za-z_])")
FUNCTION = re.compile(r"\b(?:rgba?|hsla?|hsva?)\s*\(", re.IGNORECASE)
NAMED = re.compile(r"(?:color|background|border)[\w-]*\s*:[^;{}]*\b(?:white|black|red|green|blue|gr[ae]y|yellow"
                   r"|orange|purple|pink|brown|cyan|magenta)\b", re.IGNORECASE)
COLOUR_CALLS = {"QColor", "fromRgb", "fromRgbF", "fromRgba", "fromHsv", "fromHsvF", "fromHsl", "fromHslF",
                "fromString", "fromCmyk"}


def colours_in(source: str) -> list[tuple[int, str]]:
    """Each colour written out in ``source``: (line, what), from its string literals and its calls."""
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING:
            for pattern in (HEX, FUNCTION, NAMED):
                found += [(tok.start[0] + tok.string.count("\n", 0, m.start()), m.group(0))
                          for m in pattern.finditer(tok.string)]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in COLOUR_CALLS and any(isinstance(a, ast.Constant) for a in node.args):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and node.attr == "GlobalColor":
            found.append((node.lineno, ast.unparse(node)))
    return sorted(set(found))


def test_colours_in_finds_each_way_of_writing_a_colour():
    source = ('a = QColor("#E69F00")\n'
              'b = f"color: #ffffff; font-size: {px}px;"\n'
              'c = "background-color: rgba(10, 12, 14, 215);"\n'
              'd = QtGui.QColor(255, 0, 0)\n'
              'e = Qt.GlobalColor.white\n'
              'f = "QLabel { border: 1px solid grey; }"\n'
              'g = QColor.fromRgbF(0.1, 0.2, 0.3)\n'
              'h = QColor(theme.TEXT)  # a copy: no colour written here\n'
              'i = "#state_band { padding: 2px; }"  # an object name, not a colour\n')
    assert [line for line, _ in colours_in(source)] == [1, 1, 2, 3, 4, 5, 6, 7]


def test_every_colour_is_named_in_the_theme():
    theme = PACKAGE / "ui" / "theme.py"
    outside = [f"{path.relative_to(REPO)}:{line}: {what}"
               for path in sorted(PACKAGE.rglob("*.py")) if path != theme
               for line, what in colours_in(path.read_text(encoding="utf-8"))]
    assert outside == []
    assert len(colours_in(theme.read_text(encoding="utf-8"))) >= 8  # the palette is there


def test_text_scales_by_one_rule():
    """``theme.scaled_px`` is the one place that says how text grows with the window (its height, or
    three quarters of its width when that is less)."""
    rule = re.compile(r"width\(\)\s*\*\s*0?\.75|width\(\)\s*\*\s*3\s*/\s*4")
    theme = PACKAGE / "ui" / "theme.py"
    copies = [f"{path.relative_to(REPO)}:{n}" for path in sorted(PACKAGE.rglob("*.py")) if path != theme
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if rule.search(line)]
    assert copies == []
    assert len(rule.findall(theme.read_text(encoding="utf-8"))) == 1
