"""Loading, validating and planning sessions.

Times (a) every built-in session: read, parse, validate and compile its timeline,
and (b) a generated 200-drill session (the most a file may hold). Reference, in
the same run: ``tomllib.loads`` of the same text alone, the floor any TOML-based
loader pays. Prints milliseconds (median of repeated runs) and the ratio.

Also reports the one-off cost of importing the loader in a fresh interpreter.

    python benchmarks/load.py [--repeat 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import table, write_json  # noqa: E402

from hinge_timer.session.load import builtin_session_files, load_session, parse_session  # noqa: E402
from hinge_timer.session.timeline import compile_timeline  # noqa: E402


def generated(n: int = 200) -> str:
    parts = ['format = 1\ntitle = "Generated"\n[defaults]\nget_ready = 5\n']
    for i in range(n):
        if i % 3 == 0:
            parts.append(
                f'[[drill]]\nname = "Paced {i}"\nreps = [5, 6]\nsets = [2, 3]\ncaution = "Careful."\n'
                'cues = ["one", "two", "three"]\n'
                'tempo = [ { phase = "Down", seconds = 5, say = "Down" }, { phase = "Breathe out", seconds = 4 },\n'
                '          { phase = "In", seconds = 2 }, { phase = "Up", seconds = 5 } ]\n'
            )
        elif i % 3 == 1:
            parts.append(
                f'[[drill]]\nname = "Hold {i}"\nhold = [60, 120]\nsides = ["left", "right"]\n'
                'how = """Set up.\n\nMove."""\ncycle = [ { phase = "Push", seconds = 5 }, { phase = "Relax", seconds = 5 } ]\n'
            )
        else:
            parts.append(f'[[drill]]\nname = "Counted {i}"\nreps = 10\nsets = [2, 3]\nequipment = ["band"]\n')
    return "".join(parts)


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()

    files = builtin_session_files()
    texts = [f.read_text(encoding="utf-8") for f in files]
    big = generated().encode()

    def all_builtins() -> None:
        for f in files:
            compile_timeline(load_session(f), "high")

    def builtins_toml_only() -> None:
        for t in texts:
            tomllib.loads(t)

    def big_session() -> None:
        compile_timeline(parse_session(big, "generated.toml"), "high")

    rows = []
    results = {}
    for label, fn, ref in (
        ("3 built-in sessions", all_builtins, builtins_toml_only),
        ("generated 200 drills", big_session, lambda: tomllib.loads(big.decode())),
    ):
        ours, floor = median_ms(fn, args.repeat), median_ms(ref, args.repeat)
        rows.append([label, ours, floor, ours / floor])
        results[label] = {"ms": ours, "tomllib_ms": floor, "ratio": ours / floor}
    steps = len(compile_timeline(parse_session(big, "g"), "high").steps)

    code = "import time; t=time.perf_counter(); import hinge_timer.session.load, hinge_timer.session.timeline; print((time.perf_counter()-t)*1000)"
    imports = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
               for _ in range(5)]
    results["import_ms"] = statistics.median(imports)

    print("Load + validate + plan (median ms; reference: tomllib.loads of the same text alone)")
    print(table(rows, ["what", "ms", "tomllib ms", "ratio"]))
    print(f"generated session: 200 drills, {steps} steps at the high dose, {len(big) / 1024:.0f} KiB")
    print(f"one-off import of the loader and compiler in a fresh interpreter: {results['import_ms']:.0f} ms")
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
