"""Make the app icon's PNGs, .ico and .icns from its SVG (`make icons`).

The SVG (assets/icons/hicolor/scalable/apps/io.github.hingetimer.HingeTimer.svg) is the source; this
writes, with Qt's own SVG renderer, the hicolor PNGs at 16 to 512 pixels, the Windows .ico (16, 24, 32,
48 and 256, PNG-compressed) and the macOS .icns (128, 256, 512 and 1024). The same SVG always gives the
same bytes, so the files are kept in the repository and checked:

    .venv/bin/python tools/make_icons.py            # write them
    .venv/bin/python tools/make_icons.py --check    # exit 1, naming each file that is out of date
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

APP_ID = "io.github.hingetimer.HingeTimer"
ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
SVG = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 256)
ICNS_TYPES = ((b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024))


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn into a transparent ``size``-pixel square, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not write a {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico: ICONDIR, one ICONDIRENTRY a size, then each PNG (a width of 256 is written as 0)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for n in sizes:
        data = pngs[n]
        entries += struct.pack("<BBBBHHII", n % 256, n % 256, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """A macOS .icns: 'icns' and the file's length, then each entry's type, its length (with these eight
    bytes) and its PNG."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def outputs() -> dict[Path, bytes]:
    """Every file this makes and its bytes."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {SVG}")
    cache: dict[int, bytes] = {}

    def png(n: int) -> bytes:
        if n not in cache:
            cache[n] = render_png(renderer, n)
        return cache[n]

    files = {ICONS / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png": png(n) for n in PNG_SIZES}
    files[ICONS / f"{APP_ID}.ico"] = ico({n: png(n) for n in ICO_SIZES})
    files[ICONS / f"{APP_ID}.icns"] = icns({kind: png(n) for kind, n in ICNS_TYPES})
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming each file that differs from what would be written")
    args = parser.parse_args(argv)
    files = outputs()
    root = ICONS.parent.parent
    if args.check:
        stale = [path for path, data in files.items() if not path.is_file() or path.read_bytes() != data]
        for path in stale:
            print(f"out of date: {path.relative_to(root)}", file=sys.stderr)
        if stale:
            print("run: .venv/bin/python tools/make_icons.py", file=sys.stderr)
        return 1 if stale else 0
    for path, data in files.items():
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
