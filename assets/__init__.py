"""Sounds, prompts and icons (shipped as package data)."""
