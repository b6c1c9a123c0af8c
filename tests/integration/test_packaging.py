"""The wheel carries sessions/ and assets/, and an installed copy works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (path,) = out.glob("hinge_timer-*.whl")
    return path


def test_wheel_contains_the_builtin_sessions_and_assets(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for session in ("hip-hinge-mobility.toml", "hip-hinge-basics.toml", "quick-warm-up.toml"):
        assert f"hinge_timer/builtin_sessions/{session}" in names
    assert "hinge_timer/assets/__init__.py" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_copy_runs_from_anywhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(target))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([sys.executable, "-c", "import hinge_timer; print(hinge_timer.__file__)"],
                           capture_output=True, text=True, check=True, cwd=elsewhere, env=env)
    assert where.stdout.strip().startswith(str(target))  # not the checkout
    plan = subprocess.run([sys.executable, "-m", "hinge_timer", "plan", "hip-hinge-mobility"],
                          capture_output=True, text=True, cwd=elsewhere, env=env)
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.rstrip().endswith("Total: 14:09")
