"""The command line: validate, plan, schema; exit codes and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hinge_timer.cli import build_parser, main
from hinge_timer.session.model import json_schema
from tests.conftest import REPO


def test_validate_good_files_exit_0(capsys):
    files = sorted(str(p) for p in (REPO / "sessions").glob("*.toml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == 3


def test_validate_reports_every_bad_file_and_exits_1(write_session, capsys):
    bad1 = write_session('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhold = "two minutes"\n', "a.toml")
    bad2 = write_session("format = 1\ntitle = \n", "b.toml")
    good = REPO / "sessions" / "quick-warm-up.toml"
    assert main(["validate", str(bad1), str(good), str(bad2)]) == 1
    captured = capsys.readouterr()
    assert f"{bad1}:5: drill[1].hold: expected seconds" in captured.err
    assert f"{bad2}:2: is not valid TOML" in captured.err
    assert f"{good}: ok" in captured.out


def test_plan_prints_the_table_with_the_total(capsys):
    assert main(["plan", "hip-hinge-mobility"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Hip hinge mobility: low dose\n")
    assert "Caution: Jefferson curl (waits until you confirm)" in out
    assert "Banded hip distraction, left leg: hold" in out
    assert out.rstrip().endswith("Total: 14:09")
    assert main(["plan", "hip-hinge-mobility", "--dose", "high"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Total: 24:22")


def test_plan_marks_estimates_for_user_counted_sets(write_session, capsys):
    p = write_session('format = 1\ntitle = "T"\n[[drill]]\nname = "Squats"\nreps = 10\nsets = 2\n')
    assert main(["plan", str(p)]) == 0
    out = capsys.readouterr().out
    assert "    0:10   ~0:40  Squats set 1 of 2: 10 reps (you count)" in out
    assert "Total: about 2:15" in out and "~ marks estimates" in out


def test_plan_json(capsys):
    assert main(["plan", "quick-warm-up", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "Quick warm-up before lifting" and data["total_seconds"] == 279


def test_plan_of_a_missing_file_is_a_message(capsys):
    assert main(["plan", "no-such-session.toml"]) == 1
    assert capsys.readouterr().err.strip() == "no-such-session.toml: no such file"


def test_schema_is_published_and_current(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    published = json.loads((REPO / "docs" / "session.schema.json").read_text(encoding="utf-8"))
    assert printed == published == json_schema(), "run: hinge-timer schema > docs/session.schema.json"
    assert published["properties"]["drill"]["maxItems"] == 200
    assert published["$defs"]["Drill"]["additionalProperties"] is False


def test_global_options_go_before_or_after_the_subcommand():
    parser = build_parser()
    before = parser.parse_args(["--event-log", "/x", "--speed", "5", "run", "f.toml"])
    after = parser.parse_args(["run", "f.toml", "--event-log", "/x", "--speed", "5"])
    assert before.event_log == after.event_log == "/x"
    assert before.speed == after.speed == 5.0
    assert parser.parse_args(["run"]).speed == 1.0
    data = parser.parse_args(["--data-dir", "/d", "plan", "x"]), parser.parse_args(["plan", "x", "--data-dir", "/d"])
    assert data[0].data_dir == data[1].data_dir == "/d"


@pytest.mark.parametrize("argv", [
    [], ["--data-dir", "/d"], ["--data-dir=/d", "-v"], ["--kiosk", "--audio", "none", "--speed", "20"],
    ["--sessions-dir", "plan", "--event-log", "run"],  # values that are also commands' names
])
def test_starting_the_window_parses_as_the_whole_parser_would(argv):
    from hinge_timer.cli import names_no_command

    assert names_no_command(argv)
    assert build_parser(argv).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["plan", "x"], ["--data-dir", "/d", "run"], ["-h"], ["--", "x"], ["--data", "/d"],
                                  ["nonsense"]])
def test_anything_else_gets_every_subcommand(argv):
    from hinge_timer.cli import names_no_command

    assert not names_no_command(argv)
    assert build_parser(argv)._subparsers is not None


def test_an_unknown_option_is_refused_the_same_way(capsys):
    for parser in (build_parser(["--nope"]), build_parser()):
        with pytest.raises(SystemExit) as info:
            parser.parse_args(["--nope"])
        assert info.value.code == 2
    first, second = capsys.readouterr().err.split("usage:")[1:]
    assert "unrecognized arguments: --nope" in first and "unrecognized arguments: --nope" in second


def test_bad_speed_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--speed", "fast", "plan", "quick-warm-up"])
    assert info.value.code == 2
    assert "expected a number such as 2 or 0.5, got 'fast'" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["-m", "hinge_timer", "validate"], ["-m", "hinge_timer", "plan", "nope.toml"]])
def test_python_dash_m_never_shows_a_traceback(args, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\x00\xff garbage")
    argv = args + ([str(bad)] if args[-1] == "validate" else [])
    proc = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
