"""The app icon: the SVGs are plain enough for every renderer, and the PNGs, .ico and .icns are there, the
right size, and what ``tools/make_icons.py`` would write from the SVG today."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from tests.conftest import REPO

APP_ID = "io.github.hingetimer.HingeTimer"
ICONS = REPO / "assets" / "icons"
HICOLOR = ICONS / "hicolor"
SCALABLE = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
SYMBOLIC = HICOLOR / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg"
ICO = ICONS / f"{APP_ID}.ico"
ICNS = ICONS / f"{APP_ID}.icns"
MAKE_ICONS = REPO / "tools" / "make_icons.py"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SYMBOLIC_COLOUR = "#2e3436"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

# What Qt's QSvgRenderer (SVG Tiny) and librsvg both draw the same; anything else is a problem.
ALLOWED_ELEMENTS = {"svg", "g", "title", "desc", "path", "circle", "ellipse", "rect", "line", "polyline",
                    "polygon", "linearGradient", "stop", "defs"}
FORBIDDEN_ELEMENTS = {"style", "filter", "mask", "text", "tspan", "script", "image", "foreignObject", "use",
                      "clipPath", "pattern", "radialGradient"}
FORBIDDEN_ATTRIBUTES = {"style", "filter", "mask", "clip-path", "class"}
SHAPES = {"path", "circle", "ellipse", "rect", "line", "polyline", "polygon"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def svg_problems(text: str) -> list[str]:
    """What in an SVG's text a plain renderer might not draw: forbidden elements, attributes, external links."""
    root = ET.fromstring(text)
    problems = []
    if root.tag != f"{SVG_NS}svg":
        problems.append(f"the root is <{root.tag}>, not an SVG <svg>")
    for element in root.iter():
        tag = _local(element.tag)
        if tag in FORBIDDEN_ELEMENTS or tag not in ALLOWED_ELEMENTS:
            problems.append(f"<{tag}>")
        for attribute, value in element.attrib.items():
            name = _local(attribute)
            if name in FORBIDDEN_ATTRIBUTES:
                problems.append(f"<{tag} {name}=...>")
            if name == "href" and not value.startswith("#"):
                problems.append(f"<{tag}> links to {value!r}")
            if "url(" in value and not value.strip().startswith("url(#"):
                problems.append(f"<{tag} {name}> points outside: {value!r}")
    return problems


def symbolic_colours(text: str) -> set[str]:
    """Each colour a symbolic SVG paints with (a shape without a fill paints black)."""
    colours = set()
    for element in ET.fromstring(text).iter():
        tag = _local(element.tag)
        for name in ("fill", "stroke", "stop-color", "color"):
            value = element.get(name)
            if value is not None and value != "none":
                colours.add(value.lower())
        if tag in SHAPES and element.get("fill") is None:
            colours.add("#000000 (no fill given)")
        if element.get("stroke") not in (None, "none"):
            colours.add(f"stroke {element.get('stroke')} (filled shapes only)")
    return colours


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ico_sizes(data: bytes) -> list[int]:
    """The pixel size of each image an .ico lists, checking that each is a PNG of that size."""
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError(f"not an icon directory: {reserved=} {kind=} {count=}")
    sizes = []
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i:22 + 16 * i])
        width, height = width or 256, height or 256
        if offset + length > len(data):
            raise ValueError(f"entry {i} runs past the end")
        if png_size(data[offset:offset + length]) != (width, height) or width != height:
            raise ValueError(f"entry {i} says {width}x{height} but its PNG is not that")
        if (planes, bits) != (1, 32):
            raise ValueError(f"entry {i}: {planes} planes, {bits} bits")
        sizes.append(width)
    return sizes


def icns_entries(data: bytes) -> list[tuple[str, int]]:
    """Each entry of an .icns, (its type, its PNG's pixel size), checking the lengths add up."""
    if data[:4] != b"icns" or struct.unpack(">I", data[4:8])[0] != len(data):
        raise ValueError("not an icns file, or its length is wrong")
    entries, at = [], 8
    while at < len(data):
        kind, length = data[at:at + 4].decode("ascii"), struct.unpack(">I", data[at + 4:at + 8])[0]
        if length < 8 or at + length > len(data):
            raise ValueError(f"entry {kind!r} has a bad length {length}")
        width, height = png_size(data[at + 8:at + length])
        if width != height:
            raise ValueError(f"entry {kind!r} is not square")
        entries.append((kind, width))
        at += length
    return entries


# -- the PNGs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_is_there_the_right_size_transparent_round_the_edge_and_solid_in_the_middle(qapp, size):
    path = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert path.is_file(), f"{path} is missing: run .venv/bin/python tools/make_icons.py"
    assert png_size(path.read_bytes()) == (size, size)
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    for x, y in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)):
        assert image.pixelColor(x, y).alpha() == 0, f"corner {x},{y} of the {size}px icon is not transparent"
    assert image.pixelColor(size // 2, size // 2).alpha() == 255, f"the {size}px icon's centre is not opaque"


def test_the_pngs_ico_and_icns_are_what_make_icons_writes_today():
    done = subprocess.run([sys.executable, str(MAKE_ICONS), "--check"], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr


def test_make_icons_check_names_a_file_that_is_out_of_date(tmp_path):
    """The check can fail: in a copy of the tools and icons, a changed PNG and a missing .ico are named."""
    (tmp_path / "tools").mkdir()
    shutil.copy(MAKE_ICONS, tmp_path / "tools" / "make_icons.py")
    shutil.copytree(ICONS, tmp_path / "assets" / "icons")
    copy = tmp_path / "assets" / "icons"
    subprocess.run([sys.executable, str(tmp_path / "tools" / "make_icons.py")], capture_output=True,
                   check=True, timeout=120, cwd=tmp_path)  # up to date first, whatever the checkout's state
    (copy / "hicolor" / "32x32" / "apps" / f"{APP_ID}.png").write_bytes(b"not the icon")
    (copy / f"{APP_ID}.ico").unlink()
    done = subprocess.run([sys.executable, str(tmp_path / "tools" / "make_icons.py"), "--check"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1
    assert f"hicolor/32x32/apps/{APP_ID}.png" in done.stderr
    assert f"{APP_ID}.ico" in done.stderr
    assert f"64x64/apps/{APP_ID}.png" not in done.stderr
    # Written again, the copy is up to date.
    subprocess.run([sys.executable, str(tmp_path / "tools" / "make_icons.py")], capture_output=True,
                   check=True, timeout=120, cwd=tmp_path)
    again = subprocess.run([sys.executable, str(tmp_path / "tools" / "make_icons.py"), "--check"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


# -- the SVGs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SCALABLE, SYMBOLIC], ids=["scalable", "symbolic"])
def test_each_svg_uses_only_what_every_renderer_draws(path):
    assert svg_problems(path.read_text(encoding="utf-8")) == []


def test_svg_problems_finds_what_is_forbidden():
    bad = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<style>rect { fill: red }</style><filter id="f"/><mask id="m"/><text>12</text><script/>'
           '<image xlink:href="https://example.org/a.png"/><rect style="fill: red" filter="url(#f)"/>'
           '<circle fill="url(other.svg#g)"/></svg>')
    found = " ".join(svg_problems(bad))
    for what in ("<style>", "<filter>", "<mask>", "<text>", "<script>", "<image>", "style=", "filter=",
                 "https://example.org/a.png", "other.svg"):
        assert what in found
    assert svg_problems('<svg xmlns="http://www.w3.org/2000/svg"><circle r="1" fill="#000"/></svg>') == []


def test_the_scalable_svg_is_256_square():
    root = ET.fromstring(SCALABLE.read_text(encoding="utf-8"))
    assert root.get("viewBox") == "0 0 256 256"


def test_the_symbolic_svg_is_16_square_and_one_colour():
    root = ET.fromstring(SYMBOLIC.read_text(encoding="utf-8"))
    assert root.get("viewBox") == "0 0 16 16"
    assert symbolic_colours(SYMBOLIC.read_text(encoding="utf-8")) == {SYMBOLIC_COLOUR}


def test_symbolic_colours_sees_a_second_colour_a_stroke_and_a_missing_fill():
    found = symbolic_colours('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#2e3436"/>'
                             '<circle fill="#ff0000"/><path fill="none" stroke="#2e3436"/><polygon/></svg>')
    assert "#ff0000" in found
    assert any(c.startswith("stroke") for c in found)
    assert any("no fill" in c for c in found)


# -- the .ico and .icns -----------------------------------------------------------------------------------


def test_the_ico_lists_16_24_32_48_and_256():
    assert ico_sizes(ICO.read_bytes()) == [16, 24, 32, 48, 256]


def test_the_icns_lists_128_256_512_and_1024():
    assert icns_entries(ICNS.read_bytes()) == [("ic07", 128), ("ic08", 256), ("ic09", 512), ("ic10", 1024)]


def test_the_readers_reject_a_broken_container():
    ico = ICO.read_bytes()
    with pytest.raises(ValueError):
        ico_sizes(b"\x00\x00\x02\x00" + ico[4:])  # a cursor, not an icon
    with pytest.raises(ValueError):
        ico_sizes(ico[:len(ico) - 10])  # cut short
    icns = ICNS.read_bytes()
    with pytest.raises(ValueError):
        icns_entries(icns[:-1])  # its length no longer adds up
    with pytest.raises(ValueError):
        icns_entries(b"icnx" + icns[4:])
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))


def test_the_app_finds_the_icons_it_installs():
    from hinge_timer.appinfo import icon_files, scalable_icon, symbolic_icon

    assert scalable_icon().is_file() and symbolic_icon().is_file()
    assert sorted(icon_files()) == list(PNG_SIZES)
