"""Guard against a PySide6 build that corrupts reference counts on signal delivery (6.12.0 did).

A session emits a signal for every cue and every display tick: thousands an hour.
This runs in a subprocess because the failure is an abort of the whole interpreter.
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
app = QCoreApplication([])
class Source(QObject):
    fired = Signal(object)
src = Source()
received = []
src.fired.connect(lambda value: received.append(value is not None))
def burst():
    for i in range(5000):
        src.fired.emit(object())
    app.quit()
QTimer.singleShot(0, burst)
app.exec()
import gc; gc.collect()
print(len(received))
"""


def test_thousands_of_signals_to_python_slots_do_not_crash():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "5000"
