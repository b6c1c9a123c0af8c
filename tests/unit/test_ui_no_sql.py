"""The screens speak to the history only through the history service (app/history.py): no module under
hinge_timer/ui imports sqlite3 (at the top or inside a function) or runs SQL on a connection itself."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).parents[2] / "hinge_timer" / "ui"
SQL_CALLS = {"execute", "executemany", "executescript"}


def sqlite_uses(source: str, name: str = "<ui>") -> list[str]:
    """Every import of sqlite3 and every call of a connection's execute* in ``source``, with its line."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name == "sqlite3" or a.name.startswith("sqlite3.") or a.name == "_sqlite3"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            if node.module == "sqlite3" or node.module.startswith("sqlite3.") or node.module == "_sqlite3":
                found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SQL_CALLS:
                found.append(f"line {node.lineno}: .{func.attr}(...)")
            elif isinstance(func, ast.Name) and func.id == "__import__" and node.args \
                    and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("sqlite3"):
                found.append(f"line {node.lineno}: __import__({node.args[0].value!r})")
    return found


def test_no_module_under_ui_imports_sqlite3_or_runs_sql():
    files = sorted(UI.rglob("*.py"))
    assert len(files) >= 5  # the folder is where this test thinks it is
    offenders = {str(f.relative_to(UI)): uses for f in files if (uses := sqlite_uses(f.read_text("utf-8"), str(f)))}
    assert offenders == {}, offenders


def test_the_check_sees_imports_inside_functions_and_sql_calls():
    probe = (
        "def reads(conn):\n"
        "    import sqlite3\n"
        "    return conn.execute('SELECT 1')\n"
        "class Screen:\n"
        "    def load(self):\n"
        "        from sqlite3 import connect\n"
        "        import sqlite3.dbapi2 as d\n"
        "        __import__('sqlite3')\n"
        "        self.conn.executescript('')\n"
    )
    assert sqlite_uses(probe) == [
        "line 2: import sqlite3", "line 3: .execute(...)", "line 6: from sqlite3 import ...",
        "line 7: import sqlite3.dbapi2", "line 8: __import__('sqlite3')", "line 9: .executescript(...)"]
    assert sqlite_uses("from ..store import history\nimport sqlite3x\n") == []
