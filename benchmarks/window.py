"""Window benchmark: start-up to the first painted Home screen, CPU while a countdown runs, peak memory.

Each figure is compared with a bare PySide6 window measured in the same run, in the same way:
    python benchmarks/window.py [--runs 5] [--seconds 60] [--json FILE]
    python benchmarks/window.py --installs [--runs 5] [--json FILE]

``--installs`` measures the app as users install it instead: it builds the wheel (``python -m build``),
installs it with ``pipx`` into a temporary folder (on this Python, the one the bundle is made from), builds
the PyInstaller bundle (packaging/pyinstaller/), and times each one's start-up to its first painted frame
(the window's own "first frame painted" line, logged with ``-v``) against the bare PySide6 window,
interleaved in the same run; with the wheel's size and the bundle's size on disk.  ``--bundle EXE`` /
``--pipx EXE`` measure ones already built instead of building them.

The drill's figure (ui/figure.py) is measured in a user's own session (their names, odd numbers): a paced
set with the figure moving through the set's four phases, and a still hold, each beside the same step of the
same session with no movement named (so no figure), as a share of one core; and the built-in distraction's
hold, whose figure rocks all through it.

Start-up is the wall time from launching the process to the first paint event of the window
(interpreter start and imports included, for both).  CPU is the process's user+system time over
``--seconds`` of wall time once the window is up, as a share of one core.  Memory is the peak
resident set (ru_maxrss) when the measurement ends.  Runs on the offscreen Qt platform unless
QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import table, write_json  # noqa: E402


# A user's session for the figure's CPU: the same drills with and without a movement named.
FIGURE_SESSION = """format = 1
title = "Lee's slow curls"
[[drill]]
name = "Lee's slow curl"
{curl}
reps = 9
tempo = [{{ phase = "Roll down", seconds = 4 }}, {{ phase = "Hang and breathe out", seconds = 3 }},
         {{ phase = "Breathe in", seconds = 1 }}, {{ phase = "Roll up", seconds = 5 }}]
[[drill]]
name = "Lee's couch stretch"
{hold}
hold = 150
sides = ["right", "left"]
"""
FIGURE_KINDS = {  # kind: (the session's movements, the drill whose work step is measured)
    "paced": ('movement = "jefferson-curl"', 'movement = "split-hamstring-stretch"', "Lee's slow curl"),
    "paced-plain": ("", "", "Lee's slow curl"),
    "hold": ('movement = "jefferson-curl"', 'movement = "split-hamstring-stretch"', "Lee's couch stretch"),
    "hold-plain": ("", "", "Lee's couch stretch"),
}


def child(kind: str, seconds: float, data_dir: str) -> None:  # pragma: no cover - runs in a child process
    """Open the window, report the first paint, optionally idle or count down, report CPU and memory.

    The bare window is a QWidget.  Hinge Timer is started the way a user starts it, through
    ``hinge_timer.cli.main`` (argument parsing, settings, the window, Home).  A watcher on the one
    widget that counts (the bare QWidget, or Home) reports its first paint; an application-wide
    filter would itself slow Qt down, since every event of every object would cross into Python.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    state: dict[str, object] = {}

    def report(**fields: object) -> None:
        print(json.dumps(fields), flush=True)

    class Watcher(QObject):
        painted = False

        def eventFilter(self, obj, event):  # noqa: N802
            if not self.painted and event.type() == QEvent.Type.Paint:
                self.painted = True
                report(event="painted", wall=time.time())
                if kind == "bare":
                    QTimer.singleShot(0, after_paint)
                else:
                    window = state["window"]
                    if window.listing.ready:
                        QTimer.singleShot(0, on_listed)
                    else:
                        window.listing.sessions_listed.connect(on_listed)
            return False

    def on_listed() -> None:
        report(event="listed", wall=time.time(), sessions=state["window"].home.list.count())
        QTimer.singleShot(0, after_paint)

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def after_paint() -> None:
        if seconds <= 0:
            finish(0.0, 0.0)
            return
        if kind == "countdown" or kind in FIGURE_KINDS:
            from hinge_timer.session.timeline import StepKind

            # The banded hip distraction's 2-minute hold on the left leg (or the user's drill): skip the
            # steps before it.
            window = state["window"]
            if kind == "countdown":
                entry = next(e for e in window.home.entries if e.key == "hip-hinge-mobility")
                drill = "Banded hip distraction"
            else:
                entry = next(e for e in window.home.entries if e.session and e.session.title == "Lee's slow curls")
                drill = FIGURE_KINDS[kind][2]
            driver = window.start_session(entry, "high")
            while not (driver.runner.step.drill_name == drill and driver.runner.step.kind is StepKind.WORK):
                driver.next()
            figure = window.session_screen.drill_figure
            state["figure"] = figure
            state["frames"] = figure.frames
        start_cpu, start_wall = cpu(), time.monotonic()
        QTimer.singleShot(int(seconds * 1000), lambda: finish(cpu() - start_cpu, time.monotonic() - start_wall))

    def finish(cpu_s: float, wall_s: float) -> None:
        run_state = ""
        frames = 0
        if kind == "countdown" or kind in FIGURE_KINDS:
            window = state["window"]
            run_state = window.run.driver.runner.snapshot(window.run.driver.clock()).state.value
            frames = state["figure"].frames - state["frames"]
            shown = state["figure"].isVisible()
            window.end_driver()
            if shown != (kind in ("countdown", "paced", "hold")):
                raise SystemExit(f"{kind}: the figure is {'shown' if shown else 'not shown'}")
        report(event="end", cpu=cpu_s, wall=wall_s, maxrss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               state=run_state, frames=frames)
        if kind == "bare":
            app.quit()
        else:
            window = state["window"]
            window.save_settings = lambda tell=True: None  # the benchmark's data folder is thrown away
            window.close()

    watcher = Watcher()
    if kind == "bare":
        window = QWidget()
        window.resize(1280, 720)
        window.installEventFilter(watcher)
        window.show()
        app.exec()
    else:
        from hinge_timer.cli import main
        from hinge_timer.ui import main_window

        class Watched(main_window.MainWindow):  # the app's window, with the watcher on Home
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                state["window"] = self
                self.home.installEventFilter(watcher)

        main_window.MainWindow = Watched  # ui/app.py looks it up when run_gui starts
        language = os.environ.get("HINGE_BENCH_LANG")  # (--lang: Home in another language)
        main(["--data-dir", data_dir, *(["--lang", language] if language else [])])


def launch(kind: str, seconds: float, language: str | None = None) -> dict[str, float]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("HINGE_BENCH_LANG", None)
    if language:
        env["HINGE_BENCH_LANG"] = language
    with tempfile.TemporaryDirectory() as data:
        if kind in FIGURE_KINDS:
            os.makedirs(os.path.join(data, "sessions"))
            curl, hold, _drill = FIGURE_KINDS[kind]
            with open(os.path.join(data, "sessions", "lees-curls.toml"), "w", encoding="utf-8") as fh:
                fh.write(FIGURE_SESSION.format(curl=curl, hold=hold))
        t0 = time.time()
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, "--seconds", str(seconds),
                              "--data-dir", data], capture_output=True, text=True, env=env, check=True,
                             timeout=seconds + 120).stdout
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    painted = next(r for r in records if r["event"] == "painted")
    listed = next((r for r in records if r["event"] == "listed"), painted)
    end = next(r for r in records if r["event"] == "end")
    return {"startup_ms": (painted["wall"] - t0) * 1000, "listed_ms": (listed["wall"] - t0) * 1000,
            "sessions": listed.get("sessions", 0), "cpu_s": end["cpu"], "wall_s": end["wall"],
            "maxrss_mib": end["maxrss_kib"] / 1024, "state": end["state"], "frames": end.get("frames", 0)}


def first_frame_ms(command: list[str]) -> float:
    """Launch an installed Hinge Timer (its own executable, from a folder outside the checkout, with no
    PYTHONPATH and no virtual environment on PATH) and time it to its "first frame painted" log line."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as data:
        # Home lists a session the user wrote as well as the built-in ones, as it does for a user.
        os.makedirs(os.path.join(data, "sessions"))
        curl, hold, _drill = FIGURE_KINDS["paced"]
        with open(os.path.join(data, "sessions", "lees-curls.toml"), "w", encoding="utf-8") as fh:
            fh.write(FIGURE_SESSION.format(curl=curl, hold=hold))
        t0 = time.time()
        proc = subprocess.Popen([*command, "-v", "--data-dir", data], env=env, cwd=data, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "first frame painted" in line:
                    return (time.time() - t0) * 1000
            raise SystemExit(f"{command[0]} painted no frame (exit {proc.wait()})")
        finally:
            proc.kill()
            proc.communicate()


def folder_mib(path: str) -> float:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(folder, name)
            if not os.path.islink(full):
                total += os.path.getsize(full)
    return total / 2**20


def build_installs(work: str) -> dict[str, object]:
    """The wheel, a pipx install of it and the bundle, built into ``work``; their executables and sizes."""
    import glob
    import shutil

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", os.path.join(work, "dist"), repo],
                   check=True, capture_output=True, timeout=900)
    (wheel,) = glob.glob(os.path.join(work, "dist", "hinge_timer-*.whl"))
    pipx = shutil.which("pipx")
    if pipx is None:
        raise SystemExit("pipx is not installed (apt-get install pipx)")
    env = dict(os.environ, PIPX_HOME=os.path.join(work, "pipx"), PIPX_BIN_DIR=os.path.join(work, "bin"),
               PIPX_MAN_DIR=os.path.join(work, "man"))
    # The same Python as the bundle's (this one, which PyInstaller bundles): the ratio is then the bundle's
    # own cost, not the difference between two builds of CPython (pyenv's, without PGO, against Debian's).
    subprocess.run([pipx, "install", "--python", sys.executable, wheel], check=True, capture_output=True, env=env,
                   timeout=1800)
    pyinstaller = os.path.join(os.path.dirname(sys.executable), "pyinstaller")
    subprocess.run([pyinstaller, "--noconfirm", "--distpath", os.path.join(work, "bundle"), "--workpath",
                    os.path.join(work, "build"), os.path.join(repo, "packaging", "pyinstaller", "hinge-timer.spec")],
                   check=True, capture_output=True, timeout=1800)
    return {"wheel": wheel, "pipx": os.path.join(work, "bin", "hinge-timer"),
            "pipx_venv": os.path.join(work, "pipx", "venvs", "hinge-timer"),
            "bundle": os.path.join(work, "bundle", "hinge-timer", "hinge-timer"),
            "bundle_dir": os.path.join(work, "bundle", "hinge-timer")}


def installs(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as work:
        if args.bundle and args.pipx:
            bundle, pipx = os.path.abspath(args.bundle), os.path.abspath(args.pipx)  # (started from elsewhere)
            built: dict[str, object] = {"bundle": bundle, "pipx": pipx, "bundle_dir": os.path.dirname(bundle)}
        else:
            print("building the wheel, the pipx install and the bundle (a few minutes)…", flush=True)
            built = build_installs(work)
        startup: dict[str, list[float]] = {"bare": [], "pipx": [], "bundle": []}
        for _ in range(args.runs):  # interleaved, so a slow moment hits all three alike
            startup["bare"].append(launch("bare", 0)["startup_ms"])
            startup["pipx"].append(first_frame_ms([str(built["pipx"])]))
            startup["bundle"].append(first_frame_ms([str(built["bundle"])]))
        med = {k: statistics.median(v) for k, v in startup.items()}
        if "wheel" in built:
            print(f"the bundle's and the pipx install's Python: {sys.version.split()[0]} "
                  f"({os.path.realpath(sys.executable)})")
        sizes = {"bundle_mib": folder_mib(str(built["bundle_dir"]))}
        if "wheel" in built:
            sizes["wheel_kib"] = os.path.getsize(str(built["wheel"])) / 1024
            sizes["pipx_venv_mib"] = folder_mib(str(built["pipx_venv"]))
    print(table([
        ["pipx install: start-up to first paint (ms, median)", med["bare"], med["pipx"],
         f"{med['pipx'] / med['bare']:.2f}×", "—"],
        ["bundle: start-up to first paint (ms, median)", med["bare"], med["bundle"],
         f"{med['bundle'] / med['bare']:.2f}×", "—"],
        ["bundle against the pipx install", med["pipx"], med["bundle"], f"{med['bundle'] / med['pipx']:.2f}×",
         "≤ 1.2×"],
    ], ["", "reference", "measured", "ratio", "target"]))
    for name, value in sizes.items():
        print(f"{name}: {value:.1f}")
    if args.json:
        write_json(args.json, {"installs_startup_ms": startup, "sizes": sizes})
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs of each window (median reported)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the countdown runs for the CPU figure")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--lang", metavar="CODE",
                        help="also start Home in this language (interleaved with the others): its catalogue, "
                             "its sessions' words and Qt's translations")
    parser.add_argument("--installs", action="store_true",
                        help="the pipx install and the PyInstaller bundle against the bare window (builds both)")
    parser.add_argument("--bundle", metavar="EXE", help="with --installs: a bundle already built")
    parser.add_argument("--pipx", metavar="EXE", help="with --installs: a pipx install's hinge-timer")
    parser.add_argument("--child", choices=("bare", "home", "countdown", *FIGURE_KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile hinge_timer first: every start compiles its sources (as under "
                             "PYTHONDONTWRITEBYTECODE=1 with no __pycache__), which PySide6's own installed files do not")
    args = parser.parse_args()
    if args.seconds <= 0 and not args.child:
        parser.error("--seconds must be more than 0 (the countdown runs that long)")
    if args.child:
        child(args.child, args.seconds, args.data_dir)
        return 0
    if args.installs:
        return installs(args)
    import hinge_timer

    package = os.path.dirname(hinge_timer.__file__)
    if args.no_compile:
        import shutil

        for folder, dirs, _files in os.walk(package):
            if "__pycache__" in dirs:
                shutil.rmtree(os.path.join(folder, "__pycache__"))
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # and none written by the runs themselves
    else:
        # As installed (pip writes .pyc files) or after a first start: the project's modules are loaded from
        # bytecode like PySide6's.  This machine sets PYTHONDONTWRITEBYTECODE=1, so without this every start
        # would compile every module of ours from source, and only ours.
        import compileall

        compileall.compile_dir(package, quiet=1)
    print("hinge_timer loaded from " + ("source, compiled at every start" if args.no_compile else "bytecode"))

    startup: dict[str, list[float]] = {"bare": [], "home": [], "lang": []}
    listed: list[float] = []
    memory: dict[str, list[float]] = {"bare": [], "home": []}
    for _ in range(args.runs):  # interleaved, so a slow moment hits both alike
        if args.lang:
            startup["lang"].append(launch("home", 0, args.lang)["startup_ms"])
        for kind in ("bare", "home"):
            r = launch(kind, 0)
            startup[kind].append(r["startup_ms"])
            if kind == "home":
                assert r["sessions"] >= 3, "Home listed no sessions"
                listed.append(r["listed_ms"])
            memory[kind].append(r["maxrss_mib"])
    bare_cpu = launch("bare", args.seconds)
    countdown = launch("countdown", args.seconds)
    figure = {kind: launch(kind, args.seconds) for kind in FIGURE_KINDS}

    s_bare, s_home = statistics.median(startup["bare"]), statistics.median(startup["home"])
    m_bare, m_home = statistics.median(memory["bare"]), statistics.median(memory["home"])
    cpu_bare = 100 * bare_cpu["cpu_s"] / bare_cpu["wall_s"]
    cpu_run = 100 * countdown["cpu_s"] / countdown["wall_s"]
    print(table([
        ["start-up to first paint (ms, median)", s_bare, s_home, f"{s_home / s_bare:.2f}×", "≤ 1.5×"],
        ["… to the sessions listed on Home (ms, median)", s_bare, statistics.median(listed),
         f"{statistics.median(listed) / s_bare:.2f}×", "—"],
        ["peak memory at Home (MiB, median)", m_bare, m_home, f"{m_home / m_bare:.2f}×", "—"],
        [f"peak memory after {args.seconds:.0f} s of countdown (MiB)", bare_cpu["maxrss_mib"],
         countdown["maxrss_mib"], f"{countdown['maxrss_mib'] / bare_cpu['maxrss_mib']:.2f}×", "—"],
        [f"CPU over {args.seconds:.0f} s (% of one core)", cpu_bare, cpu_run,
         f"{cpu_run - cpu_bare:+.2f} pt", "≤ 2 %"],
    ], ["", "bare window", "Hinge Timer", "ratio", "target"]))
    print(f"countdown state at the end: {countdown['state']} (must be a running state, not done)")
    if args.lang:
        s_lang = statistics.median(startup["lang"])
        print(table([[f"start-up to first paint in {args.lang} (ms, median)", s_bare, s_lang,
                      f"{s_lang / s_bare:.2f}×", f"{s_lang / s_home:.2f}× English"]],
                    ["", "bare window", "Hinge Timer", "ratio", "vs English"]))

    def pct(r: dict[str, float]) -> float:
        return 100 * r["cpu_s"] / r["wall_s"]

    rows = []
    for kind, label, target in (("paced", "a paced set, the figure moving", "≤ 4 %"),
                                ("hold", "a still hold, the figure still", "≤ 2 %")):
        with_fig, plain = figure[kind], figure[kind + "-plain"]
        rows.append([f"{label} (% of one core)", pct(plain), pct(with_fig),
                     f"{pct(with_fig) / pct(plain):.2f}× ({pct(with_fig) - pct(plain):+.2f} pt)",
                     f"{with_fig['frames'] / with_fig['wall_s']:.1f}", target])
    rows.append(["the built-in distraction's hold, the figure rocking", cpu_bare, cpu_run,
                 f"{cpu_run / cpu_bare:.2f}× the bare window", f"{countdown['frames'] / countdown['wall_s']:.1f}",
                 "≤ 4 %"])
    print(f"\nThe drill's figure, over {args.seconds:.0f} s each (a user's session, with no movement named / with one):")
    print(table(rows, ["", "no figure", "with the figure", "ratio", "figures drawn a second", "target"]))
    for kind, r in figure.items():
        if r["state"] in ("done", "idle"):
            raise SystemExit(f"{kind}: the run was over before the measurement ended ({r['state']})")
    if args.json:
        write_json(args.json, {"startup_ms": startup, "listed_ms": listed, "maxrss_mib": memory, "cpu_percent_bare": cpu_bare,
                               "cpu_percent_countdown": cpu_run, "seconds": args.seconds,
                               "countdown_state": countdown["state"],
                               "figure_cpu_percent": {k: pct(r) for k, r in figure.items()},
                               "figure_frames_per_s": {k: r["frames"] / r["wall_s"] for k, r in figure.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
