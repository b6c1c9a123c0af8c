"""`hinge-timer run` as a real process: captions on stdout, the event log on disk, clean exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from hinge_timer.engine.events import read_event_log
from hinge_timer.session.load import builtin_session, load_session
from hinge_timer.session.timeline import compile_timeline
from tests.conftest import REPO


def run(*args, timeout=120):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "hinge_timer", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=env, stdin=subprocess.DEVNULL)


def test_run_prints_every_cue_and_logs_it(tmp_path):
    log = tmp_path / "events.jsonl"
    proc = run("run", "quick-warm-up", "--terminal", "--speed", "200", "--event-log", str(log))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    t = compile_timeline(load_session(builtin_session("quick-warm-up")))
    expected = [c.text for s in t.steps for c in s.cues]
    lines = [l for l in proc.stdout.splitlines() if l.startswith("[")]
    assert [l.split(None, 3)[3] if l[1] == " " else l.split(None, 2)[2] for l in lines] == expected
    assert lines[-1].startswith("[ 4:39] session_complete")
    assert proc.stdout.rstrip().endswith("Sets completed: 4 of 4")
    cues = [r for r in read_event_log(str(log)) if r["t"] == "cue"]
    assert [c["text"] for c in cues] == expected
    assert all(c["actual_ns"] >= c["scheduled_ns"] for c in cues)


def test_cautions_are_skipped_when_no_one_can_confirm_them():
    proc = run("run", "hip-hinge-basics", "--terminal", "--speed", "500")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Skipping this drill") == 2
    assert "Sets completed: 0 of 4" in proc.stdout
    proc = run("run", "hip-hinge-basics", "--terminal", "--speed", "500", "--accept-cautions")
    assert proc.returncode == 0, proc.stderr
    # Its weighted sets are counted by the user: with no one at the keyboard they are skipped, not called done.
    assert proc.stdout.count("Skipping this set: no one is at the keyboard to count it.") == 2
    assert "Sets completed: 2 of 4" in proc.stdout


def interrupt_once_logged(args, log, marker, wait=30):
    """Start hinge-timer, send SIGINT once ``marker`` is in the event log, check a clean 130 exit."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "hinge_timer", *args, "--event-log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not (log.exists() and marker in log.read_text()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    return read_event_log(str(log))


def test_ctrl_c_ends_the_session_cleanly(tmp_path):
    log = tmp_path / "events.jsonl"
    records = interrupt_once_logged(["run", "hip-hinge-mobility", "--terminal"], log, "get_ready")
    commands = [r for r in records if r["t"] == "command"]
    assert commands[-1]["name"] == "end_session" and commands[-1]["reason"] == "interrupted"


def test_a_bad_session_file_is_one_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhold_seconds = 30\n')
    proc = run("run", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f'{bad}:5: drill[1].hold_seconds: unknown key "hold_seconds"; did you mean "hold"?',
    ]


def test_the_window_runs_a_session_and_ctrl_c_records_it_as_interrupted(tmp_path):
    """`hinge-timer run FILE` opens the window (offscreen here) and starts at once."""
    log = tmp_path / "events.jsonl"
    records = interrupt_once_logged(["--data-dir", str(tmp_path / "data"), "run", "quick-warm-up", "--speed", "20"],
                                    log, '"kind":"go"', wait=60)
    cues = [r["kind"] for r in records if r["t"] == "cue"]
    go = cues.index("go")
    assert cues[go - 3:go] == ["countdown", "countdown", "countdown"]
    commands = [r for r in records if r["t"] == "command"]
    assert commands[0]["name"] == "start"
    assert commands[-1]["name"] == "end_session" and commands[-1]["reason"] == "interrupted"
    assert (tmp_path / "data" / "settings.json").exists()


def test_without_a_screen_the_window_says_what_to_do_instead(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "hinge_timer", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=REPO, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "no screen" in proc.stderr and "hinge-timer run --terminal" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_terminal_says_free_again_only_for_a_run_a_lock_kept_out(tmp_path):
    """`run --terminal` says "the history is free again" only after it said a lock kept the run out: not
    after an unrelated notice at opening (a damaged history moved aside), and yes once a real second
    process that held the lock lets go."""
    from tests.sqlite_lock import LOCK, held, release

    data = tmp_path / "data"
    data.mkdir()
    (data / "history.sqlite3").write_bytes(b"this is not a database" * 200)
    proc = run("--data-dir", str(data), "run", "quick-warm-up", "--terminal", "--speed", "200")
    assert proc.returncode == 0, proc.stderr
    assert "moved" in proc.stderr  # the damaged file was set aside, and said so
    assert "free again" not in proc.stderr + proc.stdout

    # Now a history that exists, held by another program while the run starts, let go halfway.
    db = data / "history.sqlite3"
    assert db.exists()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with held(db, LOCK["immediate"]) as holder:
        p = subprocess.Popen([sys.executable, "-m", "hinge_timer", "--data-dir", str(data), "run", "quick-warm-up",
                              "--terminal", "--speed", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO, env=env, stdin=subprocess.DEVNULL)
        time.sleep(2.0)
        release(holder)
        out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "in use by another program" in err, err
    assert "free again" in err, err


def on_a_pty(tmp_path, answers):
    """Run hip-hinge-basics in the terminal on a real pty, answering each prompt in turn (bytes: a line, or
    a control character); the exit code, what it printed and its event log."""
    import pty

    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "events.jsonl"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, on the pty
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "hinge_timer", "run", "hip-hinge-basics", "--terminal",
                                   "--speed", "500", "--event-log", str(log), "--data-dir", str(tmp_path)], env)
    seen, answers = b"", list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break  # the app ended: the pty is closed
        if not chunk:
            break
        seen += chunk
        if answers and seen.endswith(answers[0][0]):  # the app waits at this prompt: answer it
            os.write(fd, answers.pop(0)[1])
    _, status = os.waitpid(pid, 0)
    records = read_event_log(str(log)) if log.exists() else []
    return os.WEXITSTATUS(status), seen.decode(errors="replace"), records, answers


CAUTION = b"anything else to skip it: "
COUNT = b"(of 10): "


def test_at_a_keyboard_the_terminal_run_counts_a_set_as_the_user_says(tmp_path):
    """The cautions are confirmed, the first counted set ends after 7 reps typed, the second with Enter."""
    code, text, records, left = on_a_pty(tmp_path, [(CAUTION, b"yes\n"), (CAUTION, b"yes\n"), (COUNT, b"7\n"),
                                                    (COUNT, b"\n")])
    assert code == 0 and left == [] and "Sets completed: 4 of 4" in text, text
    done = [r for r in records if r["t"] == "command" and r["name"] == "set_done"]
    assert [r["message"] for r in done] == ["Set done after 7 reps."]
    assert sum(1 for r in records if r["t"] == "command" and r["name"] == "count_rep") == 17


def test_ctrl_d_ctrl_c_and_odd_digits_at_the_terminals_prompts_never_show_a_traceback(tmp_path):
    # Ctrl-D (end of input) at a counted set: skipped; "²" is not a number of reps: the set's planned reps.
    code, text, records, left = on_a_pty(tmp_path / "d", [(CAUTION, b"yes\n"), (CAUTION, b"yes\n"),
                                                          (COUNT, b"\x04"), (COUNT, "²\n".encode())])
    assert code == 0 and left == [] and "Traceback" not in text, text
    assert "Sets completed: 3 of 4" in text
    # Ctrl-C at a counted set's prompt: the run ends there, cleanly (130), recorded as interrupted.
    code, text, records, left = on_a_pty(tmp_path / "c", [(CAUTION, b"yes\n"), (CAUTION, b"yes\n"), (COUNT, b"\x03")])
    assert code == 130 and left == [] and "Traceback" not in text, text
    ends = [r for r in records if r["t"] == "command" and r["name"] == "end_session"]
    assert ends and ends[-1]["reason"] == "interrupted"
