"""The app's accessibility tree as a screen reader really gets it: the app as a real process under Xvfb and
openbox, on a private D-Bus session with at-spi2-core, its tree read through AT-SPI with pyatspi (the system
python3), driven by real X key events (xdotool).  A session a user wrote, with a caution and equipment.

Asserted on Home, after Tab and arrow keys, in a session, paused, at a caution and on History: the roles
and names, no control without a name, the details' text reachable (the caution said in words), Pause ↔
Resume as a toggle with its pressed state, the caution a dialog.  The stack is tests/a11y_stack.py; with
CI=true a missing part of it is a failure, not a skip."""

from __future__ import annotations

import re

import pytest

from tests.a11y_stack import a11y_stack, atspi_tree, key, need_stack, run_app, stop_app, walk
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

MINE = """format = 1
title = "Aiko's lunch break"
summary = "Two drills between meetings."
[defaults]
get_ready = 3
rest_between_drills = 4
[[drill]]
name = "Desk hip hinge hold"
hold = 13
equipment = ["office chair"]
[[drill]]
name = "Careful roll-down"
reps = 2
caution = "Not on a day your lower back aches."
equipment = ["foam block"]
tempo = [ { phase = "Roll down", seconds = 3 }, { phase = "Roll up", seconds = 3 } ]
"""

# Controls a screen reader lands on: each must say what it is.
CONTROLS = {"push button", "toggle button", "radio button", "check box", "list", "table", "combo box",
            "spin button", "slider", "page tab", "menu item", "dialog"}


def showing(tree: dict) -> list[dict]:
    return [n for n in walk(tree) if "showing" in n["states"]]


def unnamed_controls(tree: dict) -> list[dict]:
    return [{k: n[k] for k in ("role", "states")} for n in showing(tree)
            if n["role"] in CONTROLS and not n["name"].strip()]


def find(tree: dict | None, role: str, name: str | re.Pattern[str]) -> dict | None:
    for n in walk(tree):
        if n["role"] == role and "showing" in n["states"] and (
                n["name"] == name if isinstance(name, str) else name.search(n["name"])):
            return n
    return None


class Probe:
    def __init__(self, env: dict[str, str], pid: int) -> None:
        self.env, self.pid = env, pid
        self.tree: dict | None = None

    def read(self) -> dict | None:
        self.tree = atspi_tree(self.env, self.pid)
        return self.tree

    def until(self, what: str, predicate, limit: float = 40.0) -> dict:
        """Read the tree until ``predicate(tree)`` holds; the tree then."""
        def met():
            tree = self.read()
            return tree if tree is not None and predicate(tree) else None

        return wait_for(met, what, limit=limit, show=lambda: summary(self.tree))

    def has(self, role: str, name: str | re.Pattern[str], limit: float = 40.0) -> dict:
        self.until(f"a showing {role} named {name!r}", lambda t: find(t, role, name) is not None, limit)
        node = find(self.tree, role, name)
        assert node is not None
        return node


def summary(tree: dict | None) -> str:
    if tree is None:
        return "the app is not on the accessibility bus"
    return "\n".join(f"{n['role']}: {n['name'][:70]!r} {n['description'][:70]!r}" for n in showing(tree))[:6000]


@pytest.fixture
def stack(tmp_path):
    need_stack("the AT-SPI tree tests")
    with a11y_stack(tmp_path) as env:
        yield env


def test_the_tree_a_screen_reader_gets_on_home_in_a_session_and_on_history(stack, tmp_path):
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    (data / "sessions" / "aiko.toml").write_text(MINE, encoding="utf-8")
    app = run_app(stack, tmp_path, data=data)
    try:
        probe = Probe(stack, app.pid)
        # Home: the list, the dose, the buttons, each named; the details as text.
        probe.has("list", "Sessions", limit=60)
        probe.until("the user's session to be listed",
                    lambda t: any(n["name"].startswith("Aiko's lunch break") for n in walk(t)), limit=60)
        for role, name in (("radio button", "Low dose"), ("radio button", "High dose"),
                           ("push button", re.compile(r"^Start")), ("push button", re.compile(r"^History"))):
            assert find(probe.tree, role, name) is not None, (role, name, summary(probe.tree))
        assert unnamed_controls(probe.tree) == []

        # Choose it with the keys (↓ moves down the list), and read what it holds.
        for _ in range(8):
            details = find(probe.read(), "label", re.compile(r"^Session details"))
            if details is not None and "Aiko's lunch break" in details["description"]:
                break
            key(stack, "Down")
        details = find(probe.tree, "label", re.compile(r"^Session details"))
        assert details is not None and "Aiko's lunch break" in details["description"], summary(probe.tree)
        said = details["description"]
        for words in ("Two drills between meetings.", "1. Desk hip hinge hold: 13 s",
                      "2. Careful roll-down: 2 reps, caution: Not on a day your lower back aches.",
                      "You need: foam block, office chair"):
            assert words in said, (words, said)
        assert "⚠" not in said

        # Start it from Home (Enter, the list's choice) and read the session screen.
        key(stack, "Return")
        # Pause ↔ Resume: Qt's AT-SPI bridge has no toggle button role: a push button, checkable, checked
        # and pressed while paused.
        pause = probe.has("push button", "Pause")
        assert "checkable" in pause["states"] and not {"checked", "pressed"} & set(pause["states"]), pause
        # The main status (the number): state, drill and time left; the band: the state's words.
        number = probe.has("label", re.compile(r"^Work\. Desk hip hinge hold\. \d+ seconds left$"))
        assert int(number["name"].split()[-3]) <= 13
        assert find(probe.tree, "label", "Work") is not None
        assert unnamed_controls(probe.tree) == [], unnamed_controls(probe.tree)
        # The bars are a picture of the time, not progress bars: Orca would read their percentages out by
        # itself, over what the session says (tests/integration/test_screen_reader.py).
        bars = [n for n in walk(probe.tree) if n["name"] == "step progress"]
        assert bars and all(n["role"] != "progress bar" for n in bars), bars

        key(stack, "space")  # pause: the button says Resume, and is pressed
        resume = probe.has("push button", "Resume")
        assert {"checkable", "checked", "pressed"} <= set(resume["states"]), resume
        paused = probe.has("dialog", "Paused")
        assert any("Desk hip hinge hold" in n["name"] for n in walk(paused) if n["role"] == "label"), paused
        assert unnamed_controls(probe.tree) == []
        key(stack, "space")
        pause = probe.has("push button", "Pause")
        assert not {"checked", "pressed"} & set(pause["states"]), pause

        # The caution: a dialog with its name and its words, its buttons named.
        caution = probe.has("dialog", "Caution before Careful roll-down", limit=60)
        assert caution["description"] == "Not on a day your lower back aches."
        assert any(n["name"] == "Not on a day your lower back aches." for n in walk(caution))
        assert find(probe.tree, "push button", "I have read this, continue") is not None
        assert unnamed_controls(probe.tree) == []

        # End it (Esc asks, E says yes), back to Home, and there Tab and Shift+Tab wherever they go: the tree
        # stays named, and what has focus says what it is.
        key(stack, "Escape")
        probe.has("push button", "End the session")  # the question's yes
        key(stack, "e")
        probe.has("push button", re.compile(r"^Back to home"))
        key(stack, "Return", pause=1.0)  # the done screen's "Back to home"
        probe.has("list", "Sessions")
        for k in ("Tab", "Tab", "Tab", "shift+Tab"):
            key(stack, k)
            tree = probe.read()
            assert unnamed_controls(tree) == [], (k, unnamed_controls(tree))
            focused = [n for n in walk(tree) if "focused" in n["states"]]
            assert all(n["name"].strip() for n in focused), (k, focused)
        key(stack, "ctrl+h", pause=1.0)
        probe.has("table", "Minutes per week, as a table")
        for name in ("Previous month", "Next month"):
            assert find(probe.tree, "push button", name) is not None, (name, summary(probe.tree))
        assert find(probe.tree, "label", re.compile(r"^Run details")) is not None
        assert unnamed_controls(probe.tree) == [], unnamed_controls(probe.tree)
    finally:
        stop_app(app)
