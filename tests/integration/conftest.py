"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.audio_capture import PulseServer, pulse_server


@pytest.fixture
def pulse() -> Iterator[PulseServer]:
    """A private PulseAudio with a null sink, its own for each test (some tests kill it)."""
    yield from pulse_server()
