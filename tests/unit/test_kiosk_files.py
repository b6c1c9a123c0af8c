"""The files an administrator installs (packaging/linux/) say what docs/kiosk.md says they do."""

from __future__ import annotations

import configparser
import shlex

from hinge_timer.cli import build_parser
from hinge_timer.kiosk.config import load_kiosk_config
from tests.conftest import REPO

LINUX = REPO / "packaging" / "linux"


def ini(name: str) -> configparser.ConfigParser:
    p = configparser.ConfigParser(interpolation=None, strict=True)
    p.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    p.read(LINUX / name, encoding="utf-8")
    return p


def test_the_systemd_unit_restarts_on_failure_with_a_watchdog():
    unit = ini("io.github.hingetimer.HingeTimer.Kiosk.service")
    service = unit["Service"]
    assert service["Type"] == "notify" and service["Restart"] == "on-failure"
    assert int(service["WatchdogSec"]) >= 10
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/hinge-timer") and build_parser().parse_args(argv[1:]).kiosk
    assert unit["Install"]["WantedBy"] == "graphical-session.target"


def test_the_autostart_file_starts_the_kiosk():
    entry = ini("io.github.hingetimer.HingeTimer.Kiosk.desktop")["Desktop Entry"]
    argv = shlex.split(entry["Exec"])
    assert argv[0] == "hinge-timer" and build_parser().parse_args(argv[1:]).kiosk
    assert entry["Type"] == "Application"


def test_the_sample_site_config_is_valid():
    cfg = load_kiosk_config(LINUX / "config.toml")
    assert cfg.problems == [] and cfg.enabled and cfg.idle_minutes == 3 and cfg.anonymous
