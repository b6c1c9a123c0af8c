"""Shared test set-up: headless Qt, a temporary data folder, built-in timelines."""

from __future__ import annotations

import os

# Qt tests run headless unless a test says otherwise (screenshots use Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests read English unless a test chooses a language (i18n.set_language, --lang): a developer's own
# locale does not change what they see, in this process or in one it starts.
os.environ["LANGUAGE"] = "en"
os.environ["LC_ALL"] = os.environ["LC_MESSAGES"] = "C.UTF-8"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from hinge_timer.session.load import builtin_session, load_session  # noqa: E402
from hinge_timer.session.timeline import Timeline, compile_timeline  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english_again():
    """A test that chose another language leaves the next in English."""
    yield
    from hinge_timer import i18n

    if i18n.language() != "en":
        i18n.set_language("en")


@pytest.fixture(autouse=True)
def _data_dir_in_tmp(tmp_path, monkeypatch):
    """No test (nor a process it starts) writes settings, history or rendered lines into the real user
    data or cache folder."""
    monkeypatch.setenv("HINGE_TIMER_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("HINGE_TIMER_CACHE_DIR", str(tmp_path / "default-cache"))  # rendered lines too
    monkeypatch.setenv("HINGE_TIMER_SITE_CONFIG", str(tmp_path / "no-site-config.toml"))  # not /etc/xdg


@pytest.fixture
def mobility() -> Timeline:
    return compile_timeline(load_session(builtin_session("hip-hinge-mobility")), "low")


@pytest.fixture
def write_session(tmp_path: Path):
    """Write TOML text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "s.toml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write
