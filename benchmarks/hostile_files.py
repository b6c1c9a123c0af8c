"""Hostile session files: every one is accepted or refused quickly, in little memory.

For each shape (deep keys and headers, deep brackets, floods of keys, tables and list items, huge keys
and values, escapes, comments, control characters...) at sizes up to the 1 MiB limit, each file is
loaded in a fresh interpreter (``load_session``, what ``validate``, File → Open and Home use) and the
time and the peak memory (``ru_maxrss``) are read.  References in the same run: the largest built-in
session, and a legitimate session of about 0.9 MiB at the model's limits (200 drills, each with 20
phases, 15 cues and long texts), loaded the same way.  Ratios are to that large legitimate session.

Target (issue 14): every file accepted or refused in under 0.5 s and 100 MB.

    python benchmarks/hostile_files.py [--cli] [--only NAME] [--json FILE]

``--cli`` also times ``hinge-timer validate FILE`` end to end and counts the bytes and lines it writes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import table, write_json  # noqa: E402

from tests import big_session  # noqa: E402

MIB = 1024 * 1024
LIMIT = MIB - 64  # just under the size limit
HEAD = 'format = 1\ntitle = "Hostile"\n'
DRILL = '[[drill]]\nname = "Drill"\nhold = 30\n'


def _fill(unit: Callable[[int], str], head: str = HEAD, size: int = LIMIT) -> str:
    parts = [head]
    total = len(head)
    i = 0
    while True:
        piece = unit(i)
        if total + len(piece) > size:
            break
        parts.append(piece)
        total += len(piece)
        i += 1
    return "".join(parts)


def legit_max() -> str:
    """A real (if very long) session at the model's limits: loads without a problem (tests/big_session.py)."""
    return big_session.legit_max(HEAD)


def shapes() -> dict[str, str]:
    out: dict[str, str] = {}
    out["dotted key 20,000 parts"] = HEAD + "a" + ".a" * 20_000 + " = 1\n"
    out["dotted key to 1 MiB"] = HEAD + "a" + ".a" * ((LIMIT - 40) // 2) + " = 1\n"
    out["table header 50,000 deep"] = HEAD + "[" + ".".join(["a"] * 50_000) + "]\n"
    out["[[header]] to 1 MiB deep"] = HEAD + "[[" + ".".join(["a"] * ((LIMIT - 40) // 2)) + "]]\n"
    out["inline tables 100,000 deep"] = HEAD + "a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n"
    out["arrays 500,000 deep"] = HEAD + "a = " + "[" * 500_000 + "]" * 500_000 + "\n"
    out["60,000 unknown keys"] = HEAD + DRILL + "".join(f"k{i} = {i}\n" for i in range(60_000))
    out["unknown keys to 1 MiB"] = _fill(lambda i: f"k{i} = 1\n", HEAD + DRILL)
    out["15,000 unknown keys (under limit)"] = HEAD + DRILL + "".join(f"k{i} = {i}\n" for i in range(15_000))
    out["unknown 128-char keys"] = _fill(lambda i: f"{'q' * 120}{i:08d} = 1\n", HEAD + DRILL)
    out["near-miss keys (holdNNN)"] = HEAD + DRILL + "".join(f"hold{i:05d} = 1\n" for i in range(15_000))
    out["many [[drill]], all wrong"] = _fill(lambda i: f'[[drill]]\nnme = "x{i}"\nhold = "60"\nsets = 0\n')
    out["6,000 [[drill]], all wrong"] = HEAD + "".join(
        f'[[drill]]\nnme = "x{i}"\nhold = "60"\nsets = 0\n' for i in range(6_000))
    out["keys in one inline table to 1 MiB"] = _fill(lambda i: f"k{i} = 1, ", HEAD + DRILL + "x = {") + "}\n"
    out["15,000 keys in one inline table"] = HEAD + DRILL + "x = {" + ", ".join(f"k{i} = 1" for i in range(15_000)) + "}\n"
    out["15,000 dotted keys a.kN"] = HEAD + DRILL + "".join(f"a.k{i} = 1\n" for i in range(12_000))
    out["5,000 quoted 128-char keys"] = HEAD + DRILL + "x = {" + ", ".join(
        f'"{"é" * 50}{"q" * 68}{i:08d}" = 1' for i in range(5_000)) + "}\n"
    out["many [[drill.tempo]]"] = HEAD + DRILL.replace("hold = 30", "reps = 5") + "".join(
        f'[[drill.tempo]]\nphase = "p{i}"\nseconds = 99\n' for i in range(8_000))
    out["one 1 MB key"] = HEAD + "k" * (LIMIT - 60) + " = 1\n"
    out["one 1 MB quoted key"] = HEAD + '"' + "k" * (LIMIT - 60) + '" = 1\n'
    out["1 MB title"] = HEAD.replace('"Hostile"', '"' + "t" * (LIMIT - 80) + '"') + DRILL
    out["1 MB multi-line how"] = HEAD + DRILL + 'how = """' + "How it goes.\n" * ((LIMIT - 100) // 13) + '"""\n'
    out["list of 15,000 cues"] = HEAD + DRILL + "cues = [" + ", ".join(f'"c{i}"' for i in range(15_000)) + "]\n"
    out["list items to 1 MiB"] = HEAD + DRILL + "cues = [" + "1," * ((LIMIT - 80) // 2) + "]\n"
    out["empty lines to 1 MiB"] = HEAD + DRILL + "\n" * (LIMIT - 60)
    out["comment lines to 1 MiB"] = HEAD + DRILL + "#\n" * ((LIMIT - 60) // 2)
    out["49,000 comment lines"] = HEAD + DRILL + "# nothing at all\n" * 49_000
    out["49,000 lines of one space"] = HEAD + DRILL + (" " * 20 + "\n") * 49_000
    out["escapes to 1 MiB"] = HEAD + DRILL + 'how = "' + "\\t" * ((LIMIT - 80) // 2) + '"\n'
    out["9,900 \\u escapes"] = HEAD + DRILL + 'how = "' + "\\u00e9" * 9_900 + '"\n'
    out["5,000-digit number"] = HEAD + DRILL + "sets = " + "9" * 5_000 + "\n"
    out["bracket-like text in strings"] = _fill(lambda i: f'k{i} = "[[a.b.c]] {{x = [1, [2]]}} # ..."\n', HEAD + DRILL,
                                                size=600_000)
    out["control chars in every value"] = HEAD + "".join(
        f'[[drill]]\nname = "x{i}\\nother.toml: ok\\r\\u2028\\u001b[2J"\nhold = "\\u001b]52;c;AAAA\\u0007"\n'
        for i in range(1_400))
    out["raw control chars in values"] = HEAD + "".join(
        f'[[drill]]\nname = "x{i}\x1b[2J\u2028\u202e"\nhold = "\x1b]52;c;AAAA\x07"\n' for i in range(5_000))
    return out


CHILD = r"""
import json, resource, sys, time
from hinge_timer.session.load import load_session
from hinge_timer.session.errors import SessionError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    s = load_session(sys.argv[1], name="f.toml")
    outcome, first, count = "accepted", f"{len(s.drills)} drills", 0
except SessionError as exc:
    outcome, first, count = "refused", str(exc.problems[0]), exc.count
    text = str(exc)
    assert len(text.splitlines()) <= 51, "more than 50 problems printed"
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "grew_mb": (peak - before) / 1024,
                  "outcome": outcome, "first": first, "count": count}))
"""


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "grew_mb": float("nan"),
                "outcome": "CRASHED", "first": done.stderr.strip().splitlines()[-1:], "count": 0}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def measure_cli(path: Path) -> dict[str, object]:
    exe = Path(sys.executable).with_name("hinge-timer")
    t = time.perf_counter()
    done = subprocess.run([str(exe), "validate", str(path)], capture_output=True, timeout=120)
    seconds = time.perf_counter() - t
    out = done.stdout + done.stderr
    return {"cli_seconds": seconds, "cli_bytes": len(out), "cli_lines": out.count(b"\n"), "cli_rc": done.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", action="store_true", help="also time `hinge-timer validate` on each file")
    parser.add_argument("--only", help="run only shapes whose name contains this")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    from hinge_timer.session.load import builtin_session_files

    builtin = max(builtin_session_files(), key=lambda f: len(f.read_bytes()))
    files = {"REF built-in " + builtin.name: builtin.read_text(encoding="utf-8"), "REF legitimate 200 drills": legit_max()}
    files.update((k, v) for k, v in shapes().items() if not args.only or args.only in k)
    rows = []
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        ref: dict[str, object] = {}
        for name, text in files.items():
            path = Path(tmp) / "f.toml"
            path.write_text(text, encoding="utf-8")
            r = measure(path)
            if args.cli:
                r.update(measure_cli(path))
            if name == "REF legitimate 200 drills":
                ref = r
            r.update(name=name, bytes=len(text.encode()))
            results.append(r)
        for r in results:
            t_ratio = float(r["seconds"]) / float(ref["seconds"])  # type: ignore[arg-type]
            ok = float(r["seconds"]) < 0.5 and float(r["peak_mb"]) < 100  # type: ignore[arg-type]
            row = [r["name"], f"{int(r['bytes']) / 1024:.0f}", f"{float(r['seconds']) * 1000:.1f}",  # type: ignore[call-overload]
                   f"{t_ratio:.2f}", f"{float(r['peak_mb']):.1f}", f"{float(r['grew_mb']):.1f}",  # type: ignore[arg-type]
                   r["outcome"], r["count"], "yes" if ok else "NO"]
            if args.cli:
                row += [f"{float(r['cli_seconds']) * 1000:.0f}", r["cli_lines"], r["cli_bytes"]]  # type: ignore[arg-type]
            rows.append(row)
    header = ["shape", "KiB", "ms", "× legit", "peak MB", "grew MB", "outcome", "problems", "<0.5 s, <100 MB"]
    if args.cli:
        header += ["validate ms", "out lines", "out bytes"]
    print(table(rows, header))
    print("\nfirst problem of each refused file:")
    for r in results:
        if r["outcome"] != "accepted":
            print(f"  {r['name']}: {str(r['first'])[:150]}")
    write_json(args.json, {"results": results})
    return 0 if all(row[8] == "yes" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
