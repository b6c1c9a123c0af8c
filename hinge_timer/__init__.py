"""Hinge Timer: a guided-session timer for hip-hinge mobility training."""

__version__ = "0.2.0"
